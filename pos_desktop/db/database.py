"""Opening the register database: a SQLite file in the data folder, migrated at every start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.schema import upgrade_to
from pos_desktop.sqlite import configure_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DATABASE_FILE = "register.sqlite3"
# The newest migration (pos_desktop.schema.upgrade_to).
HEAD_REVISION = "0014"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # only to migrate (pos_desktop.schema)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


class RegisterDatabase:
    """The engine and sessions of one register database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path) -> RegisterDatabase:
        """Open (creating if needed) and migrate the database file at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )
        # FULL: a payment committed before the server is asked must survive a power cut.
        configure_sqlite(engine, synchronous="FULL")
        database = cls(engine)
        database.migrate()
        return database

    @classmethod
    def in_folder(cls, data_dir: Path) -> RegisterDatabase:
        return cls.open(data_dir / DATABASE_FILE)

    def migrate(self) -> None:
        upgrade_to(self.engine, HEAD_REVISION, lambda: alembic_config(self.engine))

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
