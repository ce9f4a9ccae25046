"""A card's mini-statement: its last 10 activities, oldest first, in the store's time zone,
signed as they moved the balance, with the number masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_desktop.domain.card_statement import (
    MINUS,
    STATEMENT_ACTIVITIES,
    StatementEntry,
    card_statement,
    statement_rows,
)
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money

RULES = StoreRules(
    name="Demo Gift Shop",
    currency="USD",
    locale="en_US",
    timezone="America/New_York",
    prices_include_tax=False,
    idle_lock_seconds=300,
    tenders=(),
    address="1 Main St",
)
START = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def history(adjustments: int) -> list[StatementEntry]:
    """Issued with $50.00, then ``adjustments`` of $1.00, alternately up and down."""
    entries = [StatementEntry(ActivityKind.ISSUE, usd(50_00), usd(50_00), START)]
    balance = 50_00
    for index in range(adjustments):
        balance += 1_00 if index % 2 == 0 else -1_00
        at = START + timedelta(days=index + 1)
        entries.append(StatementEntry(ActivityKind.ADJUST, usd(1_00), usd(balance), at))
    return entries


def test_card_statement_keeps_the_last_ten_oldest_first() -> None:
    """Of 13 activities the statement lists the newest 10, the oldest of them first."""
    entries = history(12)
    made = card_statement(
        last4="5184",
        card_id_hex="1a2b3c4d",
        balance=usd(50_00),
        entries=list(reversed(entries)),
        rules=RULES,
        employee_name="Casey",
        now=START,
    )
    assert len(made.lines) == STATEMENT_ACTIVITIES
    assert [line.day for line in made.lines] == [f"3/{day}/26" for day in range(4, 14)]


def test_card_statement_signs_an_adjustment_by_the_balance_it_left() -> None:
    """An adjustment up reads "+", one down reads with a minus; the issue with "+"."""
    made = card_statement(
        last4="5184",
        card_id_hex="1a2b3c4d",
        balance=usd(50_00),
        entries=history(2),
        rules=RULES,
        employee_name="Casey",
        now=START,
    )
    assert [line.amount for line in made.lines] == ["+$50.00", "+$1.00", f"{MINUS}$1.00"]
    assert [line.balance_after for line in made.lines] == ["$50.00", "$51.00", "$50.00"]


def test_card_statement_days_are_the_stores() -> None:
    """An activity at 02:00 UTC is on the day before in New York."""
    late = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    made = card_statement(
        last4="5184",
        card_id_hex="1a2b3c4d",
        balance=usd(10_00),
        entries=[StatementEntry(ActivityKind.ISSUE, usd(10_00), usd(10_00), late)],
        rules=RULES,
        employee_name="Casey",
        now=late,
    )
    assert made.lines[0].day == "3/1/26"


def test_card_statement_rows_mask_the_number_and_end_with_the_balance() -> None:
    """The rows name the card by its last 4, carry the store's header and end with the
    balance now."""
    made = card_statement(
        last4="6035718492055184",
        card_id_hex="1a2b3c4d",
        balance=usd(37_50),
        entries=history(1),
        rules=RULES,
        employee_name="Casey",
        now=START,
    )
    rows = statement_rows(made)
    texts = [f"{row.left} {row.right}" for row in rows]
    assert rows[0].left == "Demo Gift Shop"
    assert "1 Main St" in texts[1]
    assert any("Gift Card •••• 5184" in text for text in texts)
    assert not any("6035718492055184" in text for text in texts)
    assert (rows[-1].left, rows[-1].right) == ("Balance", "$37.50")
