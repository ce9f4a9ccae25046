"""An amount input a keypad without a decimal key can fill: digits shift in from the right,
as on a cash register (1, 9, 4, 9 -> 19.49). A keyboard may type "19.49" directly.

An optional cap refuses a digit that would take the amount above it, and says why.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from ui.widgets.touch import make_touchable, name_widget

MAX_LENGTH = 16


class AmountField(QLineEdit):
    refused = Signal(str)  # a digit or a typed amount was refused; the text says why

    def __init__(
        self,
        object_name: str,
        accessible_name: str,
        parent: QWidget | None = None,
        currency: str = "USD",
    ) -> None:
        super().__init__(parent)
        name_widget(self, object_name, accessible_name)
        self.setMaxLength(MAX_LENGTH)
        make_touchable(self, 1.25)
        self._currency = currency
        self._cap: Money | None = None
        self._cap_message = ""
        self._last_good = ""
        self.textEdited.connect(self._check_typed)

    def set_currency(self, currency: str) -> None:
        self._currency = currency

    def set_cap(self, cap: Money | None, message: str = "") -> None:
        self._cap = cap
        self._cap_message = message

    def set_amount(self, amount: Money | None) -> None:
        self._currency = amount.currency if amount is not None else self._currency
        text = "" if amount is None else format(amount.to_decimal(), "f")
        self.setText(text)
        self._last_good = text

    def amount(self) -> Money | None:
        """The amount shown, or None when the text is not one (the caller parses and reports)."""
        try:
            return Money.parse(self.text(), self._currency)
        except InvalidAmount:
            return None

    # -- keypad ------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        current = self.amount()
        minor = current.minor if current is not None else 0
        candidate = Money(minor * 10 + int(digit), self._currency)
        if len(str(candidate.minor)) > MAX_LENGTH - 2:
            return
        if self._over_cap(candidate):
            self.refused.emit(self._cap_message)
            return
        self.set_amount(candidate)

    def press_backspace(self) -> None:
        current = self.amount()
        self.set_amount(Money((current.minor if current else 0) // 10, self._currency))

    def press_clear(self) -> None:
        self.set_amount(None)

    # -- typing ------------------------------------------------------------------------------

    def _over_cap(self, amount: Money) -> bool:
        return self._cap is not None and amount > self._cap

    def _check_typed(self, text: str) -> None:
        typed = self.amount()
        if typed is not None and self._over_cap(typed):
            self.setText(self._last_good)
            self.refused.emit(self._cap_message)
            return
        self._last_good = text
