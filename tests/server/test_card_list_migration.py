"""Migration 0010 gives existing cards the count that tells used from active, from their
ledger, so the card list's status filter is right for cards older than the column."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select

from pos_desktop.server.database import alembic_config
from pos_desktop.server.models import GiftCard
from tests.fixtures.databases import database_of_its_own
from tests.fixtures.server_world import World


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own (it is migrated down and up again)."""
    with database_of_its_own(request.param, tmp_path, "pos_migrate") as made:
        yield made


def test_migration_0010_counts_open_deductions_from_the_ledger(world: World) -> None:
    """Cards redeemed before the column existed list as used; a reversed one as active."""
    used = world.issue_card(50_00)["id"]
    reversed_ = world.issue_card(50_00)["id"]
    assert world.redeem(used, 1_00).status_code == 200
    assert world.redeem(used, 2_00).status_code == 200
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(reversed_, 5_00, ticket_id=ticket)
    assert world.reverse(redeemed.json()["activity"]["id"], ticket).status_code == 200
    config = alembic_config(world.engine)

    command.downgrade(config, "0009")
    command.upgrade(config, "0010")

    with world.engine.connect() as db:
        counts = dict(db.execute(select(GiftCard.id, GiftCard.open_deductions)).all())
    assert counts == {uuid.UUID(used): 2, uuid.UUID(reversed_): 0}
    command.upgrade(config, "head")  # the app below reads the newest schema
    listed = world.get("/backoffice/giftcards", who="manager", status="used").json()["items"]
    assert [item["id"] for item in listed] == [used]
