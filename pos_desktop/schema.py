"""What the register's database and the server's share about their schema: which migration a
database is at, and bringing it to the newest without loading Alembic when it is there
already, as it is at every start but the first after an upgrade (importing Alembic and
reading every migration took ~0.7 s of each start)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database never migrated."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_to(engine: Engine, head: str, config: Callable[[], Config]) -> None:
    """Bring the database to ``head``, the newest migration, with Alembic (``config``) only
    when it is not there. A test on each side checks that ``head`` is Alembic's."""
    if schema_revision(engine) == head:
        return
    from alembic import command  # only when there is something to migrate

    command.upgrade(config(), "head")
