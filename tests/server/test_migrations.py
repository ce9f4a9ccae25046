"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from pos_desktop.server.database import alembic_config, migrate
from pos_desktop.server.models import Base


def test_migrations_match_models(engine: Engine) -> None:
    """Autogenerate finds nothing to add: models and migrations agree."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_migrations_are_safe_to_run_again(engine: Engine) -> None:
    """Starting the server again on a migrated database leaves it at the newest revision."""
    migrate(engine)
    migrate(engine)

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert current == tuple(head)
