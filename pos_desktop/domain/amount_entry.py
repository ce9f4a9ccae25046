"""What a key does to an amount field: the rule every amount keypad and keyboard applies.

- Keypad digits shift in from the right, as on a cash register (1, 9, 4, 9 -> 19.49); a
  keyboard may type the decimal text ("19.49") directly.
- An amount the app put in the field (the due, a card's balance) is replaced by the first
  key, not extended: the next digit starts a new amount.
- A digit or a typed amount over the cap leaves the field at the cap and says so.
- Anything but digits and one point (letters, a minus sign, a comma) is refused as typed.

The entry is an immutable value; each key gives the next entry and, when a key was refused or
capped, why. Amounts are integer minor units (``Money``), never floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money, currency_exponent

# "999999999.99" is 12 characters; more is a stuck key or a scan in the amount field.
MAX_TEXT_LENGTH = 16
BACKSPACE = "backspace"
CLEAR = "clear"
DIGITS = "0123456789"
_DECIMAL = re.compile(r"(?P<whole>\d*)(?:\.(?P<fraction>\d*))?")


class Refusal(StrEnum):
    """Why a key did not do what it would have: the field says so."""

    CAPPED = "capped"  # the field now holds the cap
    NEGATIVE = "negative"
    NOT_A_DIGIT = "not_a_digit"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class Cap:
    """The most the field may hold, and what the cashier is told when a key reaches past it."""

    limit: Money
    message: str


@dataclass(frozen=True, slots=True)
class AmountEntry:
    """The text an amount field shows and how the next key treats it.

    ``replaces_next``: the text is the app's (a prefill, or the cap after a refused digit), so
    the next key starts a new amount. ``typed``: the cashier has pressed a key since the app
    last filled the field; a redraw must then leave the field alone.
    """

    currency: str
    text: str = ""
    cap: Cap | None = None
    replaces_next: bool = False
    typed: bool = False

    # -- the app ---------------------------------------------------------------------------

    def filled(self, amount: Money | None) -> AmountEntry:
        """The app shows ``amount`` (None: empty); the next key replaces it."""
        currency = amount.currency if amount is not None else self.currency
        return AmountEntry(
            currency,
            "" if amount is None else amount_text(amount),
            self.cap,
            replaces_next=amount is not None,
            typed=False,
        )

    def capped_at(self, cap: Cap | None) -> Step:
        """A new cap; an amount already above it comes down to it, and the step says so."""
        entry = replace(self, cap=cap)
        shown = entry.amount()
        if cap is not None and shown is not None and shown > cap.limit:
            return entry._at_cap(cap)
        return Step(entry)

    def amount(self) -> Money | None:
        """The amount shown, or None when the field is empty."""
        if not self.text:
            return None
        try:
            return Money.parse(self.text, self.currency)
        except InvalidAmount:
            return None

    # -- the keypad ------------------------------------------------------------------------

    def press(self, key: str) -> Step:
        """A keypad key: a digit, ``BACKSPACE`` or ``CLEAR``."""
        if key == CLEAR:
            return Step(replace(self, text="", replaces_next=False, typed=True))
        shown = self.amount()
        minor = shown.minor if shown is not None else 0
        if key == BACKSPACE:
            text = "" if not self.text else amount_text(Money(minor // 10, self.currency))
            return Step(replace(self, text=text, replaces_next=False, typed=True))
        if len(key) != 1 or key not in DIGITS:
            return self._refused(Refusal.NOT_A_DIGIT)
        base = 0 if self.replaces_next else minor
        candidate = Money(base * 10 + int(key), self.currency)
        return self._accept(candidate, amount_text(candidate))

    # -- a keyboard ------------------------------------------------------------------------

    def typed_text(self, text: str) -> Step:
        """A keyboard (or a paste) changed the field's text to ``text``. While
        ``replaces_next``, a field selects its text before a typed key, so the key replaces
        the app's amount here too."""
        if not text:
            return Step(replace(self, text="", replaces_next=False, typed=True))
        if "-" in text:
            return self._refused(Refusal.NEGATIVE)
        match = _DECIMAL.fullmatch(text)
        if match is None or not text.isascii():
            return self._refused(Refusal.NOT_A_DIGIT)
        exponent = currency_exponent(self.currency)
        fraction = match["fraction"]
        if fraction is not None and (exponent == 0 or len(fraction) > exponent):
            return self._refused(Refusal.TOO_MANY_DECIMALS)
        shown = "0" + text if text.startswith(".") else text  # ".5" is 0.5; "." alone is 0
        if len(shown) > MAX_TEXT_LENGTH:
            return self._refused(Refusal.TOO_LARGE)
        try:
            candidate = Money.parse(shown, self.currency)
        except InvalidAmount:  # only too many whole digits is left to refuse
            return self._refused(Refusal.TOO_LARGE)
        return self._accept(candidate, shown)

    # -- the rule ---------------------------------------------------------------------------

    def _accept(self, candidate: Money, text: str) -> Step:
        if self.cap is not None and candidate > self.cap.limit:
            return self._at_cap(self.cap)
        if candidate.minor > MAX_MINOR_UNITS:
            return self._refused(Refusal.TOO_LARGE)
        return Step(replace(self, text=text, replaces_next=False, typed=True))

    def _at_cap(self, cap: Cap) -> Step:
        entry = replace(self, text=amount_text(cap.limit), replaces_next=True, typed=True)
        return Step(entry, Refusal.CAPPED, cap.message)

    def _refused(self, refusal: Refusal) -> Step:
        return Step(self, refusal, refusal_message(refusal, self.currency))


@dataclass(frozen=True, slots=True)
class Step:
    """The entry after a key; ``refusal`` and ``message`` say why the key was not taken as is."""

    entry: AmountEntry
    refusal: Refusal | None = None
    message: str = ""


def amount_text(amount: Money) -> str:
    """The plain text a field shows for an amount: "3.75", "1250" for yen."""
    return format(amount.to_decimal(), "f")


def refusal_message(refusal: Refusal, currency: str) -> str:
    """The words for a refused key (a cap brings its own)."""
    if refusal is Refusal.NEGATIVE:
        return "An amount cannot be negative."
    if refusal is Refusal.TOO_MANY_DECIMALS:
        exponent = currency_exponent(currency)
        if exponent == 0:
            return f"{currency} amounts have no decimals."
        return f"{currency} amounts have at most {exponent} decimals."
    if refusal is Refusal.TOO_LARGE:
        return "That amount is too large."
    if refusal is Refusal.CAPPED:
        return "That is the most this amount can be."
    return "Amounts take digits and one point only."
