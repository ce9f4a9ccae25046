"""Every change to a gift card: each one locks the card row, checks the rules, moves the
balance and appends one activity, inside the caller's transaction.

The caller commits (through ``idempotency.run_once``), so the balance, its activity and the
stored answer land together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Integer, bindparam, func, or_, select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.domain.errors import (
    ActivityNotFound,
    AlreadyReversed,
    CardNotFound,
    CardNotSendable,
    CardVoided,
    InvalidAmount,
    NoRecipientEmail,
    NotReversible,
    NotYourRedemption,
    OtherStoresCard,
    OtherTicket,
    TicketCompleted,
)
from pos_desktop.domain.giftcard import (
    DEDUCTION_KINDS,
    ActivityKind,
    CardRecord,
    CardStatus,
    Delivery,
    derive_status,
    ensure_redeemable,
    outstanding_deductions,
)
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import RedemptionPlan, plan_redemption, require_full_plan
from pos_desktop.server.context import EmployeeCaller, StoreInfo
from pos_desktop.server.database import run_prepared
from pos_desktop.server.keys import CardNumbers, ServerKeys
from pos_desktop.server.mail.message import Attachment, Mail, queue_mail
from pos_desktop.server.models import (
    Base,
    CardActivity,
    GiftCard,
    MailOutbox,
    Store,
    SyncedTicket,
)

if TYPE_CHECKING:
    from pos_desktop import contracts as c


def to_money(
    amount: int, currency: str | None, store: StoreInfo, *, allow_zero: bool = False
) -> Money:
    """A wire amount as the store's Money, refused when it breaks the contract's rules."""
    if currency is not None and currency != store.currency:
        raise InvalidAmount(f"This store takes {store.currency} only, not {currency}.")
    if amount < 0:
        raise InvalidAmount("An amount cannot be negative.")
    if amount == 0 and not allow_zero:
        raise InvalidAmount("The amount must be more than zero.")
    if amount > store.max_card_amount:
        limit = store.money(store.max_card_amount).format()
        raise InvalidAmount(f"The amount is above this store's maximum of {limit}.")
    return store.money(amount)


def to_amount_and_tip(
    amount: c.MoneyBody, tip: c.MoneyBody | None, store: StoreInfo
) -> tuple[Money, Money]:
    """A request's amount and optional tip as the store's Money; no tip is a zero tip."""
    return (
        to_money(amount.amount, amount.currency, store),
        to_money(tip.amount, tip.currency, store, allow_zero=True) if tip else store.money(0),
    )


def within_reach(store_id: uuid.UUID | ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """The cards a store's counter finds and pays with: its own, and those of every store
    whose cards are chain-wide (``Store.cards_chain_wide``)."""
    return or_(
        GiftCard.store_id == store_id,
        GiftCard.store_id.in_(select(Store.id).where(Store.cards_chain_wide)),
    )


# The statements of every redemption are built once, with parameters: building one cost about
# as much of the server's Python as running it (SQLAlchemy memoizes a built statement's cache
# key).
_LOCK_CARD = (
    select(GiftCard)
    .where(GiftCard.id == bindparam("card_id"), GiftCard.store_id == bindparam("store_id"))
    .with_for_update()
)
_LOCK_CARD_IN_REACH = (
    select(GiftCard)
    .where(GiftCard.id == bindparam("card_id"), within_reach(bindparam("store_id")))
    .with_for_update(of=GiftCard)
)


def lock_card(
    db: Session, card_id: uuid.UUID, store_id: uuid.UUID, *, to_pay: bool = False
) -> GiftCard:
    """The card, row-locked for a change; another store's card is as unknown as a wrong id.

    ``to_pay``: the card pays (a redemption, a deduction, its reversal), which a chain-wide
    card does in every store. Any other change is its own store's: a chain-wide card of
    another store is refused as such (``OtherStoresCard``), not as unknown, since the
    counter found it."""
    params = {"card_id": card_id, "store_id": store_id}
    card = db.execute(_LOCK_CARD_IN_REACH if to_pay else _LOCK_CARD, params).scalar()
    if card is not None:
        return card
    if not to_pay:
        home = db.execute(
            select(Store.name)
            .join(GiftCard, GiftCard.store_id == Store.id)
            .where(GiftCard.id == card_id, within_reach(store_id))
        ).scalar()
        if home is not None:
            raise OtherStoresCard(home)
    raise CardNotFound()


def record_of(card: GiftCard, kinds: tuple[ActivityKind, ...] = ()) -> CardRecord:
    return CardRecord(
        sent=card.sent_at is not None,
        blocked=card.blocked,
        voided=card.voided,
        activity_kinds=kinds,
    )


@dataclass(frozen=True, slots=True)
class Entry:
    kind: ActivityKind
    amount: int = 0
    tip: int = 0
    delta: int = 0
    ticket_id: uuid.UUID | None = None
    idempotency_key: str | None = None
    reverses_id: uuid.UUID | None = None
    refunds_id: uuid.UUID | None = None
    reason: str | None = None


_CARDS = Base.metadata.tables[GiftCard.__tablename__]
_ACTIVITIES = Base.metadata.tables[CardActivity.__tablename__]
_MOVE_BALANCE = (
    sa_update(_CARDS)
    .where(_CARDS.c.id == bindparam("card_id"))
    .values(
        balance=bindparam("new_balance"),
        version=bindparam("new_version"),
        open_deductions=_CARDS.c.open_deductions + bindparam("opened", type_=Integer),
        # A move of value stamps the card; an entry that moves nothing leaves its stamp.
        last_activity_at=func.coalesce(
            bindparam("moved_at", type_=_CARDS.c.last_activity_at.type),
            _CARDS.c.last_activity_at,
        ),
    )
)
_APPEND_ACTIVITY = _ACTIVITIES.insert()


def append(
    db: Session, card: GiftCard, entry: Entry, caller: EmployeeCaller | None, now: datetime
) -> CardActivity:
    """Move the balance of a locked card and write the activity that says why.

    Two plain statements rather than a unit-of-work flush: this is the hot path of every
    redemption, and the card row is already locked by ``lock_card``.
    """
    before = card.balance
    balance, version = before + entry.delta, card.version + 1
    previous_move_at = card.last_activity_at if entry.delta else None
    opened = outstanding_deductions((entry.kind,))
    open_deductions = card.open_deductions + opened  # read before the row changes under it
    # Whatever else the caller changed on the card goes first (run_prepared flushes); the
    # card's attributes are set right here, as the row now holds them.
    run_prepared(
        db,
        _MOVE_BALANCE,
        {
            "card_id": card.id,
            "new_balance": balance,
            "new_version": version,
            "opened": opened,
            "moved_at": now if entry.delta else None,
        },
    )
    set_committed_value(card, "balance", balance)
    set_committed_value(card, "version", version)
    set_committed_value(card, "open_deductions", open_deductions)
    if entry.delta:
        set_committed_value(card, "last_activity_at", now)
    activity = CardActivity(
        id=uuid.uuid4(),
        card_id=card.id,
        seq=version,
        kind=entry.kind.value,
        amount=entry.amount,
        tip=entry.tip,
        delta=entry.delta,
        balance_after=balance,
        employee_id=caller.employee_id if caller else None,
        register_id=caller.register.register_id if caller else None,
        ticket_id=entry.ticket_id,
        idempotency_key=entry.idempotency_key,
        reverses_id=entry.reverses_id,
        refunds_id=entry.refunds_id,
        reason=entry.reason,
        created_at=now,
        previous_move_at=previous_move_at,
    )
    row = {column.key: getattr(activity, column.key) for column in _ACTIVITIES.c}
    run_prepared(db, _APPEND_ACTIVITY, row)
    return activity


@dataclass(frozen=True, slots=True)
class NewCard:
    amount: Money
    buyer_email: str | None = None
    recipient_email: str | None = None
    recipient_name: str | None = None
    message: str | None = None
    deliver_at: datetime | None = None
    number: str | None = None  # a blank card's, or a fixed demo card's; else a fresh one
    delivery: Delivery | None = None


@dataclass(frozen=True, slots=True)
class IssuedCard:
    """A new card and its number, which the answer to the sale shows once."""

    card: GiftCard
    number: str


def number_in_use(db: Session, numbers: CardNumbers, number: str) -> bool:
    """Whether any card (of any store: numbers are unique on the server) has this number."""
    taken = GiftCard.number_hash == numbers.lookup_hash(number)
    return db.execute(select(GiftCard.id).where(taken)).first() is not None


def unused_number(db: Session, numbers: CardNumbers) -> str:
    # 10^15 numbers: a collision is rare enough that a few tries always find a free one.
    for _ in range(10):
        number = generate_card_number()
        if not number_in_use(db, numbers, number):
            return number
    raise RuntimeError("could not find an unused card number")


def find_by_number(
    db: Session, numbers: CardNumbers, store_id: uuid.UUID, number: str
) -> GiftCard | None:
    """The card with this (validated) number within the store's reach (``within_reach``);
    any other store's is as unknown."""
    return db.execute(
        select(GiftCard).where(
            within_reach(store_id), GiftCard.number_hash == numbers.lookup_hash(number)
        )
    ).scalar()


def new_card(
    db: Session, store: StoreInfo, new: NewCard, number: str, numbers: CardNumbers, now: datetime
) -> GiftCard:
    """A card row holding nothing yet: its value comes with its first activity."""
    card = GiftCard(
        id=uuid.uuid4(),
        store_id=store.id,
        number_hash=numbers.lookup_hash(number),
        number_sealed=numbers.seal(number),
        last4=number[-4:],
        currency=new.amount.currency,
        initial_amount=new.amount.minor,
        balance=0,
        blocked=False,
        voided=False,
        version=0,
        created_at=now,
    )
    address(card, new)
    db.add(card)
    db.flush()
    return card


def address(card: GiftCard, new: NewCard) -> None:
    """Who the card is for and how it reaches them, as ``new`` says."""
    card.buyer_email = new.buyer_email.lower() if new.buyer_email else None
    card.recipient_email = new.recipient_email.lower() if new.recipient_email else None
    card.recipient_name = new.recipient_name
    card.message = new.message
    card.deliver_at = new.deliver_at
    card.delivery = new.delivery.value if new.delivery else None


def issue_card(
    db: Session,
    caller: EmployeeCaller | None,
    store: StoreInfo,
    new: NewCard,
    now: datetime,
    numbers: CardNumbers,
    *,
    idempotency_key: str | None = None,
    reason: str | None = None,
    ticket_id: uuid.UUID | None = None,
) -> IssuedCard:
    number = new.number or unused_number(db, numbers)
    card = new_card(db, store, new, number, numbers, now)
    amount = new.amount.minor
    entry = Entry(
        ActivityKind.ISSUE,
        amount=amount,
        delta=amount,
        ticket_id=ticket_id,
        idempotency_key=idempotency_key,
        reason=reason,
    )
    append(db, card, entry, caller, now)
    return IssuedCard(card, number)


EGIFT_MAIL_KIND = "egift"


def egift_mail(card: GiftCard, store: StoreInfo, keys: ServerKeys) -> Mail:
    """The recipient's e-gift mail, to the card's recipient e-mail as it is now."""
    if not card.recipient_email:
        raise NoRecipientEmail("This card has no recipient e-mail to send it to.")
    number = keys.numbers.open(card.number_sealed)
    balance = store.money(card.balance).format()
    greeting = f"Hello {card.recipient_name}," if card.recipient_name else "Hello,"
    paragraphs = [
        greeting,
        f"You have received a {store.name} gift card worth {balance}.",
        f"Card number: {number}",
    ]
    if card.message:
        paragraphs.append(f"Message from the sender:\n{card.message}")
    paragraphs.append("The attached card can be printed, or shown at the till from a phone.")
    # Here, not at the top: reportlab is a third of a second of every server's start-up, and
    # only an e-gift card's mail needs it.
    from pos_desktop.server.mail.egift_pdf import EgiftCard, egift_pdf

    pdf = egift_pdf(EgiftCard(store.name, balance, number, card.recipient_name, card.message))
    return Mail(
        kind=EGIFT_MAIL_KIND,
        to=card.recipient_email,
        subject=f"Your {store.name} gift card",
        store_name=store.name,
        paragraphs=tuple(paragraphs),
        attachments=(Attachment("gift-card.pdf", "application/pdf", pdf),),
    )


def queued_egift_mails(db: Session, card_id: uuid.UUID) -> list[MailOutbox]:
    """The card's e-gift mails not delivered yet (scheduled, waiting for a retry, or given up)."""
    return list(
        db.execute(
            select(MailOutbox)
            .where(
                MailOutbox.card_id == card_id,
                MailOutbox.kind == EGIFT_MAIL_KIND,
                MailOutbox.sent_at.is_(None),
            )
            .order_by(MailOutbox.created_at)
        ).scalars()
    )


def send_card(
    db: Session,
    caller: EmployeeCaller | None,
    store: StoreInfo,
    card_id: uuid.UUID,
    now: datetime,
    keys: ServerKeys,
    *,
    reason: str | None = None,
    on_schedule: bool = False,
) -> GiftCard:
    """Deliver the card: queue the recipient's e-gift mail and activate it, in one transaction.

    ``on_schedule`` (a completed ticket's e-gift): a card whose ``deliver_at`` is ahead gets
    its mail queued for that time and stays pending; the mail sender activates it when it
    delivers the mail (``activate_delivered``). Otherwise (a manager's Send) it goes now,
    even when a time was set, and a mail already waiting for that time is brought forward
    rather than sent twice.

    The mail carries the full number, so it is sealed in the outbox and emptied once sent."""
    card = lock_card(db, card_id, store.id)
    if card.voided:
        raise CardNotSendable("This card is voided and cannot be sent.")
    if card.sent_at is not None:
        return card
    waiting = queued_egift_mails(db, card.id)
    later = card.deliver_at if on_schedule and card.deliver_at and card.deliver_at > now else None
    if later is not None:
        if not waiting:  # a ticket's completion replayed must not queue a second mail
            _queue_egift(db, card, store, keys, now, due_at=later)
        return card
    if waiting:
        for row in waiting:
            row.next_attempt_at = now
    else:
        _queue_egift(db, card, store, keys, now)
    card.sent_at = now
    append(db, card, Entry(ActivityKind.ACTIVATE, reason=reason), caller, now)
    return card


def _queue_egift(
    db: Session,
    card: GiftCard,
    store: StoreInfo,
    keys: ServerKeys,
    now: datetime,
    *,
    due_at: datetime | None = None,
) -> MailOutbox:
    row = queue_mail(db, egift_mail(card, store, keys), now, card_id=card.id, sealer=keys.mail)
    row.next_attempt_at = due_at
    return row


def activate_delivered(db: Session, card_id: uuid.UUID, now: datetime) -> None:
    """The mail sender delivered the card's e-gift mail: a card still pending becomes active,
    in the transaction that records the delivery (no employee: the schedule did it)."""
    card = db.execute(select(GiftCard).where(GiftCard.id == card_id).with_for_update()).scalar()
    if card is None or card.sent_at is not None or card.voided:
        return
    card.sent_at = now
    append(db, card, Entry(ActivityKind.ACTIVATE), None, now)


@dataclass(frozen=True, slots=True)
class Redeemed:
    activity: CardActivity
    plan: RedemptionPlan


def plan_payment(
    card: GiftCard,
    amount: Money,
    tip: Money,
    ensure_status: Callable[[CardStatus], None] = ensure_redeemable,
) -> RedemptionPlan:
    """The plan for ``amount`` (then ``tip`` from what is left) on a locked card, or the rule
    it breaks: the card's status (``ensure_status``), its currency, its balance."""
    ensure_status(derive_status(record_of(card)))
    if card.currency != amount.currency:
        raise InvalidAmount(f"This card holds {card.currency}, not {amount.currency}.")
    return require_full_plan(plan_redemption(Money(card.balance, card.currency), amount, tip))


def debit(
    db: Session,
    card: GiftCard,
    kind: ActivityKind,
    plan: RedemptionPlan,
    caller: EmployeeCaller,
    *,
    ticket_id: uuid.UUID | None,
    idempotency_key: str,
    now: datetime,
) -> Redeemed:
    """Take what ``plan`` says off the locked card, as one ``kind`` activity."""
    entry = Entry(
        kind,
        amount=plan.redeemed.minor,
        tip=plan.tip_covered.minor,
        delta=-plan.total_debit.minor,
        ticket_id=ticket_id,
        idempotency_key=idempotency_key,
    )
    return Redeemed(append(db, card, entry, caller, now), plan)


@dataclass(frozen=True, slots=True)
class Presented:
    """A card named by id, with the full number read off it at the counter: the proof that
    the card is there, which every move of value off a card needs (or a verified code)."""

    card_id: uuid.UUID
    number: str  # validated
    numbers: CardNumbers

    def lock(self, db: Session, store_id: uuid.UUID, *, to_pay: bool = False) -> GiftCard:
        """The card, row-locked (``lock_card``); a wrong number is as unknown as a wrong id
        (``CardNotFound``)."""
        card = lock_card(db, self.card_id, store_id, to_pay=to_pay)
        if not self.numbers.matches(card.number_hash, self.number):
            raise CardNotFound()
        return card


def redeem(
    db: Session,
    caller: EmployeeCaller,
    presented: Presented,
    amount: Money,
    tip: Money,
    ticket_id: uuid.UUID | None,
    idempotency_key: str,
    now: datetime,
) -> Redeemed:
    card = presented.lock(db, caller.store.id, to_pay=True)
    plan = plan_payment(card, amount, tip)
    return debit(
        db,
        card,
        ActivityKind.REDEEM,
        plan,
        caller,
        ticket_id=ticket_id,
        idempotency_key=idempotency_key,
        now=now,
    )


def reverse(
    db: Session,
    caller: EmployeeCaller,
    activity_id: uuid.UUID,
    ticket_id: uuid.UUID,
    idempotency_key: str,
    now: datetime,
) -> tuple[CardActivity, GiftCard]:
    """Give back a redemption of a ticket that is still open, on the register that made it.

    Only that register can say its ticket is not finished: another register (or another
    store's, which finds no such activity) is refused, and so is every reversal once the
    ticket was reported completed, since the goods have left with the customer.
    """
    original = db.get(CardActivity, activity_id)
    if original is None:
        raise ActivityNotFound()
    store_id = caller.store.id
    if original.register_id == caller.register.register_id:
        # What this register took it may give back, even from a card whose store has stopped
        # being chain-wide since: the ticket it paid is still open here.
        store_id = db.execute(
            select(GiftCard.store_id).where(GiftCard.id == original.card_id)
        ).scalar_one()
    card = lock_card(db, original.card_id, store_id, to_pay=True)
    if original.register_id != caller.register.register_id:
        raise NotYourRedemption(
            "This redemption was made on another register; only that register can give it back."
        )
    if original.ticket_id is None:
        raise NotReversible("This deduction was not made on a ticket, so there is no sale to undo.")
    if original.ticket_id != ticket_id:
        raise OtherTicket("This redemption paid another ticket.")
    if card.voided:
        # Voiding took what was left off the ledger for good; nothing goes back on the card.
        raise CardVoided("This card is voided; nothing can be given back to it.")
    if ActivityKind(original.kind) not in DEDUCTION_KINDS:
        raise NotReversible("Only a redemption or a deduction can be reversed.")
    already = db.execute(
        select(CardActivity.id).where(CardActivity.reverses_id == original.id)
    ).first()
    if already is not None:
        raise AlreadyReversed("This redemption was already reversed.")
    completed = db.execute(
        select(SyncedTicket.id).where(
            SyncedTicket.register_id == original.register_id,
            SyncedTicket.id == original.ticket_id,
            SyncedTicket.status == "completed",
        )
    ).first()
    if completed is not None:
        raise TicketCompleted("The ticket of this redemption is completed; it cannot be reversed.")
    given_back = original.amount + original.tip
    entry = Entry(
        ActivityKind.REVERSE,
        amount=original.amount,
        tip=original.tip,
        delta=given_back,
        ticket_id=original.ticket_id,
        idempotency_key=idempotency_key,
        reverses_id=original.id,
    )
    return append(db, card, entry, caller, now), card
