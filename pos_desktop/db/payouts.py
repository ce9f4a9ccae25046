"""Refunds onto gift cards and cash-outs as the register keeps them (``models.CardPayout``);
the cash a cash-out moved is ``db.cash``'s. Callers commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_desktop.db.models import CardPayout
from pos_desktop.domain.money import Money

REFUND_TENDER = "refund_tender"
STORE_CREDIT = "store_credit"
CASH_OUT = "cash_out"
ASKING, DONE, REFUSED = "asking", "done", "refused"
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Payout:
    """A payout's row as the service needs it."""

    id: uuid.UUID
    kind: str
    state: str
    idempotency_key: str
    request: str | None
    ticket_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    card_id: uuid.UUID | None
    approved_by: uuid.UUID | None
    reason: str | None


def _payout(row: CardPayout) -> Payout:
    return Payout(
        id=row.id,
        kind=row.kind,
        state=row.state,
        idempotency_key=row.idempotency_key,
        request=row.request,
        ticket_id=row.ticket_id,
        payment_id=row.payment_id,
        card_id=row.card_id,
        approved_by=row.approved_by,
        reason=row.reason,
    )


@dataclass(frozen=True, slots=True)
class NewPayout:
    kind: str
    request: str
    amount: int
    currency: str
    employee_id: uuid.UUID
    employee_name: str
    ticket_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    card_id: uuid.UUID | None = None
    card_last4: str | None = None
    approved_by: uuid.UUID | None = None
    reason: str | None = None


def add(db: Session, new: NewPayout, key_prefix: str, now: datetime) -> Payout:
    """A payout about to be asked of the server, with its key; commit before asking."""
    payout_id = uuid.uuid4()
    row = CardPayout(
        id=payout_id,
        kind=new.kind,
        state=ASKING,
        idempotency_key=f"{key_prefix}-{payout_id}",
        request=new.request,
        ticket_id=new.ticket_id,
        payment_id=new.payment_id,
        amount=new.amount,
        currency=new.currency,
        card_id=new.card_id,
        card_last4=new.card_last4,
        employee_id=new.employee_id,
        employee_name=new.employee_name,
        approved_by=new.approved_by,
        reason=new.reason,
        created_at=now,
    )
    db.add(row)
    db.flush()
    return _payout(row)


def get(db: Session, payout_id: uuid.UUID) -> Payout | None:
    row = db.get(CardPayout, payout_id)
    return _payout(row) if row is not None else None


def asking(db: Session) -> list[Payout]:
    """Payouts whose answer never came, oldest first."""
    rows = db.execute(
        select(CardPayout).where(CardPayout.state == ASKING).order_by(CardPayout.created_at)
    ).scalars()
    return [_payout(row) for row in rows]


def settle(
    db: Session,
    payout_id: uuid.UUID,
    *,
    amount: int,
    card_id: uuid.UUID,
    last4: str,
    balance_after: int,
    activity_id: uuid.UUID,
    now: datetime,
) -> None:
    """The server's answer is in: what it gave is the record; the request (and any card
    number in it) is not kept."""
    row = db.get_one(CardPayout, payout_id)
    row.state = DONE
    row.amount = amount
    row.card_id = card_id
    row.card_last4 = last4
    row.balance_after = balance_after
    row.activity_id = activity_id
    row.request = None
    row.error = None
    row.settled_at = now


def refuse(db: Session, payout_id: uuid.UUID, error: str, now: datetime) -> None:
    row = db.get_one(CardPayout, payout_id)
    row.state = REFUSED
    row.request = None
    row.error = error[:MAX_ERROR_LENGTH]
    row.settled_at = now


@dataclass(frozen=True, slots=True)
class Refunded:
    """What this register's refunds gave back: per ticket, and per gift-card payment."""

    tickets: dict[uuid.UUID, int]
    payments: dict[uuid.UUID, int]


def refunded(db: Session, ticket_ids: Iterable[uuid.UUID]) -> Refunded:
    """Refunds done (or still asked about: they may have been given) of these tickets."""
    ids = list(ticket_ids)
    rows = db.execute(
        select(CardPayout.ticket_id, CardPayout.payment_id, func.sum(CardPayout.amount))
        .where(
            CardPayout.ticket_id.in_(ids),
            CardPayout.kind.in_((REFUND_TENDER, STORE_CREDIT)),
            CardPayout.state.in_((DONE, ASKING)),
        )
        .group_by(CardPayout.ticket_id, CardPayout.payment_id)
    ).all()
    tickets: dict[uuid.UUID, int] = {}
    payments: dict[uuid.UUID, int] = {}
    for ticket_id, payment_id, total in rows:
        if ticket_id is None:
            continue
        tickets[ticket_id] = tickets.get(ticket_id, 0) + int(total)
        if payment_id is not None:
            payments[payment_id] = payments.get(payment_id, 0) + int(total)
    return Refunded(tickets, payments)


REFUNDS = (REFUND_TENDER, STORE_CREDIT)


def refunds_of_shift(db: Session, shift_id: uuid.UUID | None) -> list[Money]:
    """The refunds onto gift cards the Z of ``shift_id`` listed, or (None) those done that no
    Z has listed yet; oldest first."""
    column = CardPayout.shift_id
    rows = db.execute(
        select(CardPayout.amount, CardPayout.currency)
        .where(
            CardPayout.kind.in_(REFUNDS),
            CardPayout.state == DONE,
            column.is_(None) if shift_id is None else column == shift_id,
        )
        .order_by(CardPayout.settled_at, CardPayout.id)
    ).all()
    return [Money(amount, currency) for amount, currency in rows]


def claim_for_shift(db: Session, shift_id: uuid.UUID) -> None:
    """Every refund done that no Z has listed yet is this Z's."""
    db.execute(
        update(CardPayout)
        .where(
            CardPayout.shift_id.is_(None), CardPayout.kind.in_(REFUNDS), CardPayout.state == DONE
        )
        .values(shift_id=shift_id)
    )
