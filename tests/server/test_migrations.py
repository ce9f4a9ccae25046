"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, select

from pos_desktop.schema import schema_revision
from pos_desktop.server.database import (
    HEAD_REVISION,
    alembic_config,
    make_engine,
    migrate,
)
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.models import Base
from tests.fixtures.databases import create_postgres_database, drop_postgres_database


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


def test_migrations_head_is_the_one_start_up_skips_alembic_for(engine: Engine) -> None:
    """The server skips Alembic on a database at HEAD_REVISION: that must be the newest
    migration, or a server would start on a schema older than its code."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_heads()

    assert head == [HEAD_REVISION]
    assert schema_revision(engine) == HEAD_REVISION


# --- 0003: card numbers leave the database readable ----------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, for a migration run step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    url = create_postgres_database("pos_migrate")
    yield url
    drop_postgres_database(url)


NUMBER = "6035718492055184"


def _rows_of_revision_0002(engine: Engine) -> dict[str, uuid.UUID]:
    """A store as revision 0002 kept it: a card's number in the clear, in its stored answer
    and its sent e-gift mail, plus a pushed ticket."""
    # Reflected, SQLite's UUID columns are CHAR(32): they take the hex form.
    made = {name: uuid.uuid4() for name in ("store", "register", "card", "sent", "queued")}
    ids: dict[str, Any] = {
        name: value.hex if engine.dialect.name == "sqlite" else value
        for name, value in made.items()
    }
    now = datetime(2026, 11, 1, tzinfo=UTC)
    issued = json.dumps({"id": str(ids["card"]), "number": NUMBER}).encode()
    egift = f"To: pat@example.com\n\nCard number: {NUMBER}\n".encode()
    table = _tables(engine)
    with engine.begin() as db:
        db.execute(
            table["stores"].insert().values(
                id=ids["store"], name="Old", currency="USD", locale="en_US",
                timezone="UTC", prices_include_tax=False, idle_lock_seconds=300,
                max_card_amount=500_00, tenders="", pin_pepper="00" * 32, sync_version=1,
                created_at=now, deduction_code_to="buyer", deduction_code_minutes=10,
            )
        )  # fmt: skip
        db.execute(
            table["registers"].insert().values(
                id=ids["register"], store_id=ids["store"], name="R", token_hash="t" * 64,
                created_at=now,
            )
        )  # fmt: skip
        db.execute(
            table["gift_cards"].insert().values(
                id=ids["card"], store_id=ids["store"], number=NUMBER, last4=NUMBER[-4:],
                currency="USD", initial_amount=10_00, balance=0, blocked=False, voided=False,
                version=0, created_at=now,
            )
        )  # fmt: skip
        db.execute(
            table["idempotency_records"].insert().values(
                register_id=ids["register"], key="issue-1", request_hash="h" * 64,
                status_code=201, response_body=issued, created_at=now,
            )
        )  # fmt: skip
        for mail_id, sent_at in ((ids["sent"], now), (ids["queued"], None)):
            db.execute(
                table["mail_outbox"].insert().values(
                    id=mail_id, kind="egift", to_address="pat@example.com", subject="Card",
                    message=egift, sealed=False, card_id=ids["card"], created_at=now,
                    attempts=0, sent_at=sent_at,
                )
            )  # fmt: skip
        db.execute(
            table["tickets"].insert().values(
                id=ids["sent"], register_id=ids["register"], status="completed", total=5_00,
                currency="USD", completed_at=now, body="{}", received_at=now,
            )
        )  # fmt: skip
    return made


def _tables(engine: Engine) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(engine)
    return dict(metadata.tables)


def _at_0002(url: str) -> Engine:
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0002")
    return engine


def test_migration_0003_seals_every_card_number_it_finds(fresh_url: str) -> None:
    """Upgrading a store that kept numbers in the clear leaves none readable: the card is found
    by its keyed hash and read back with the key, the stored answer replays sealed, the sent
    e-gift mail keeps no body and the queued one is sealed; tickets learn their store."""
    engine = _at_0002(fresh_url)
    ids = _rows_of_revision_0002(engine)
    keys = ServerKeys.for_this_run()

    migrate(engine, keys)

    table = _tables(engine)
    with engine.connect() as db:
        card = db.execute(select(table["gift_cards"])).one()._mapping
        record = db.execute(select(table["idempotency_records"])).one()._mapping
        outbox = db.execute(select(table["mail_outbox"])).all()
        mails = {uuid.UUID(str(row.id)): row for row in outbox}
        ticket = db.execute(select(table["tickets"])).one()._mapping
    engine.dispose()
    assert "number" not in card
    assert card["number_hash"] == keys.numbers.lookup_hash(NUMBER)
    assert keys.numbers.open(bytes(card["number_sealed"])) == NUMBER
    assert record["sealed"] and NUMBER.encode() not in bytes(record["response_body"])
    assert json.loads(keys.answers.open(bytes(record["response_body"])))["number"] == NUMBER
    assert bytes(mails[ids["sent"]].message) == b""
    assert NUMBER.encode() in keys.mail.open(bytes(mails[ids["queued"]].message))
    assert uuid.UUID(str(ticket["store_id"])) == ids["store"]


def test_migration_0003_without_the_key_stops_before_losing_numbers(fresh_url: str) -> None:
    """A database holding card numbers is not upgraded without the server key: the upgrade
    stops and says so, and the numbers stay where they were."""
    engine = _at_0002(fresh_url)
    _rows_of_revision_0002(engine)

    with pytest.raises(RuntimeError, match="server key"):
        migrate(engine)

    with engine.connect() as db:
        current = MigrationContext.configure(db).get_current_heads()
    engine.dispose()
    assert current == ("0002",)
