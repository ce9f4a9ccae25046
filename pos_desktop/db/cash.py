"""The drawer's cash outside sales, as the register keeps it (``CashMovement``): a gift card's
cash-out, a pay in or out, the drawer opened with no sale; read by the shift's X and Z
reports, and claimed by the Z that counts them. Callers commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pos_desktop.db.models import CashMovement
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import Movement, MovementKind

GIFT_CARD_CASH_OUT = MovementKind.GIFT_CARD_CASH_OUT.value


@dataclass(frozen=True, slots=True)
class CashMoved:
    kind: str
    amount: Money  # negative: out of the drawer
    card_last4: str | None
    employee_name: str
    at: datetime
    id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    reason: str | None = None
    approved_by: uuid.UUID | None = None

    @property
    def movement(self) -> Movement:
        """As the shift's report counts it; a cash-out's reason is its card."""
        reason = self.reason
        if reason is None and self.card_last4:
            reason = f"Card •••• {self.card_last4}"
        return Movement(MovementKind(self.kind), self.amount, reason, self.employee_name, self.at)


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


def record(
    db: Session,
    *,
    kind: MovementKind,
    amount: Money,
    reason: str,
    employee_id: uuid.UUID | None,
    employee_name: str,
    at: datetime,
    approved_by: uuid.UUID | None = None,
) -> uuid.UUID:
    """A pay in (``amount`` positive), a pay out (negative) or a no sale (zero); its id."""
    movement_id = uuid.uuid4()
    db.add(
        CashMovement(
            id=movement_id,
            kind=kind.value,
            amount=amount.minor,
            currency=amount.currency,
            employee_id=employee_id,
            employee_name=employee_name[:80],
            at=at,
            reason=reason,
            approved_by=approved_by,
        )
    )
    return movement_id


def _moved(row: CashMovement) -> CashMoved:
    return CashMoved(
        kind=row.kind,
        amount=Money(row.amount, row.currency),
        card_last4=row.card_last4,
        employee_name=row.employee_name,
        at=row.at,
        id=row.id,
        employee_id=row.employee_id,
        reason=row.reason,
        approved_by=row.approved_by,
    )


def movements(db: Session) -> list[CashMoved]:
    """Every movement, oldest first."""
    rows = db.execute(select(CashMovement).order_by(CashMovement.at, CashMovement.id)).scalars()
    return [_moved(row) for row in rows]


def of_shift(db: Session, shift_id: uuid.UUID | None) -> list[CashMoved]:
    """The movements the Z of ``shift_id`` counted, or (None) those no Z has counted yet;
    oldest first."""
    column = CashMovement.shift_id
    rows = db.execute(
        select(CashMovement)
        .where(column.is_(None) if shift_id is None else column == shift_id)
        .order_by(CashMovement.at, CashMovement.id)
    ).scalars()
    return [_moved(row) for row in rows]


def claim_for_shift(db: Session, shift_id: uuid.UUID) -> None:
    """Every movement no Z has counted yet is this Z's."""
    db.execute(
        update(CashMovement).where(CashMovement.shift_id.is_(None)).values(shift_id=shift_id)
    )
