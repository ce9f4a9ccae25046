"""A new PIN typed twice on the PIN pad (a first manager's, a changed one); the digits never
show.

Nothing moves under the finger: why a PIN was refused takes the prompt's place, in room kept
for two lines, and "Start the PIN over" lies over the pad's dots once the PIN is typed twice
(the pad is done with then), never in the layout."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from pos_desktop.domain.pin import PIN_MIN_LENGTH
from pos_desktop.domain.store_setup import PIN_LENGTH
from ui.widgets.form_fields import message_label
from ui.widgets.pin_pad import PinPad
from ui.widgets.touch import touch_button

PIN_FIRST = "The manager's PIN: 4 to 8 digits, then Next."
PIN_AGAIN = "The same PIN again, then OK."
PIN_DONE = "PIN entered twice."
# Two lines of a caption (the theme's 17 px): the prompt, or why a PIN was refused.
PROMPT_ROOM_PX = 44


class PinTwice(QWidget):
    """A PIN on the PIN pad, typed twice: Next, then OK; "Start the PIN over" clears both."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pin = ""
        self.pin_again = ""
        self.prompt = QLabel(PIN_FIRST, self)
        self.prompt.setObjectName("pinPrompt")
        self.prompt.setProperty("caption", True)
        self.message = message_label("pinMessage", self)
        room = QWidget(self)
        room.setObjectName("pinPromptRoom")
        room.setFixedHeight(PROMPT_ROOM_PX)
        self._said = QStackedLayout(room)
        self._said.setContentsMargins(0, 0, 0, 0)
        for label in (self.prompt, self.message):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._said.addWidget(label)
        self.pad = PinPad(self)
        self.pad.submitted.connect(self._entered)
        for moving in (self.pad, self.pad.keypad):  # the keys are laid out after the pad
            moving.installEventFilter(self)
        self.over_button = touch_button(
            "Start the PIN over", "pinOverButton", "Start the PIN over", self, role="secondary"
        )
        self.over_button.clicked.connect(self.start_over)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(room)
        layout.addWidget(self.pad, 1)
        self.start_over()

    def start_over(self) -> None:
        self.pin = self.pin_again = ""
        self.pad.clear()
        self.pad.setEnabled(True)
        self.pad.keypad.enter_key.setText("Next")
        self.pad.keypad.enter_key.setAccessibleName("Next: enter the PIN again")
        self.prompt.setText(PIN_FIRST)
        self._said.setCurrentWidget(self.prompt)
        self.over_button.hide()

    def show_message(self, text: str) -> None:
        """A PIN refused: say why (in the prompt's place), and take it again from the start."""
        if text:
            self.start_over()
            self._said.setCurrentWidget(self.message)
        self.message.setText(text)

    def _entered(self, pin: str) -> None:
        if len(pin) < PIN_MIN_LENGTH:
            # Said now, not after both entries and the form's own button.
            self.show_message(PIN_LENGTH)
            return
        self.message.clear()
        self._said.setCurrentWidget(self.prompt)
        if not self.pin:
            self.pin = pin
            self.prompt.setText(PIN_AGAIN)
            self.pad.keypad.enter_key.setText("OK")
            self.pad.keypad.enter_key.setAccessibleName("OK: PIN entered twice")
            return
        self.pin_again = pin
        self.prompt.setText(PIN_DONE)
        self.pad.setEnabled(False)
        self._place_over_button()
        self.over_button.show()
        self.over_button.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.pad, self.pad.keypad) and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Move,
        ):
            self._place_over_button()
        return super().eventFilter(watched, event)

    def _place_over_button(self) -> None:
        """Over the pad's dots (the room above its keys), as wide as the pad."""
        pad = self.pad.geometry()
        above_keys = self.pad.keypad.geometry().top()
        height = min(self.over_button.sizeHint().height(), above_keys)
        top = pad.top() + max(0, (above_keys - height) // 2)
        self.over_button.setGeometry(QRect(pad.left(), top, pad.width(), height))
