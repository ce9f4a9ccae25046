"""Migration 0014 dates each value move's previous one from the ledger it already holds, so
the gift-card report reads cards older than the column right, and the ledger stays
append-only after its one filling."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from pos_desktop.server.database import alembic_config
from pos_desktop.server.models import CardActivity
from tests.fixtures.databases import database_of_its_own
from tests.fixtures.report_ledger import cents, report
from tests.fixtures.server_world import World


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own (the migration test takes it down and up again)."""
    with database_of_its_own(request.param, tmp_path, "pos_holdings") as made:
        yield made


def previous_moves(engine: Engine) -> dict[tuple[uuid.UUID, int], datetime | None]:
    with engine.connect() as db:
        rows = db.execute(
            select(CardActivity.card_id, CardActivity.seq, CardActivity.previous_move_at)
        ).all()
    return {(card_id, seq): previous for card_id, seq, previous in rows}


def test_migration_0014_dates_each_moves_previous_one(world: World) -> None:
    """Issued, redeemed, blocked and unblocked (no value moves), redeemed again: after the
    schema goes down and up, each value move names the one before it, as ledger.append
    wrote it, and the report ages the card from its last redemption."""
    world.clock.current = datetime(2026, 3, 1, 15, tzinfo=UTC)
    card = world.issue_card(50_00)["id"]
    world.clock.current = datetime(2026, 3, 2, 15, tzinfo=UTC)
    assert world.redeem(card, 10_00).status_code == 200
    for action in ("block", "unblock"):
        done = world.post(f"/giftcards/{card}/{action}", {"reason": "Check"}, who="manager")
        assert done.status_code == 200, done.text
    world.clock.current = datetime(2026, 3, 20, 15, tzinfo=UTC)
    world.log_in_again()
    assert world.redeem(card, 5_00).status_code == 200
    written = previous_moves(world.engine)
    config = alembic_config(world.engine)

    command.downgrade(config, "0013")
    command.upgrade(config, "head")

    assert previous_moves(world.engine) == written
    moves = sorted((seq, previous) for (_, seq), previous in written.items() if previous)
    assert [previous for _, previous in moves] == [
        datetime(2026, 3, 1, 15, tzinfo=UTC),
        datetime(2026, 3, 2, 15, tzinfo=UTC),
    ]
    world.clock.current = datetime(2026, 5, 15, 15, tzinfo=UTC)
    world.log_in_again()
    aged = report(world, "gift-cards", start="2026-04-01", end="2026-04-30")["aging"]
    assert [(a["cards"], cents(a["outstanding"])) for a in aged][:2] == [(0, 0), (1, 35_00)]


def test_migration_0014_leaves_the_ledger_append_only(world: World) -> None:
    world.issue_card(20_00)
    config = alembic_config(world.engine)
    command.downgrade(config, "0013")
    command.upgrade(config, "head")

    with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as db:
        db.execute(text("UPDATE card_activities SET amount = 1"))
