"""Deduct Funds by e-mailed code (seed 000): the rules a register checks before it asks the
server, and the countdown it shows while the code is valid. The server decides; these only
keep the cashier from sending what it would refuse.
"""

from __future__ import annotations

import math
from datetime import datetime

from pos_desktop.domain.errors import (
    CardNotRedeemable,
    DomainError,
    ErrorCode,
    InsufficientBalance,
    InvalidAmount,
)
from pos_desktop.domain.giftcard import CardStatus, ensure_redeemable
from pos_desktop.domain.money import Money

CODE_LENGTH = 6
MAX_WRONG_CODES = 3

CARD_NOT_SENT_MESSAGE = (
    "This card has not been sent to the recipient yet, so no funds can be deducted from it."
)


class CardNotSent(CardNotRedeemable):
    """A pending card: bought, not yet sent to its recipient."""

    code = ErrorCode.CARD_NOT_SENT

    def __init__(self, message: str = CARD_NOT_SENT_MESSAGE) -> None:
        super().__init__(message)


class AmountOverBalance(InsufficientBalance):
    """The amount to deduct is more than the card holds."""

    def __init__(self, balance: Money, message: str) -> None:
        super().__init__(message)
        self.balance = balance


class InvalidCode(DomainError):
    """Not six digits: refused before the server counts it as a wrong attempt."""

    code = ErrorCode.INVALID_CODE


def ensure_deductible(status: CardStatus) -> None:
    """``CardNotSent`` for a pending card; ``CardNotRedeemable`` for blocked and voided ones."""
    if status is CardStatus.PENDING:
        raise CardNotSent()
    ensure_redeemable(status)


def over_balance_message(balance_text: str) -> str:
    return f"The amount to deduct cannot be more than the card's balance, {balance_text}."


def check_deduct_amount(amount: Money | None, balance: Money, locale: str = "en_US") -> Money:
    """The amount to deduct, positive and at most the balance; or the rule it breaks."""
    if balance.minor <= 0:
        raise AmountOverBalance(balance, "This card has no balance left.")
    if amount is None or amount.minor <= 0:
        raise InvalidAmount("Enter the amount to deduct.")
    if amount.currency != balance.currency:
        raise InvalidAmount(f"This card holds {balance.currency}, not {amount.currency}.")
    if amount > balance:
        raise AmountOverBalance(balance, over_balance_message(balance.format(locale)))
    return amount


def normalize_code(text: str) -> str:
    """The six digits the customer read out, spaces ignored; or ``InvalidCode``."""
    code = "".join(text.split())
    if not code:
        raise InvalidCode("Enter the 6-digit code the customer received.")
    if not (code.isascii() and code.isdigit()) or len(code) != CODE_LENGTH:
        raise InvalidCode(f"The code has {CODE_LENGTH} digits.")
    return code


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds left until ``moment`` (rounded up, so 0 means it has passed); never < 0."""
    return max(0, math.ceil((moment - now).total_seconds()))


def countdown_text(expires_at: datetime, now: datetime) -> str:
    """``mm:ss`` left of the code's validity; ``00:00`` once it has expired."""
    minutes, seconds = divmod(seconds_until(expires_at, now), 60)
    return f"{minutes:02d}:{seconds:02d}"
