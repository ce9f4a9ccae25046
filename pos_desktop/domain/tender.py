"""Tenders on a ticket: what each payment covers, what is still due, when the ticket is paid.

Every payment covers the ticket first and the tip second (seed 004's tip priority, applied to
every tender so the rule is one rule). A gift-card payment moves through states because the
server owns its money: the register stores the idempotency key before it asks (``PENDING``),
and a removal stores its own key before it asks for the reversal (``REVERSING``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pos_desktop.domain.errors import DomainError, ErrorCode, InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.ticket import Totals


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"  # an external card terminal: the register records amount and reference
    GIFT_CARD = "gift_card"
    OTHER = "other"  # a tender the store configures by name (voucher, store credit, ...)


TENDER_LABELS = {
    TenderKind.CASH: "Cash",
    TenderKind.CARD: "Card",
    TenderKind.GIFT_CARD: "Gift Card",
}


class PaymentState(StrEnum):
    PENDING = "pending"  # key stored, the server's answer not known yet
    APPROVED = "approved"
    REVERSING = "reversing"  # reversal key stored, the server's answer not known yet
    REVERSED = "reversed"
    FAILED = "failed"  # the server refused: nothing was taken


# The money of these may be on the ticket: it counts towards what is paid.
HOLDING_STATES = frozenset({PaymentState.PENDING, PaymentState.APPROVED, PaymentState.REVERSING})
# The server's answer is still owed: the ticket cannot complete until it is settled.
UNSETTLED_STATES = frozenset({PaymentState.PENDING, PaymentState.REVERSING})


class TenderRefused(DomainError):
    code = ErrorCode.TENDER_REFUSED


@dataclass(frozen=True, slots=True)
class Payment:
    id: uuid.UUID
    kind: TenderKind
    label: str
    amount: Money  # the part of the ticket it pays
    tip: Money  # the part of the tip it pays
    state: PaymentState = PaymentState.APPROVED
    tendered: Money | None = None  # cash handed over; the rest is change
    reference: str | None = None  # card terminal approval, or the gift card's masked number
    card_id: uuid.UUID | None = None
    card_last4: str | None = None
    activity_id: uuid.UUID | None = None  # the server's ledger entry of a gift-card payment
    balance_after: Money | None = None  # the gift card's balance after this payment

    @property
    def covered(self) -> Money:
        return self.amount + self.tip

    @property
    def change(self) -> Money:
        if self.tendered is None:
            return Money.zero(self.amount.currency)
        return self.tendered - self.covered

    @property
    def holds_money(self) -> bool:
        return self.state in HOLDING_STATES

    @property
    def is_settled(self) -> bool:
        return self.state not in UNSETTLED_STATES


@dataclass(frozen=True, slots=True)
class Dues:
    ticket: Money  # of the goods
    tip: Money

    @property
    def total(self) -> Money:
        return self.ticket + self.tip

    @property
    def is_paid(self) -> bool:
        return self.total.is_zero()


def dues(total: Money, tip: Money, payments: Iterable[Payment]) -> Dues:
    ticket_due, tip_due = total, tip
    for payment in payments:
        if payment.holds_money:
            ticket_due -= payment.amount
            tip_due -= payment.tip
    zero = Money.zero(total.currency)
    # Never negative: a later tip cut must not turn an earlier payment into money owed back.
    return Dues(ticket=max(ticket_due, zero), tip=max(tip_due, zero))


@dataclass(frozen=True, slots=True)
class Split:
    amount: Money
    tip: Money
    change: Money


def split_tender(entered: Money, due: Dues, *, gives_change: bool) -> Split:
    """What ``entered`` pays: the ticket first, then the tip; cash may be more (change)."""
    if not entered.is_positive():
        raise InvalidAmount("Enter an amount more than zero.")
    if due.is_paid:
        raise TenderRefused("Nothing is due on this ticket.")
    if entered > due.total and not gives_change:
        raise TenderRefused("That is more than the amount due. Enter at most the amount due.")
    amount = entered.min(due.ticket)
    tip = (entered - amount).min(due.tip)
    return Split(amount=amount, tip=tip, change=entered - amount - tip)


@dataclass(frozen=True, slots=True)
class GiftCardAsk:
    """What a gift card is asked to pay: ``amount`` of the ticket, then up to ``tip``."""

    amount: Money
    tip: Money


def gift_card_ask(entered: Money, due: Dues) -> GiftCardAsk:
    """Seed 004: the entered amount goes to the ticket first; what is left of the card's
    balance then covers the tip still due, so the card is asked for the whole tip due."""
    if not entered.is_positive():
        raise InvalidAmount("Enter an amount more than zero.")
    if due.is_paid:
        raise TenderRefused("Nothing is due on this ticket.")
    if entered > due.total:
        raise TenderRefused("That is more than the amount due. Enter at most the amount due.")
    if due.ticket.is_zero():
        raise TenderRefused(
            "The ticket is paid; only the tip is left. Take the tip with another tender."
        )
    return GiftCardAsk(amount=entered.min(due.ticket), tip=due.tip)


def can_complete(total: Money, tip: Money, payments: Iterable[Payment]) -> bool:
    """Paid in full and every payment's answer known."""
    held = list(payments)
    return dues(total, tip, held).is_paid and all(p.is_settled for p in held)


class TipBase(StrEnum):
    """What a tip percentage is taken on: the goods before tax (the usual way, and the
    default), or the total with tax, as a store may choose."""

    SUBTOTAL = "subtotal"
    TOTAL = "total"


def tip_base(totals: Totals, base: TipBase) -> Money:
    return totals.subtotal if base is TipBase.SUBTOTAL else totals.total


def tip_from_percent(total: Money, percent: int) -> Money:
    """A preset tip: ``percent`` of ``total`` (see ``tip_base``), rounded half up to a minor
    unit."""
    if not 0 <= percent <= 100:
        raise InvalidAmount("A tip is between 0 and 100 percent.")
    minor, remainder = divmod(total.minor * percent, 100)
    if remainder * 2 >= 100:
        minor += 1
    return Money(minor, total.currency)
