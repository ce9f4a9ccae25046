"""The register database: migrations match the models, times stay UTC, one open ticket each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos_desktop.db import sales
from pos_desktop.db.database import HEAD_REVISION, RegisterDatabase, alembic_config
from pos_desktop.db.models import Base
from pos_desktop.schema import schema_revision


def test_register_database_migrations_match_the_models(register_db: RegisterDatabase) -> None:
    """Alembic's head builds exactly the tables the models describe."""
    with register_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_register_database_head_is_the_one_opening_skips_alembic_for(
    register_db: RegisterDatabase,
) -> None:
    """Opening skips Alembic on a database at HEAD_REVISION: that must be the newest
    migration, or a register would run on a schema older than its code."""
    head = ScriptDirectory.from_config(alembic_config(register_db.engine)).get_heads()

    assert head == [HEAD_REVISION]
    assert schema_revision(register_db.engine) == HEAD_REVISION


def test_register_database_opens_again_without_change(tmp_path: Path) -> None:
    """Opening an existing database (every start) migrates nothing and keeps its rows."""
    first = RegisterDatabase.open(tmp_path / "r.sqlite3")
    with first.session() as db:
        sale = sales.start(
            db,
            employee_id=uuid.uuid4(),
            employee_name="Casey",
            currency="USD",
            prices_include_tax=False,
            now=datetime.now(UTC),
        )
        db.commit()
    first.close()
    again = RegisterDatabase.open(tmp_path / "r.sqlite3")
    with again.session() as db:
        assert sales.load(db, sale.id).employee_name == "Casey"
    again.close()


def test_register_database_times_come_back_aware_utc(register_db: RegisterDatabase) -> None:
    """A time written in any zone is read back as the same instant in UTC."""
    opened = datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    with register_db.session() as db:
        sale = sales.start(
            db,
            employee_id=uuid.uuid4(),
            employee_name="Casey",
            currency="USD",
            prices_include_tax=False,
            now=opened,
        )
        db.commit()
    with register_db.session() as db:
        back = sales.load(db, sale.id).opened_at
    assert back == opened and back.tzinfo == UTC


def test_register_database_refuses_naive_times(register_db: RegisterDatabase) -> None:
    """A naive time is a bug, never guessed into a zone."""
    with register_db.session() as db, pytest.raises(Exception, match="timezone-aware"):
        sales.start(
            db,
            employee_id=uuid.uuid4(),
            employee_name="Casey",
            currency="USD",
            prices_include_tax=False,
            now=datetime(2026, 11, 22, 9, 30),
        )


def test_register_database_keeps_one_open_ticket_per_employee(
    register_db: RegisterDatabase,
) -> None:
    """A second open ticket for the same employee is refused by the database itself."""
    employee = uuid.uuid4()

    def start(db: Session) -> None:
        sales.start(
            db,
            employee_id=employee,
            employee_name="Casey",
            currency="USD",
            prices_include_tax=False,
            now=datetime.now(UTC),
        )

    with register_db.session() as db:
        start(db)
        db.commit()
        with pytest.raises(IntegrityError):
            start(db)
