"""Opening the register database: a SQLite file in the data folder, migrated at every start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.sqlite import configure_sqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DATABASE_FILE = "register.sqlite3"


def alembic_config(engine: Engine) -> Config:
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
        command.upgrade(alembic_config(self.engine), "head")

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
