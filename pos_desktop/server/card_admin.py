"""What a manager does to a card, each with a reason recorded on its activity: block, unblock,
void, adjust, replace a lost card; and cash-out, a manager's or, where the law requires it
for a small balance, any employee's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.errors import (
    CardEmpty,
    CardNumberTaken,
    CardVoided,
    InsufficientBalance,
    InvalidAmount,
)
from pos_desktop.domain.giftcard import ActivityKind, Delivery, derive_status, ensure_redeemable
from pos_desktop.server import ledger
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.errors import forbidden
from pos_desktop.server.keys import CardNumbers
from pos_desktop.server.models import CardActivity, GiftCard


def _not_voided(card: GiftCard, doing: str) -> None:
    if card.voided:
        raise CardVoided(f"This card is voided; it cannot be {doing}.")


def set_blocked(
    db: Session,
    caller: EmployeeCaller,
    card_id: uuid.UUID,
    blocked: bool,
    reason: str,
    now: datetime,
    *,
    key: str | None = None,
) -> GiftCard:
    """Hold the card (reversible) or release it; asking for the state it is in changes nothing."""
    card = ledger.lock_card(db, card_id, caller.store.id)
    _not_voided(card, "blocked or unblocked")
    if card.blocked != blocked:
        card.blocked = blocked
        kind = ActivityKind.BLOCK if blocked else ActivityKind.UNBLOCK
        ledger.append(db, card, ledger.Entry(kind, reason=reason, idempotency_key=key), caller, now)
    return card


def void(
    db: Session,
    caller: EmployeeCaller,
    card_id: uuid.UUID,
    reason: str,
    now: datetime,
    *,
    key: str | None = None,
) -> GiftCard:
    """Void for good; what was left on the card leaves the ledger with the void activity."""
    card = ledger.lock_card(db, card_id, caller.store.id)
    if not card.voided:
        _void_locked(db, caller, card, reason, now, key=key)
    return card


def _void_locked(
    db: Session,
    caller: EmployeeCaller,
    card: GiftCard,
    reason: str,
    now: datetime,
    *,
    key: str | None = None,
) -> CardActivity:
    card.voided = True
    left = card.balance
    entry = ledger.Entry(
        ActivityKind.VOID, amount=left, delta=-left, reason=reason, idempotency_key=key
    )
    return ledger.append(db, card, entry, caller, now)


def adjust(
    db: Session,
    caller: EmployeeCaller,
    card_id: uuid.UUID,
    delta: int,
    reason: str,
    now: datetime,
    *,
    key: str | None = None,
) -> tuple[CardActivity, GiftCard]:
    """A correction up or down; never below zero nor above the store's maximum."""
    store = caller.store
    if delta == 0:
        raise InvalidAmount("An adjustment moves the balance up or down; zero moves nothing.")
    card = ledger.lock_card(db, card_id, store.id)
    _not_voided(card, "adjusted")
    if card.balance + delta < 0:
        held = store.money(card.balance).format()
        raise InsufficientBalance(f"The card holds {held}; it cannot go down by more.")
    if card.balance + delta > store.max_card_amount:
        limit = store.money(store.max_card_amount).format()
        raise InvalidAmount(f"A card holds at most {limit} in this store.")
    entry = ledger.Entry(
        ActivityKind.ADJUST, amount=abs(delta), delta=delta, reason=reason, idempotency_key=key
    )
    return ledger.append(db, card, entry, caller, now), card


def may_cash_out(caller: EmployeeCaller, balance: int) -> bool:
    """A manager may always; anyone when the store's law requires it for this balance."""
    threshold = caller.store.cash_out_below
    return caller.is_manager or (threshold is not None and 0 < balance < threshold)


def cash_out(
    db: Session,
    caller: EmployeeCaller,
    presented: ledger.Presented,
    reason: str | None,
    now: datetime,
    *,
    key: str | None = None,
) -> tuple[CardActivity, GiftCard]:
    """Pay the whole balance out of the drawer: the card, at the counter, ends at zero."""
    card = presented.lock(db, caller.store.id)
    ensure_redeemable(derive_status(ledger.record_of(card)))
    if card.balance == 0:
        raise CardEmpty("This card holds nothing to cash out.")
    if not may_cash_out(caller, card.balance):
        raise forbidden("Only a manager can cash out this card.")
    left = card.balance
    entry = ledger.Entry(
        ActivityKind.CASH_OUT, amount=left, delta=-left, reason=reason, idempotency_key=key
    )
    return ledger.append(db, card, entry, caller, now), card


@dataclass(frozen=True, slots=True)
class Replaced:
    old: GiftCard
    new: ledger.IssuedCard


def replace(
    db: Session,
    caller: EmployeeCaller,
    card_id: uuid.UUID,
    reason: str,
    number: str | None,
    numbers: CardNumbers,
    now: datetime,
    *,
    key: str | None = None,
) -> Replaced:
    """A lost card's balance moves to a new number handed over now; the old one is voided, in
    the same transaction, so the value is on exactly one card at every instant."""
    store = caller.store
    old = ledger.lock_card(db, card_id, store.id)
    _not_voided(old, "replaced")
    if old.balance == 0:
        raise CardEmpty("This card holds nothing to move to a new card.")
    if number is not None and ledger.number_in_use(db, numbers, number):
        raise CardNumberTaken("This card number is already in use. Take another blank card.")
    moved = old.balance
    new = ledger.NewCard(
        amount=store.money(moved),
        buyer_email=old.buyer_email,
        recipient_email=old.recipient_email,
        recipient_name=old.recipient_name,
        message=old.message,
        number=number,
        delivery=Delivery.PHYSICAL,
    )
    issued = ledger.issue_card(
        db,
        caller,
        store,
        new,
        now,
        numbers,
        idempotency_key=key,
        reason=f"Replaces {mask_card_number(old.last4)}: {reason}",
    )
    issued.card.sent_at = now
    ledger.append(db, issued.card, ledger.Entry(ActivityKind.ACTIVATE), caller, now)
    why = f"Replaced by {mask_card_number(issued.number)}: {reason}"
    _void_locked(db, caller, old, why, now, key=key)
    return Replaced(old, issued)
