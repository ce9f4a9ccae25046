"""Cash paid out of the drawer outside a sale: a card's cash-out counted once per activity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pos_desktop.db import cash
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money

AT = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def _cash_out(db_file: RegisterDatabase, activity_id: uuid.UUID) -> bool:
    with db_file.session() as db, db.begin():
        return cash.record_cash_out(
            db,
            paid_out=Money(7_25, "USD"),
            card_last4="5184",
            activity_id=activity_id,
            employee_id=None,
            employee_name="Morgan Manager",
            at=AT,
        )


def test_cash_movements_count_a_cash_out_as_cash_paid_out(register_db: RegisterDatabase) -> None:
    """A $7.25 cash-out is $7.25 out of the drawer, with the card's last 4 and who paid it."""
    assert _cash_out(register_db, uuid.uuid4())

    with register_db.session() as db:
        (moved,) = cash.movements(db)
    assert (moved.kind, moved.amount, moved.card_last4, moved.employee_name, moved.at) == (
        "gift_card_cash_out",
        Money(-7_25, "USD"),
        "5184",
        "Morgan Manager",
        AT,
    )
    assert moved.movement.reason == "Card •••• 5184"


def test_cash_movements_count_a_replayed_answer_once(register_db: RegisterDatabase) -> None:
    """The same activity again (an answer replayed after a retry) is not counted twice."""
    activity = uuid.uuid4()
    assert _cash_out(register_db, activity)

    assert not _cash_out(register_db, activity)
    with register_db.session() as db:
        assert len(cash.movements(db)) == 1
