"""Gift cards and reloads sold on a ticket's lines.

A line that sells a card (or tops one up) creates a ``CardLoad`` while its ticket is open:
the card exists, bound to the ticket, and holds nothing for it. The push of the completed
ticket loads the value, in the transaction that stores the ticket, so no value exists that
a ticket did not pay for; a removed line or a voided ticket cancels it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.errors import (
    CardNumberTaken,
    GiftCardForGiftCard,
    InvalidAmount,
    LineTaken,
    LoadNotFound,
    TicketCompleted,
)
from pos_desktop.domain.giftcard import (
    DEDUCTION_KINDS,
    ActivityKind,
    Delivery,
    derive_status,
    ensure_redeemable,
)
from pos_desktop.domain.money import Money
from pos_desktop.server import ledger
from pos_desktop.server.context import EmployeeCaller, RegisterCaller, StoreInfo
from pos_desktop.server.database import run_prepared
from pos_desktop.server.keys import CardNumbers, ServerKeys
from pos_desktop.server.models import CardActivity, CardLoad, GiftCard

log = logging.getLogger(__name__)


class LoadKind:
    ISSUE = "issue"
    LOAD = "load"


class LoadState:
    PENDING = "pending"
    LOADED = "loaded"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Sold:
    """A load and its card; ``number`` only for a card sold (the answer shows it once)."""

    load: CardLoad
    card: GiftCard
    number: str | None = None


def sale_amount(amount: c.MoneyBody, store: StoreInfo) -> Money:
    """What a line may sell onto a card: the store's minimum to its maximum."""
    money = ledger.to_money(amount.amount, amount.currency, store)
    if money.minor < store.min_card_amount:
        least = store.money(store.min_card_amount).format()
        raise InvalidAmount(f"A gift card is at least {least} in this store.")
    return money


# Built once, with parameters: a redemption that pays a ticket asks it.
_SELLING_A_CARD = select(CardLoad.id).where(
    CardLoad.register_id == bindparam("register_id"),
    CardLoad.ticket_id == bindparam("ticket_id"),
    CardLoad.state == LoadState.PENDING,
)


def ensure_ticket_sells_no_card(
    db: Session, store: StoreInfo, register_id: uuid.UUID, ticket_id: uuid.UUID | None
) -> None:
    """Refuse a gift card paying a ticket that sells one, unless the store allows it."""
    if store.giftcard_pays_giftcard or ticket_id is None:
        return
    selling = run_prepared(
        db, _SELLING_A_CARD, {"register_id": register_id, "ticket_id": ticket_id}
    )
    if selling.first() is not None:
        raise GiftCardForGiftCard(
            "This ticket sells a gift card, and a gift card cannot pay for a gift card. "
            "Take another tender."
        )


def _ensure_ticket_not_paid_by_card(
    db: Session, caller: EmployeeCaller, ticket_id: uuid.UUID
) -> None:
    if caller.store.giftcard_pays_giftcard:
        return
    reversed_ids = select(CardActivity.reverses_id).where(CardActivity.reverses_id.is_not(None))
    paid = db.execute(
        select(CardActivity.id).where(
            CardActivity.register_id == caller.register.register_id,
            CardActivity.ticket_id == ticket_id,
            CardActivity.kind.in_([kind.value for kind in DEDUCTION_KINDS]),
            CardActivity.id.not_in(reversed_ids),
        )
    ).first()
    if paid is not None:
        raise GiftCardForGiftCard(
            "A gift card already pays part of this ticket, and a gift card cannot pay for a "
            "gift card. Remove that payment first, or sell the card on a ticket of its own."
        )


def _claim_line(
    db: Session, caller: EmployeeCaller, ticket_id: uuid.UUID, line_id: uuid.UUID
) -> None:
    taken = db.execute(
        select(CardLoad.id).where(
            CardLoad.register_id == caller.register.register_id,
            CardLoad.ticket_id == ticket_id,
            CardLoad.line_id == line_id,
        )
    ).first()
    if taken is not None:
        raise LineTaken("This ticket line already holds a gift card.")
    _ensure_ticket_not_paid_by_card(db, caller, ticket_id)


def _pending(
    caller: EmployeeCaller,
    kind: str,
    ticket_id: uuid.UUID,
    line_id: uuid.UUID,
    card: GiftCard,
    amount: Money,
    now: datetime,
) -> CardLoad:
    return CardLoad(
        id=uuid.uuid4(),
        store_id=caller.store.id,
        register_id=caller.register.register_id,
        ticket_id=ticket_id,
        line_id=line_id,
        card_id=card.id,
        kind=kind,
        amount=amount.minor,
        state=LoadState.PENDING,
        employee_id=caller.employee_id,
        created_at=now,
    )


def _blank(db: Session, numbers: CardNumbers, store: StoreInfo, number: str) -> GiftCard | None:
    """The card row of a blank from the store's stock, if this number was sold before on a
    line that was cancelled (it never held value); None for a number never seen.
    ``CardNumberTaken`` when the number belongs to a card in use (or another store's)."""
    card = db.execute(
        select(GiftCard)
        .where(GiftCard.number_hash == numbers.lookup_hash(number))
        .with_for_update()
    ).scalar()
    if card is None:
        return None
    live = db.execute(
        select(CardLoad.id).where(
            CardLoad.card_id == card.id, CardLoad.state != LoadState.CANCELLED
        )
    ).first()
    if card.store_id != store.id or card.version != 0 or live is not None:
        raise CardNumberTaken("This card number is already in use. Take another blank card.")
    return card


def sell_card(
    db: Session,
    caller: EmployeeCaller,
    body: c.CardSaleRequest,
    numbers: CardNumbers,
    now: datetime,
) -> Sold:
    """A card on an open ticket's line: created pending, holding nothing until the ticket
    completes. A blank card's number may be given; otherwise the server picks one."""
    store = caller.store
    new = ledger.NewCard(
        amount=sale_amount(body.amount, store),
        buyer_email=body.buyer_email,
        recipient_email=body.recipient_email,
        recipient_name=body.recipient_name,
        message=body.message,
        deliver_at=body.deliver_at,
        delivery=Delivery(body.delivery),
    )
    _claim_line(db, caller, body.ticket_id, body.line_id)
    number = body.number or ledger.unused_number(db, numbers)
    card = _blank(db, numbers, store, number) if body.number else None
    if card is None:
        card = ledger.new_card(db, store, new, number, numbers, now)
    else:
        card.voided = False
        card.initial_amount = new.amount.minor
        card.created_at = now
        ledger.address(card, new)
    load = _pending(caller, LoadKind.ISSUE, body.ticket_id, body.line_id, card, new.amount, now)
    db.add(load)
    db.flush()
    return Sold(load, card, number)


def reload_card(
    db: Session,
    caller: EmployeeCaller,
    body: c.CardReloadRequest,
    presented: ledger.Presented,
    now: datetime,
) -> Sold:
    """A reload of a card in use on an open ticket's line; the card gets it when the ticket
    completes. What the card holds and what is waiting for it stay within the maximum."""
    store = caller.store
    amount = sale_amount(body.amount, store)
    _claim_line(db, caller, body.ticket_id, body.line_id)
    card = presented.lock(db, store.id)
    ensure_redeemable(derive_status(ledger.record_of(card)))
    if card.currency != amount.currency:
        raise InvalidAmount(f"This card holds {card.currency}, not {amount.currency}.")
    waiting = db.execute(
        select(func.coalesce(func.sum(CardLoad.amount), 0)).where(
            CardLoad.card_id == card.id, CardLoad.state == LoadState.PENDING
        )
    ).scalar_one()
    if card.balance + int(waiting) + amount.minor > store.max_card_amount:
        limit = store.money(store.max_card_amount).format()
        room = store.money(max(0, store.max_card_amount - card.balance - int(waiting))).format()
        raise InvalidAmount(
            f"A card holds at most {limit} in this store; this one can take {room} more."
        )
    load = _pending(caller, LoadKind.LOAD, body.ticket_id, body.line_id, card, amount, now)
    db.add(load)
    db.flush()
    return Sold(load, card)


def _locked_load(
    db: Session, register_id: uuid.UUID, ticket_id: uuid.UUID, line_id: uuid.UUID
) -> CardLoad | None:
    return db.execute(
        select(CardLoad)
        .where(
            CardLoad.register_id == register_id,
            CardLoad.ticket_id == ticket_id,
            CardLoad.line_id == line_id,
        )
        .with_for_update()
    ).scalar()


def cancel_line(db: Session, caller: EmployeeCaller, ref: c.CardLoadRef, now: datetime) -> Sold:
    """The line is gone from the open ticket (or the ticket voided): its card or reload is
    cancelled. Once the ticket completed, the value is the customer's: refund it instead."""
    load = _locked_load(db, caller.register.register_id, ref.ticket_id, ref.line_id)
    if load is None:
        raise LoadNotFound("This ticket line holds no gift card.")
    if load.state == LoadState.LOADED:
        raise TicketCompleted(
            "This ticket is completed and the card holds its value; refund it instead."
        )
    card = ledger.lock_card(db, load.card_id, caller.store.id)
    if load.state == LoadState.PENDING:
        _cancel(load, card, now)
    return Sold(load, card)


def _cancel(load: CardLoad, card: GiftCard, now: datetime) -> None:
    """A card sold on the line is void (it never held value, so the ledger has nothing to
    say); its number, a blank from the store's stock, may be sold again (``_blank``)."""
    load.state = LoadState.CANCELLED
    load.settled_at = now
    if load.kind == LoadKind.ISSUE:
        card.voided = True


def settle_ticket(
    db: Session, register: RegisterCaller, ticket: c.Ticket, keys: ServerKeys, now: datetime
) -> None:
    """Load what the lines of a completed ticket sold, in the transaction that stores the
    ticket; cancel the rest (a voided ticket, a line the register no longer has)."""
    loads: Sequence[CardLoad] = (
        db.execute(
            select(CardLoad)
            .where(
                CardLoad.register_id == register.register_id,
                CardLoad.ticket_id == ticket.id,
                CardLoad.state == LoadState.PENDING,
            )
            .order_by(CardLoad.created_at)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    charged = {line.id: line.total.amount for line in ticket.lines if line.id is not None}
    for load in loads:
        paid = charged.get(load.line_id, 0) if ticket.status == "completed" else 0
        if paid >= load.amount:
            _load(db, register, load, keys, now)
            continue
        if paid:
            # The line charged less than the card was sold for: no value the ticket did not
            # pay for. A register that works never sends this.
            log.warning(
                "ticket %s line %s charged %d for a card load of %d; cancelled",
                ticket.id, load.line_id, paid, load.amount,
            )  # fmt: skip
        _cancel(load, ledger.lock_card(db, load.card_id, register.store.id), now)


def _load(
    db: Session, register: RegisterCaller, load: CardLoad, keys: ServerKeys, now: datetime
) -> None:
    store = register.store
    card = ledger.lock_card(db, load.card_id, store.id)
    seller = EmployeeCaller(register, load.employee_id, "", "") if load.employee_id else None
    kind = ActivityKind.ISSUE if load.kind == LoadKind.ISSUE else ActivityKind.LOAD
    entry = ledger.Entry(kind, amount=load.amount, delta=load.amount, ticket_id=load.ticket_id)
    ledger.append(db, card, entry, seller, now)
    load.state = LoadState.LOADED
    load.settled_at = now
    if load.kind != LoadKind.ISSUE or card.sent_at is not None:
        return
    if card.delivery == Delivery.EMAIL:
        ledger.send_card(db, seller, store, card.id, now, keys, on_schedule=True)
    else:
        # A plastic card is in the customer's hand: it is delivered with its ticket.
        card.sent_at = now
        ledger.append(db, card, ledger.Entry(ActivityKind.ACTIVATE), seller, now)
