"""PIN entry: dots for the digits typed (never the digits), the touch keypad, and the
physical keyboard's digits, Backspace, Enter and Escape."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pos_desktop.domain.pin import PIN_MAX_LENGTH, PIN_MIN_LENGTH
from ui.widgets.keypad import Keypad
from ui.widgets.touch import name_widget

FILLED_DOT = "●"
EMPTY_DOT = "○"
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class PinPad(QWidget):
    submitted = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        enter_label: str = "Log in",
        key_scale: float = 1.5,
    ) -> None:
        """``enter_label``: what the Enter key does with the PIN (Log in, Approve)."""
        super().__init__(parent)
        name_widget(self, "pinPad", "PIN pad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pin = ""
        self._dots = QLabel(self)
        name_widget(self._dots, "pinDots", "PIN")
        self._dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keypad = Keypad(
            self, enter_label=enter_label, enter_accessible_name=enter_label, key_scale=key_scale
        )
        self.keypad.digit_pressed.connect(self.add_digit)
        self.keypad.backspace_pressed.connect(self.delete_last)
        self.keypad.clear_pressed.connect(self.clear)
        self.keypad.enter_pressed.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self._dots)
        layout.addWidget(self.keypad, 1)
        self._show_dots()

    @property
    def digit_count(self) -> int:
        return len(self._pin)

    def dots_text(self) -> str:
        return self._dots.text()

    def add_digit(self, digit: str) -> None:
        if not self.isEnabled() or len(self._pin) >= PIN_MAX_LENGTH:
            return
        self._pin += digit
        self._show_dots()

    def delete_last(self) -> None:
        self._pin = self._pin[:-1]
        self._show_dots()

    def clear(self) -> None:
        self._pin = ""
        self._show_dots()

    def submit(self) -> None:
        if not self.isEnabled() or not self._pin:
            return
        # Forget the PIN as soon as it leaves the pad: a wrong one is typed again anyway,
        # and a right one must not sit in the widget while the register is in use.
        pin, self._pin = self._pin, ""
        self._show_dots()
        self.submitted.emit(pin)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isascii() and text.isdigit():
            self.add_digit(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.delete_last()
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        elif event.key() in _ENTER_KEYS:
            self.submit()
        else:
            super().keyPressEvent(event)

    def _show_dots(self) -> None:
        typed = len(self._pin)
        slots = max(PIN_MIN_LENGTH, typed)
        self._dots.setText(" ".join(FILLED_DOT * typed + EMPTY_DOT * (slots - typed)))
        self._dots.setAccessibleDescription(f"{typed} digits entered")
