"""What the refund and cash-out screens show: completed sales with what they may still give
back, a refund or a cash-out done. Plain data, no I/O: a screen may import it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.money import Money
from pos_desktop.services.results import PresentedCard


@dataclass(frozen=True, slots=True)
class CardPaymentOfSale:
    """A gift card's payment on a completed sale, and what this register gave back to it."""

    payment_id: uuid.UUID
    activity_id: uuid.UUID
    last4: str
    paid: Money  # what it took, its tip part too
    refunded: Money

    @property
    def masked(self) -> str:
        return mask_card_number(self.last4)

    @property
    def left(self) -> Money:
        return self.paid - self.refunded


@dataclass(frozen=True, slots=True)
class RefundableSale:
    """A completed ticket of this register, as the refund screen lists it."""

    id: uuid.UUID
    number: int
    completed_at: datetime
    total: Money
    refunded: Money  # given back so far, onto any card
    card_payments: tuple[CardPaymentOfSale, ...]

    @property
    def left(self) -> Money:
        return self.total - self.refunded

    def card_payment(self, payment_id: uuid.UUID) -> CardPaymentOfSale:
        for payment in self.card_payments:
            if payment.payment_id == payment_id:
                return payment
        raise LookupError(f"payment {payment_id} is not a gift card's on ticket #{self.number}")


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """A refund as the cashier entered it, checked by the service. ``payment_id``: back onto
    that gift-card payment's card; None: store credit, onto ``card`` (a card at the counter)
    or, without one, a new card."""

    sale_id: uuid.UUID
    amount: Money | None
    reason: str
    payment_id: uuid.UUID | None = None
    card: PresentedCard | None = None


@dataclass(frozen=True, slots=True)
class RefundDone:
    """A refund the server gave. ``number``: a new card's full number, said this once."""

    sale: RefundableSale  # as it is after the refund
    amount: Money
    card_last4: str
    balance_after: Money
    number: str | None = None

    @property
    def masked(self) -> str:
        return mask_card_number(self.card_last4)


class RefundUnsettled(DomainError):
    """No answer from the server about a refund or a cash-out: it is kept with its key, and
    asking again gives it at most once."""

    code = ErrorCode.PAYMENT_UNSETTLED

    def __init__(self, message: str, payout_id: uuid.UUID) -> None:
        super().__init__(message)
        self.payout_id = payout_id


@dataclass(frozen=True, slots=True)
class CashOutOffer:
    """A card a payment left with a balance the store's law has paid out in cash; the card
    is at the counter (``number``, never shown)."""

    card_id: uuid.UUID
    number: str
    last4: str
    balance: Money

    @property
    def masked(self) -> str:
        return mask_card_number(self.last4)


@dataclass(frozen=True, slots=True)
class CashedOut:
    """The card's balance paid out; ``drawer``: the drawer was asked to open (a receipt
    printer kicks it)."""

    amount: Money
    last4: str
    balance_after: Money
    drawer: bool

    @property
    def masked(self) -> str:
        return mask_card_number(self.last4)
