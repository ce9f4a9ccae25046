"""What a completed sale may still give back onto gift cards, and when a card's small balance
is offered in cash. The server enforces both; the register says them before it asks.

A gift-card payment goes back to the card that paid it, at most what it paid (its tip too);
any refund of a sale, to its own card or as store credit, keeps all of them within the
sale's total. Where the store's law sets a cash-out threshold, a balance above zero and
under it is offered in cash after a payment leaves it there.
"""

from __future__ import annotations

from pos_desktop.domain.errors import DomainError, ErrorCode, InvalidAmount
from pos_desktop.domain.money import Money

MAX_REASON_LENGTH = 500
ENTER_AN_AMOUNT = "Enter the amount to refund."
REASON_NEEDED = "Say why, for the card's history (e.g. “Item returned”)."


class ReasonNeeded(DomainError):
    code = ErrorCode.INVALID_REQUEST


def check_refund(amount: Money | None, at_most: Money, what: str) -> Money:
    """``amount`` if it is above zero and no more than ``at_most``; ``what`` says whose limit
    it is ("what this payment took", "this sale's total")."""
    if amount is None or not amount.is_positive():
        raise InvalidAmount(ENTER_AN_AMOUNT)
    if amount > at_most:
        raise InvalidAmount(f"Refund at most {at_most.format()}: {what}.")
    return amount


def check_reason(text: str, *, required: bool) -> str | None:
    """The reason as stored (trimmed); None when left out where none is needed."""
    reason = " ".join(text.split())
    if not reason:
        if required:
            raise ReasonNeeded(REASON_NEEDED)
        return None
    return reason[:MAX_REASON_LENGTH]


def offers_cash_out(balance: Money | None, below: Money | None) -> bool:
    """Whether a card left with ``balance`` is offered in cash: the store's law sets a
    threshold (``below``), and the balance is above zero and under it."""
    if balance is None or below is None or balance.currency != below.currency:
        return False
    return balance.is_positive() and balance < below
