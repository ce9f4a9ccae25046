"""A new PIN typed twice on the PIN pad (a first manager's, a changed one); the digits never
show."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.widgets.form_fields import message_label
from ui.widgets.pin_pad import PinPad
from ui.widgets.touch import touch_button

PIN_FIRST = "The manager's PIN: 4 to 8 digits, then Next."
PIN_AGAIN = "The same PIN again, then OK."
PIN_DONE = "PIN entered twice."


class PinTwice(QWidget):
    """A PIN on the PIN pad, typed twice: Next, then OK; "Start the PIN over" clears both."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pin = ""
        self.pin_again = ""
        self.prompt = QLabel(PIN_FIRST, self)
        self.prompt.setObjectName("pinPrompt")
        self.prompt.setProperty("caption", True)
        self.prompt.setWordWrap(True)
        self.pad = PinPad(self)
        self.pad.submitted.connect(self._entered)
        self.message = message_label("pinMessage", self)
        self.over_button = touch_button(
            "Start the PIN over", "pinOverButton", "Start the PIN over", self, role="secondary"
        )
        self.over_button.clicked.connect(self.start_over)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.prompt)
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.over_button)
        self.start_over()

    def start_over(self) -> None:
        self.pin = self.pin_again = ""
        self.pad.clear()
        self.pad.setEnabled(True)
        self.pad.keypad.enter_key.setText("Next")
        self.pad.keypad.enter_key.setAccessibleName("Next: enter the PIN again")
        self.prompt.setText(PIN_FIRST)
        self.over_button.hide()

    def show_message(self, text: str) -> None:
        """A PIN refused: say why, and take it again from the start."""
        if text:
            self.start_over()
        self.message.setText(text)

    def _entered(self, pin: str) -> None:
        self.message.clear()
        if not self.pin:
            self.pin = pin
            self.prompt.setText(PIN_AGAIN)
            self.pad.keypad.enter_key.setText("OK")
            self.pad.keypad.enter_key.setAccessibleName("OK: PIN entered twice")
            return
        self.pin_again = pin
        self.prompt.setText(PIN_DONE)
        self.pad.setEnabled(False)
        self.over_button.show()
