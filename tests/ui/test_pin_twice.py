"""A new PIN typed twice: too short a PIN is refused at Next, not after both entries."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from pos_desktop.domain.store_setup import PIN_LENGTH
from tests.ui.support import TAP, button
from ui.widgets.pin_twice import PIN_AGAIN, PinTwice


def type_pin(qtbot: QtBot, widget: PinTwice, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(button(widget, f"keypadKey{digit}"), TAP)
    qtbot.mouseClick(button(widget, "keypadEnter"), TAP)


def test_pin_twice_short_pin_refused_at_next(qtbot: QtBot) -> None:
    """Two digits then Next: the refusal takes the prompt's place and the first entry starts
    over; a PIN of four digits then goes on to the second entry."""
    widget = PinTwice()
    qtbot.addWidget(widget)
    widget.show()

    type_pin(qtbot, widget, "12")

    assert widget.message.text() == PIN_LENGTH
    assert (widget.pin, widget.pad.keypad.enter_key.text()) == ("", "Next")
    type_pin(qtbot, widget, "4821")
    assert (widget.pin, widget.prompt.text()) == ("4821", PIN_AGAIN)
    assert widget.message.text() == ""
