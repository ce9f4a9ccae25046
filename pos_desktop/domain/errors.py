"""Domain errors: one class per rule that can refuse, each carrying a stable code.

Only presenters and the server's error handler turn these into text for a person; the
``message`` here is the wording the cashier sees when it is shown as it is.
"""

from __future__ import annotations

INSUFFICIENT_BALANCE_MESSAGE = "Fail: The value to redeem exceeds the balance of the card!"


class DomainError(Exception):
    """A rule refused the request; ``code`` is the API error code it maps to."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidAmount(DomainError):
    code = "invalid_amount"


class CurrencyMismatch(InvalidAmount):
    """Two amounts in different currencies met; also refused as an invalid amount."""


class InvalidCardNumber(DomainError):
    code = "invalid_card_number"


class InsufficientBalance(DomainError):
    code = "insufficient_balance"

    def __init__(self, message: str = INSUFFICIENT_BALANCE_MESSAGE) -> None:
        super().__init__(message)


class CardNotRedeemable(DomainError):
    code = "card_not_redeemable"


class InvalidPin(DomainError):
    code = "invalid_pin"
