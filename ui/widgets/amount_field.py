"""An amount input filled by a keypad or a keyboard; ``pos_desktop.domain.amount_entry`` holds
the rule (first key replaces a prefill, digits shift in from the right, the cap, no letters),
and this field only applies it.

A refused or capped key is said in the field's own message line, one line tall whether or not
it has words, so nothing below it moves.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent, QValidator
from PySide6.QtWidgets import QLabel, QLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from pos_desktop.domain.amount_entry import (
    BACKSPACE,
    CLEAR,
    MAX_TEXT_LENGTH,
    AmountEntry,
    Cap,
    Refusal,
    Step,
)
from pos_desktop.domain.money import Money
from ui.widgets.touch import make_touchable, name_widget


class _EntryValidator(QValidator):
    """Refuses a keyboard edit the entry rule refuses, before the text changes at all."""

    def __init__(self, allows: Callable[[str], bool], parent: QObject) -> None:
        super().__init__(parent)
        self._allows = allows

    def validate(self, text: str, pos: int) -> QValidator.State:
        return QValidator.State.Acceptable if self._allows(text) else QValidator.State.Invalid


class AmountField(QLineEdit):
    """``message``: the field's message line, for the screen to place right under the field.
    ``edited``: the cashier pressed a key here (keypad or keyboard), so a screen's message about
    the amount before it is stale."""

    edited = Signal()

    def __init__(
        self,
        object_name: str,
        accessible_name: str,
        parent: QWidget | None = None,
        currency: str = "USD",
        *,
        scale: float = 1.25,
    ) -> None:
        """``scale``: the field's height in touch targets."""
        super().__init__(parent)
        name_widget(self, object_name, accessible_name)
        self.setMaxLength(MAX_TEXT_LENGTH)
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        make_touchable(self, scale)
        self._entry = AmountEntry(currency)
        self.message = QLabel(parent)
        name_widget(self.message, f"{object_name}Message", f"{accessible_name} message")
        self.message.setProperty("fieldMessage", True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setValidator(_EntryValidator(self._allows, self))
        self.textEdited.connect(self._typed)

    def showEvent(self, event: QShowEvent) -> None:
        # The message line's room is reserved once the theme has set its font.
        self.message.ensurePolished()
        self.message.setFixedHeight(self.message.fontMetrics().lineSpacing() + 2)
        super().showEvent(event)

    # -- the app -----------------------------------------------------------------------------

    def set_currency(self, currency: str) -> None:
        if currency != self._entry.currency:
            self._entry = AmountEntry(currency)  # a cap in the old currency no longer applies
            self._apply(Step(self._entry))

    def set_cap(self, cap: Money | None, message: str = "") -> None:
        """The most the field takes; an amount already above it comes down to it."""
        self._apply(self._entry.capped_at(None if cap is None else Cap(cap, message)))

    def set_amount(self, amount: Money | None) -> None:
        """The app fills the field: the cashier's first key then starts a new amount."""
        self._apply(Step(self._entry.filled(amount)))

    def release(self) -> None:
        """The amount shown was used (a tender took it, a tip changed the due): it is the app's
        again, so a redraw may replace it and the next key starts a new amount."""
        self.set_amount(self.amount())

    def amount(self) -> Money | None:
        """The amount shown, or None when the field is empty."""
        return self._entry.amount()

    @property
    def typed(self) -> bool:
        """The cashier has pressed a key here since the app last filled the field."""
        return self._entry.typed

    def message_text(self) -> str:
        return self.message.text()

    def with_message(self, field: QWidget | QLayout | None = None) -> QVBoxLayout:
        """``field`` (the field itself, or a row holding it) with the message line right under
        it, for a screen to place as one block."""
        block = QVBoxLayout()
        block.setContentsMargins(0, 0, 0, 0)
        block.setSpacing(2)
        if isinstance(field, QLayout):
            block.addLayout(field)
        else:
            block.addWidget(field or self)
        block.addWidget(self.message)
        return block

    # -- keypad ------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        self._apply(self._entry.press(digit))
        self.edited.emit()

    def press_backspace(self) -> None:
        self._apply(self._entry.press(BACKSPACE))
        self.edited.emit()

    def press_clear(self) -> None:
        self._apply(self._entry.press(CLEAR))
        self.edited.emit()

    # -- keyboard ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typing = event.text().isprintable() and event.text() != ""
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if self._entry.replaces_next and typing and plain:
            self.selectAll()  # the first key replaces the app's amount
        super().keyPressEvent(event)

    def _allows(self, text: str) -> bool:
        """A letter, a minus sign, a third decimal never reach the text; the field says why."""
        step = self._entry.typed_text(text)
        if step.refusal is None or step.refusal is Refusal.CAPPED:
            return True
        self._apply(step)
        return False

    def _typed(self, text: str) -> None:
        self._apply(self._entry.typed_text(text))
        self.edited.emit()

    # -- applying a step ---------------------------------------------------------------------

    def _apply(self, step: Step) -> None:
        self._entry = step.entry
        if self.text() != step.entry.text:
            self.setText(step.entry.text)
        self.message.setText(step.message)
        self.message.setToolTip(step.message)
        self.message.setAccessibleDescription(step.message)
        self.setProperty("refused", bool(step.message))
        self.style().unpolish(self)
        self.style().polish(self)
