"""The ledger is history: the database itself refuses to change or remove an activity."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError

from pos_desktop.server.models import CardActivity
from tests.fixtures.server_world import World


def test_card_activities_refuse_update(world: World, engine: Engine) -> None:
    """Rewriting an activity's amount is refused by the database, whoever connects."""
    world.issue_card(50_00)

    with engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(update(CardActivity).values(amount=1))


def test_card_activities_refuse_delete(world: World, engine: Engine) -> None:
    """Removing an activity is refused, so no balance can lose its history."""
    world.issue_card(50_00)

    with engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(delete(CardActivity))


def test_card_activities_still_take_new_rows(world: World) -> None:
    """Appending goes on as before: a redemption writes its activity and moves the balance."""
    card = world.issue_card(50_00)

    redeemed = world.redeem(card["id"], 20_00)

    assert redeemed.status_code == 200, redeemed.text
    assert world.balance(card["id"]) == 30_00
