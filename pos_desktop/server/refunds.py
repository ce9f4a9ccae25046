"""Money of a completed sale given back onto a gift card: the card that paid (a tender
refund), or any card, new or in use, as store credit. Each refund is a ``refund`` activity on
the sale's ticket, and all of a sale's refunds together never exceed what it took."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.domain.errors import (
    ActivityNotFound,
    CardVoided,
    NotReversible,
    RefundTooLarge,
    SaleNotFound,
)
from pos_desktop.domain.giftcard import DEDUCTION_KINDS, ActivityKind, Delivery
from pos_desktop.domain.money import Money
from pos_desktop.domain.roles import OWNER, manages
from pos_desktop.server import ledger
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.errors import forbidden
from pos_desktop.server.keys import CardNumbers
from pos_desktop.server.models import CardActivity, Employee, GiftCard, Store, SyncedTicket


def ensure_approved(db: Session, caller: EmployeeCaller, approved_by: uuid.UUID | None) -> None:
    """Where the store puts refunds behind a manager's PIN, a cashier's refund names the
    manager who approved it at the register; a manager needs no one."""
    if caller.is_manager:
        return
    store = db.get_one(Store, caller.store.id)
    if ApprovalAction.REFUND.value not in store.approvals:
        return
    approver = db.get(Employee, approved_by) if approved_by is not None else None
    if (
        approver is None
        or (approver.store_id != caller.store.id and approver.role != OWNER)
        or not approver.active
        or not manages(approver.role)
    ):
        raise forbidden("A manager must approve this refund.")


def _completed_sale(
    db: Session, store_id: uuid.UUID, register_id: uuid.UUID, ticket_id: uuid.UUID
) -> SyncedTicket:
    sale = db.get(SyncedTicket, (register_id, ticket_id))
    if sale is None or sale.store_id != store_id or sale.status != "completed":
        raise SaleNotFound(
            "No completed sale has this ticket here. A ticket still open is changed, not refunded."
        )
    return sale


def _left_of_sale(db: Session, sale: SyncedTicket) -> int:
    """What the sale took (its total and tip) less what its refunds gave back so far."""
    return sale.total + sale.tip - _refunded(db, sale.id, sale.store_id)


def _refunded(db: Session, ticket_id: uuid.UUID, store_id: uuid.UUID) -> int:
    """What the store's refunds on this ticket gave back so far."""
    total = db.execute(
        select(func.coalesce(func.sum(CardActivity.amount), 0))
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store_id,
            CardActivity.ticket_id == ticket_id,
            CardActivity.kind == ActivityKind.REFUND.value,
        )
    ).scalar_one()
    return int(total)


def _too_large(left: Money) -> RefundTooLarge:
    return RefundTooLarge(f"This refund is more than is left to refund: {left.format()} at most.")


def refund_tender(
    db: Session,
    caller: EmployeeCaller,
    activity_id: uuid.UUID,
    amount: Money,
    reason: str | None,
    idempotency_key: str,
    now: datetime,
) -> tuple[CardActivity, GiftCard]:
    """Give a completed sale's gift-card payment back to the card that paid it, in whole or
    in part; the ticket still open is a reversal's business, not a refund's."""
    original = db.get(CardActivity, activity_id)
    if original is None:
        raise ActivityNotFound()
    card = ledger.lock_card(db, original.card_id, caller.store.id)
    if ActivityKind(original.kind) not in DEDUCTION_KINDS or original.ticket_id is None:
        raise NotReversible("Only a gift-card payment of a sale can be refunded to its card.")
    if original.register_id is None:
        raise NotReversible("This payment was made on no register; it cannot be refunded.")
    sale = _completed_sale(db, caller.store.id, original.register_id, original.ticket_id)
    if card.voided:
        raise CardVoided("This card is voided; refund this payment another way.")
    given = db.execute(
        select(func.coalesce(func.sum(CardActivity.amount), 0)).where(
            CardActivity.refunds_id == original.id
        )
    ).scalar_one()
    left = min(original.amount + original.tip - int(given), _left_of_sale(db, sale))
    if amount.minor > left:
        raise _too_large(caller.store.money(left))
    entry = ledger.Entry(
        ActivityKind.REFUND,
        amount=amount.minor,
        delta=amount.minor,
        ticket_id=original.ticket_id,
        idempotency_key=idempotency_key,
        refunds_id=original.id,
        reason=reason,
    )
    return ledger.append(db, card, entry, caller, now), card


def store_credit(
    db: Session,
    caller: EmployeeCaller,
    sale: tuple[uuid.UUID, uuid.UUID],
    amount: Money,
    onto: ledger.Presented | None,
    reason: str,
    numbers: CardNumbers,
    idempotency_key: str,
    now: datetime,
) -> tuple[CardActivity, GiftCard, str | None]:
    """Refund a completed sale (``sale``: its register and ticket) onto a card in use at the
    counter (``onto``) or a new card handed over now; the new card's number is returned."""
    register_id, ticket_id = sale
    left = _left_of_sale(db, _completed_sale(db, caller.store.id, register_id, ticket_id))
    if amount.minor > left:
        raise _too_large(caller.store.money(max(0, left)))
    number: str | None = None
    if onto is not None:
        card = onto.lock(db, caller.store.id)
        if card.voided:
            raise CardVoided("This card is voided; give the credit on another card.")
    else:
        number = ledger.unused_number(db, numbers)
        new = ledger.NewCard(amount=amount, number=number, delivery=Delivery.PHYSICAL)
        card = ledger.new_card(db, caller.store, new, number, numbers, now)
        card.sent_at = now
    entry = ledger.Entry(
        ActivityKind.REFUND,
        amount=amount.minor,
        delta=amount.minor,
        ticket_id=ticket_id,
        idempotency_key=idempotency_key,
        reason=reason,
    )
    activity = ledger.append(db, card, entry, caller, now)
    if number is not None:
        ledger.append(db, card, ledger.Entry(ActivityKind.ACTIVATE), caller, now)
    return activity, card, number
