"""Alembic environment: the engine is handed in by pos_desktop.db.database."""

from __future__ import annotations

from alembic import context

from pos_desktop.db.models import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
