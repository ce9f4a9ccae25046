"""Engines, sessions and migrations for PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, Engine, Executable, create_engine
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.schema import upgrade_to
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.models import Base
from pos_desktop.sqlite import configure_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration (pos_desktop.schema.upgrade_to).
HEAD_REVISION = "0016"


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, transaction_pooling: bool = False) -> Engine:
    """``transaction_pooling``: ``url`` is a transaction pooler's (PgBouncer), whose next
    transaction may run on another server connection, so psycopg prepares nothing (it would
    after a statement's fifth use on a connection)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        configure_sqlite(engine)
        return engine
    connect_args = {"prepare_threshold": None} if transaction_pooling else {}
    # No pre-ping: it costs a round trip on every checkout; a connection the server dropped
    # fails that one request, and the pool recycles connections before idle timeouts bite.
    return create_engine(
        url, pool_size=16, max_overflow=24, pool_recycle=1800, connect_args=connect_args
    )


DIALECTS = ("postgresql", "sqlite")


def insert_or_skip(db: Session, model: type[Base]) -> PgInsert | SqliteInsert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the session's database."""
    return insert_or_skip_in(db.get_bind().dialect.name, model)


def insert_or_skip_in(dialect: str, model: type[Base]) -> PgInsert | SqliteInsert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for ``dialect``; both of ``DIALECTS`` have it,
    spelled by their own constructs."""
    if dialect == "postgresql":
        return pg_insert(model).on_conflict_do_nothing()
    return sqlite_insert(model).on_conflict_do_nothing()


def run_prepared(
    db: Session, statement: Executable, params: dict[str, object]
) -> CursorResult[Any]:
    """A statement built once with parameters, run on the session's own connection (its
    transaction), past the ORM's handling of it: for the redemption path, where that handling
    cost more than the statement. Pending ORM changes go first, as ``Session.execute``'s would,
    so the statement sees them."""
    db.flush()
    return db.connection().execute(statement, params)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine, keys: ServerKeys | None = None) -> Config:
    from alembic.config import Config  # only to migrate (pos_desktop.schema)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    config.attributes["keys"] = keys
    return config


def migrate(engine: Engine, keys: ServerKeys | None = None) -> None:
    """Bring the schema to the newest revision; safe to call at every start. ``keys``: the
    server key, which a migration that rewrites secrets held in rows needs."""
    upgrade_to(engine, HEAD_REVISION, lambda: alembic_config(engine, keys))
