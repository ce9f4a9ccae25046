"""Rows to wire models. ORM objects never leave the server; routes answer with these."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.giftcard import ActivityKind, derive_status
from pos_desktop.server.card_sales import Sold
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.ledger import IssuedCard, Redeemed, record_of
from pos_desktop.server.models import CardActivity, Employee, GiftCard, Register, SyncedTicket


def money(minor: int, currency: str) -> c.MoneyOut:
    return c.MoneyOut(amount=minor, currency=currency)


def activity_kinds(
    db: Session, card_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ActivityKind]]:
    """Each card's activity kinds, oldest first, in one query for a whole result list."""
    kinds: dict[uuid.UUID, list[ActivityKind]] = defaultdict(list)
    if not card_ids:
        return kinds
    rows = db.execute(
        select(CardActivity.card_id, CardActivity.kind)
        .where(CardActivity.card_id.in_(card_ids))
        .order_by(CardActivity.card_id, CardActivity.seq)
    )
    for card_id, kind in rows:
        kinds[card_id].append(ActivityKind(kind))
    return kinds


def card_status(card: GiftCard, kinds: Iterable[ActivityKind]) -> str:
    return derive_status(record_of(card, tuple(kinds))).value


def _card_fields(card: GiftCard, kinds: Iterable[ActivityKind]) -> dict[str, object]:
    return {
        "id": card.id,
        "number_masked": mask_card_number(card.last4),
        "last4": card.last4,
        "status": card_status(card, kinds),
        "balance": money(card.balance, card.currency),
        "initial_amount": money(card.initial_amount, card.currency),
        "buyer_email": card.buyer_email,
        "recipient_email": card.recipient_email,
        "recipient_name": card.recipient_name,
        "created_at": card.created_at,
        "sent_at": card.sent_at,
    }


def card_out_fields(card: GiftCard, kinds: Iterable[ActivityKind]) -> dict[str, object]:
    """A card's fields as the contract's Card has them, for answers that add their own."""
    return _card_fields(card, kinds)


def card_out(db: Session, card: GiftCard) -> c.CardOut:
    return c.CardOut.model_validate(_card_fields(card, activity_kinds(db, [card.id])[card.id]))


def card_list(db: Session, cards: Sequence[GiftCard]) -> c.CardList:
    kinds = activity_kinds(db, [card.id for card in cards])
    items = [c.CardOut.model_validate(_card_fields(card, kinds[card.id])) for card in cards]
    return c.CardList(items=items)


def issued_card(issued: IssuedCard) -> c.IssuedCard:
    fields = _card_fields(issued.card, [ActivityKind.ISSUE])
    return c.IssuedCard.model_validate({**fields, "number": issued.number})


def card_load_out(db: Session, sold: Sold) -> c.CardLoadOut:
    load = sold.load
    return c.CardLoadOut.model_validate(
        {
            "ticket_id": load.ticket_id,
            "line_id": load.line_id,
            "kind": load.kind,
            "amount": money(load.amount, sold.card.currency),
            "state": load.state,
            "card": card_out(db, sold.card),
            "number": sold.number,
        }
    )


def activity_out(
    activity: CardActivity,
    currency: str,
    employee: c.EmployeeRef | None,
    register: c.RegisterRef | None,
    ticket_number: int | None = None,
) -> c.ActivityOut:
    return c.ActivityOut(
        id=activity.id,
        kind=activity.kind,
        amount=money(activity.amount, currency),
        tip=money(activity.tip, currency),
        balance_after=money(activity.balance_after, currency),
        employee=employee,
        register_ref=register,
        ticket_id=activity.ticket_id,
        created_at=activity.created_at,
        reason=activity.reason,
        ticket_number=ticket_number,
    )


def activity_by(activity: CardActivity, currency: str, caller: EmployeeCaller) -> c.ActivityOut:
    """An activity the caller just wrote: names come from the caller, not another query."""
    employee = c.EmployeeRef(id=caller.employee_id, name=caller.employee_name)
    register = c.RegisterRef(id=caller.register.register_id, name=caller.register.register_name)
    return activity_out(activity, currency, employee, register)


def card_change(
    db: Session, card: GiftCard, activity: CardActivity, caller: EmployeeCaller
) -> c.CardChangeOut:
    return c.CardChangeOut(
        card=card_out(db, card), activity=activity_by(activity, card.currency, caller)
    )


def redemption_out(done: Redeemed, currency: str, caller: EmployeeCaller) -> c.RedemptionOut:
    """A redemption or a deduction by code, as the register sees it."""
    return c.RedemptionOut(
        activity=activity_by(done.activity, currency, caller),
        redeemed=money(done.plan.redeemed.minor, currency),
        tip_covered=money(done.plan.tip_covered.minor, currency),
        balance_after=money(done.plan.balance_after.minor, currency),
    )


def card_detail(db: Session, card: GiftCard) -> c.CardDetail:
    rows = db.execute(
        select(CardActivity, Employee, Register, SyncedTicket.number)
        .outerjoin(Employee, Employee.id == CardActivity.employee_id)
        .outerjoin(Register, Register.id == CardActivity.register_id)
        # A ticket is its register's: the same id from another register is another ticket.
        .outerjoin(
            SyncedTicket,
            (SyncedTicket.register_id == CardActivity.register_id)
            & (SyncedTicket.id == CardActivity.ticket_id),
        )
        .where(CardActivity.card_id == card.id)
        .order_by(CardActivity.seq.desc())
    ).all()
    activities = [
        activity_out(
            a,
            card.currency,
            c.EmployeeRef(id=e.id, name=e.name) if e else None,
            c.RegisterRef(id=r.id, name=r.name) if r else None,
            number,
        )
        for a, e, r, number in rows
    ]
    kinds = [ActivityKind(a.kind) for a, _, _, _ in reversed(rows)]
    return c.CardDetail.model_validate({**_card_fields(card, kinds), "activities": activities})
