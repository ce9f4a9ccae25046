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

from sqlalchemy import select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.domain.errors import ErrorCode, InvalidAmount
from pos_desktop.domain.giftcard import (
    DEDUCTION_KINDS,
    ActivityKind,
    CardRecord,
    CardStatus,
    derive_status,
    ensure_redeemable,
    outstanding_deductions,
)
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import RedemptionPlan, plan_redemption, require_full_plan
from pos_desktop.server.context import EmployeeCaller, StoreInfo
from pos_desktop.server.errors import ApiError, card_not_found
from pos_desktop.server.keys import CardNumbers, ServerKeys
from pos_desktop.server.mail.egift_pdf import EgiftCard, egift_pdf
from pos_desktop.server.mail.message import Attachment, Mail, queue_mail
from pos_desktop.server.models import Base, CardActivity, GiftCard, SyncedTicket

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


def lock_card(db: Session, card_id: uuid.UUID, store_id: uuid.UUID) -> GiftCard:
    """The card, row-locked for a change; another store's card is as unknown as a wrong id."""
    card = db.execute(
        select(GiftCard)
        .where(GiftCard.id == card_id, GiftCard.store_id == store_id)
        .with_for_update()
    ).scalar()
    if card is None:
        raise card_not_found()
    return card


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
    reason: str | None = None


_CARDS = Base.metadata.tables[GiftCard.__tablename__]
_ACTIVITIES = Base.metadata.tables[CardActivity.__tablename__]


def append(
    db: Session, card: GiftCard, entry: Entry, caller: EmployeeCaller | None, now: datetime
) -> CardActivity:
    """Move the balance of a locked card and write the activity that says why.

    Two plain statements rather than a unit-of-work flush: this is the hot path of every
    redemption, and the card row is already locked by ``lock_card``.
    """
    balance, version = card.balance + entry.delta, card.version + 1
    db.flush()  # whatever else the caller changed on the card goes first
    db.execute(
        sa_update(_CARDS)
        .where(_CARDS.c.id == card.id)
        .values(
            balance=balance,
            version=version,
            open_deductions=_CARDS.c.open_deductions + outstanding_deductions((entry.kind,)),
        )
    )
    set_committed_value(card, "balance", balance)
    set_committed_value(card, "version", version)
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
        reason=entry.reason,
        created_at=now,
    )
    row = {column.key: getattr(activity, column.key) for column in _ACTIVITIES.c}
    db.execute(_ACTIVITIES.insert().values(row))
    return activity


@dataclass(frozen=True, slots=True)
class NewCard:
    amount: Money
    buyer_email: str | None = None
    recipient_email: str | None = None
    recipient_name: str | None = None
    message: str | None = None
    deliver_at: datetime | None = None
    number: str | None = None  # set only for fixed demo cards; sales always get a fresh one


@dataclass(frozen=True, slots=True)
class IssuedCard:
    """A new card and its number, which the answer to the sale shows once."""

    card: GiftCard
    number: str


def _unused_number(db: Session, numbers: CardNumbers) -> str:
    # 10^15 numbers: a collision is rare enough that a few tries always find a free one.
    for _ in range(10):
        number = generate_card_number()
        taken = GiftCard.number_hash == numbers.lookup_hash(number)
        if db.execute(select(GiftCard.id).where(taken)).first() is None:
            return number
    raise RuntimeError("could not find an unused card number")


def find_by_number(
    db: Session, numbers: CardNumbers, store_id: uuid.UUID, number: str
) -> GiftCard | None:
    """The store's card with this (validated) number; another store's is as unknown."""
    return db.execute(
        select(GiftCard).where(
            GiftCard.store_id == store_id, GiftCard.number_hash == numbers.lookup_hash(number)
        )
    ).scalar()


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
) -> IssuedCard:
    number = new.number or _unused_number(db, numbers)
    card = GiftCard(
        id=uuid.uuid4(),
        store_id=store.id,
        number_hash=numbers.lookup_hash(number),
        number_sealed=numbers.seal(number),
        last4=number[-4:],
        currency=new.amount.currency,
        initial_amount=new.amount.minor,
        balance=0,
        buyer_email=new.buyer_email.lower() if new.buyer_email else None,
        recipient_email=new.recipient_email.lower() if new.recipient_email else None,
        recipient_name=new.recipient_name,
        message=new.message,
        deliver_at=new.deliver_at,
        blocked=False,
        voided=False,
        version=0,
        created_at=now,
    )
    db.add(card)
    db.flush()
    amount = new.amount.minor
    entry = Entry(
        ActivityKind.ISSUE,
        amount=amount,
        delta=amount,
        idempotency_key=idempotency_key,
        reason=reason,
    )
    append(db, card, entry, caller, now)
    return IssuedCard(card, number)


def send_card(
    db: Session,
    caller: EmployeeCaller | None,
    store: StoreInfo,
    card_id: uuid.UUID,
    now: datetime,
    keys: ServerKeys,
    *,
    reason: str | None = None,
) -> GiftCard:
    """Deliver the card: queue the recipient's e-gift mail and activate it, in one transaction.

    The mail carries the full number, so it is sealed in the outbox and emptied once sent."""
    card = lock_card(db, card_id, store.id)
    if card.voided:
        raise ApiError(409, ErrorCode.CARD_NOT_SENDABLE, "This card is voided and cannot be sent.")
    if card.sent_at is not None:
        return card
    if not card.recipient_email:
        raise ApiError(
            422, ErrorCode.NO_RECIPIENT_EMAIL, "This card has no recipient e-mail to send it to."
        )
    card.sent_at = now
    append(db, card, Entry(ActivityKind.ACTIVATE, reason=reason), caller, now)
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
    pdf = egift_pdf(EgiftCard(store.name, balance, number, card.recipient_name, card.message))
    queue_mail(
        db,
        Mail(
            kind="egift",
            to=card.recipient_email,
            subject=f"Your {store.name} gift card",
            store_name=store.name,
            paragraphs=tuple(paragraphs),
            attachments=(Attachment("gift-card.pdf", "application/pdf", pdf),),
        ),
        now,
        card_id=card.id,
        sealer=keys.mail,
    )
    return card


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

    def lock(self, db: Session, store_id: uuid.UUID) -> GiftCard:
        """The card, row-locked; a wrong number is as unknown as a wrong id (``CardNotFound``)."""
        card = lock_card(db, self.card_id, store_id)
        if not self.numbers.matches(card.number_hash, self.number):
            raise card_not_found()
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
    card = presented.lock(db, caller.store.id)
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


def activity_not_found() -> ApiError:
    return ApiError(404, ErrorCode.ACTIVITY_NOT_FOUND, "No card activity has this id.")


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
        raise activity_not_found()
    card = lock_card(db, original.card_id, caller.store.id)
    if original.register_id != caller.register.register_id:
        raise ApiError(
            403,
            ErrorCode.NOT_YOUR_REDEMPTION,
            "This redemption was made on another register; only that register can give it back.",
        )
    if original.ticket_id is None:
        raise ApiError(
            409,
            ErrorCode.NOT_REVERSIBLE,
            "This deduction was not made on a ticket, so there is no sale to undo.",
        )
    if original.ticket_id != ticket_id:
        raise ApiError(409, ErrorCode.OTHER_TICKET, "This redemption paid another ticket.")
    if card.voided:
        # Voiding took what was left off the ledger for good; nothing goes back on the card.
        raise ApiError(
            409, ErrorCode.CARD_VOIDED, "This card is voided; nothing can be given back to it."
        )
    if ActivityKind(original.kind) not in DEDUCTION_KINDS:
        raise ApiError(
            409, ErrorCode.NOT_REVERSIBLE, "Only a redemption or a deduction can be reversed."
        )
    already = db.execute(
        select(CardActivity.id).where(CardActivity.reverses_id == original.id)
    ).first()
    if already is not None:
        raise ApiError(409, ErrorCode.ALREADY_REVERSED, "This redemption was already reversed.")
    completed = db.execute(
        select(SyncedTicket.id).where(
            SyncedTicket.register_id == original.register_id,
            SyncedTicket.id == original.ticket_id,
            SyncedTicket.status == "completed",
        )
    ).first()
    if completed is not None:
        raise ApiError(
            409,
            ErrorCode.TICKET_COMPLETED,
            "The ticket of this redemption is completed; it cannot be reversed.",
        )
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


def set_blocked(
    db: Session, caller: EmployeeCaller, card_id: uuid.UUID, blocked: bool, now: datetime
) -> GiftCard:
    card = lock_card(db, card_id, caller.store.id)
    if card.voided:
        raise ApiError(
            409, ErrorCode.CARD_VOIDED, "This card is voided; it cannot be blocked or unblocked."
        )
    if card.blocked != blocked:
        card.blocked = blocked
        append(
            db, card, Entry(ActivityKind.BLOCK if blocked else ActivityKind.UNBLOCK), caller, now
        )
    return card


def void_card(db: Session, caller: EmployeeCaller, card_id: uuid.UUID, now: datetime) -> GiftCard:
    """Void for good; what was left on the card leaves the ledger with the void activity."""
    card = lock_card(db, card_id, caller.store.id)
    if not card.voided:
        card.voided = True
        left = card.balance
        append(db, card, Entry(ActivityKind.VOID, amount=left, delta=-left), caller, now)
    return card


CardAction = Callable[[Session, EmployeeCaller, datetime], GiftCard]
