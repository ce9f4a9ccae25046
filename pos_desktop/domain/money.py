"""Money as integer minor units plus an ISO 4217 currency code; never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import total_ordering

from babel.numbers import format_currency, get_currency_precision

from pos_desktop.domain.errors import CurrencyMismatch, InvalidAmount

# Nine integer digits (999,999,999.99 in a two-decimal currency) is far beyond any ticket or
# gift card; anything larger is a stuck key or a scanned barcode in the amount field.
MAX_MINOR_UNITS = 99_999_999_999
_MAX_INTEGER_DIGITS = 12
_MAX_TEXT_LENGTH = 32
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` in whole minor units, rounded half away from zero (tax
    out of a price, an average ticket); 0 when dividing by 0."""
    if denominator == 0:
        return 0
    quotient, remainder = divmod(abs(numerator), denominator)
    rounded = quotient + (1 if remainder * 2 >= denominator else 0)
    return rounded if numerator >= 0 else -rounded


def currency_exponent(currency: str) -> int:
    """Number of decimals the currency has (2 for USD, 0 for JPY, 3 for KWD)."""
    return int(get_currency_precision(currency))


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(
                f"Money.minor must be an int of minor units, not {type(self.minor).__name__}"
            )
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse what a cashier typed ("12", "12.5", "1,250.00"), or say what is wrong."""
        shown = text.strip()
        if not shown:
            raise InvalidAmount("Enter an amount.")
        if len(shown) > _MAX_TEXT_LENGTH:
            raise InvalidAmount("That amount is too large.")
        if "," in shown and not _THOUSANDS.fullmatch(shown):
            # "12,50" is a decimal comma somewhere; dropping it would charge a hundred times more.
            raise InvalidAmount(f"“{shown}” is not an amount. Use a point for decimals.")
        try:
            value = Decimal(shown.replace(",", ""))
        except InvalidOperation as exc:
            raise InvalidAmount(f"“{shown}” is not an amount.") from exc
        if not value.is_finite():
            raise InvalidAmount(f"“{shown}” is not an amount.")
        if value.is_signed():
            raise InvalidAmount("An amount cannot be negative.")
        # Bound the size before scaling: "9e999999" must not build a million-digit integer.
        if value and value.adjusted() >= _MAX_INTEGER_DIGITS:
            raise InvalidAmount("That amount is too large.")
        exponent = currency_exponent(currency)
        quantum = Decimal(1).scaleb(-exponent)
        if (value and value.adjusted() < -exponent) or value != value.quantize(quantum):
            if exponent == 0:
                raise InvalidAmount(f"{currency} amounts have no decimals.")
            raise InvalidAmount(f"{currency} amounts have at most {exponent} decimals.")
        minor = int(value.scaleb(exponent))
        if minor > MAX_MINOR_UNITS:
            raise InvalidAmount("That amount is too large.")
        return cls(minor, currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency))

    def format(self, locale: str = "en_US") -> str:
        """The amount as the store's locale writes it, e.g. ``$1,234.50`` or ``1.234,50 €``."""
        return str(format_currency(self.to_decimal(), self.currency, locale=locale))

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def is_zero(self) -> bool:
        return self.minor == 0

    def is_positive(self) -> bool:
        return self.minor > 0
