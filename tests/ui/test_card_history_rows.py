"""The text of a card's history rows, as the Gift Cards window shows them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money
from pos_desktop.services.results import CardActivity
from ui.presenters.card_lookup import TICKET_NOT_SYNCED, ticket_label


def _activity(ticket_id: uuid.UUID | None, ticket_number: int | None) -> CardActivity:
    usd = Money(5_00, "USD")
    return CardActivity(
        id=uuid.uuid4(),
        kind=ActivityKind.REDEEM,
        amount=usd,
        tip=Money(0, "USD"),
        balance_after=usd,
        employee_name="Casey Cashier",
        register_name="Front counter",
        ticket_id=ticket_id,
        ticket_number=ticket_number,
        created_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
    )


def test_ticket_label_is_the_receipt_number() -> None:
    """A ticket the server knows reads as its receipt's number."""
    assert ticket_label(_activity(uuid.uuid4(), 4)) == "#4"


def test_ticket_label_of_a_ticket_not_synced_says_so_not_an_id() -> None:
    """A ticket still open, or waiting to sync, says so rather than show an id fragment."""
    assert ticket_label(_activity(uuid.uuid4(), None)) == TICKET_NOT_SYNCED == "Not synced yet"


def test_ticket_label_without_a_ticket_is_empty() -> None:
    """A deduction made outside a sale names no ticket."""
    assert ticket_label(_activity(None, None)) == ""
