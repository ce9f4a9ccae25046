"""The drawer's cash outside sales, as the register keeps it (``CashMovement``): written by
the services (a gift card's cash-out), read by the shift's count. Callers commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop.db.models import CashMovement
from pos_desktop.domain.money import Money

GIFT_CARD_CASH_OUT = "gift_card_cash_out"


@dataclass(frozen=True, slots=True)
class CashMoved:
    kind: str
    amount: Money  # negative: out of the drawer
    card_last4: str | None
    employee_name: str
    at: datetime


def record_cash_out(
    db: Session,
    *,
    paid_out: Money,
    card_last4: str,
    activity_id: uuid.UUID,
    employee_id: uuid.UUID | None,
    employee_name: str,
    at: datetime,
) -> bool:
    """A card's balance paid out of the drawer; False when this activity was counted already
    (the same answer, replayed after a retry)."""
    known = db.execute(
        select(CashMovement.id).where(CashMovement.activity_id == activity_id)
    ).first()
    if known is not None:
        return False
    db.add(
        CashMovement(
            id=uuid.uuid4(),
            kind=GIFT_CARD_CASH_OUT,
            amount=-paid_out.minor,
            currency=paid_out.currency,
            card_last4=card_last4,
            activity_id=activity_id,
            employee_id=employee_id,
            employee_name=employee_name[:80],
            at=at,
        )
    )
    return True


def movements(db: Session) -> list[CashMoved]:
    """Every movement, oldest first."""
    rows = db.execute(select(CashMovement).order_by(CashMovement.at, CashMovement.id)).scalars()
    return [
        CashMoved(
            kind=row.kind,
            amount=Money(row.amount, row.currency),
            card_last4=row.card_last4,
            employee_name=row.employee_name,
            at=row.at,
        )
        for row in rows
    ]
