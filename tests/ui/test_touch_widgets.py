"""Keypad and PIN pad on their own, no server."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from pos_desktop.domain.pin import PIN_MAX_LENGTH
from ui.widgets.keypad import Keypad
from ui.widgets.pin_pad import EMPTY_DOT, FILLED_DOT, PinPad
from ui.widgets.touch import MIN_TOUCH_PX, touch_target_px

KEY_NAMES = [f"keypadKey{d}" for d in "0123456789"] + [
    "keypadClear",
    "keypadBackspace",
    "keypadEnter",
]


def test_keypad_keys_are_named_for_tests_and_screen_readers(qtbot: QtBot) -> None:
    """Every key has its objectName and an accessibleName; the keypad is named 'keypad'."""
    keypad = Keypad()
    qtbot.addWidget(keypad)
    assert keypad.objectName() == "keypad"
    for name in KEY_NAMES:
        key = keypad.findChild(QPushButton, name)
        assert key is not None and key.accessibleName(), name


def test_keypad_keys_are_at_least_a_touch_target(qtbot: QtBot) -> None:
    """Keys are at least 48 px and 9 mm at the screen's DPI, both ways."""
    keypad = Keypad()
    qtbot.addWidget(keypad)
    target = touch_target_px(keypad)
    assert target >= MIN_TOUCH_PX
    for key in keypad.findChildren(QPushButton):
        assert key.minimumHeight() >= target and key.minimumWidth() >= target, key.objectName()


def test_keypad_keys_do_not_take_focus(qtbot: QtBot) -> None:
    """Tapping a key leaves keyboard focus (and a scanner's input) where it was."""
    keypad = Keypad()
    qtbot.addWidget(keypad)
    assert all(k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in keypad.findChildren(QPushButton))


def test_keypad_digit_key_emits_its_digit(qtbot: QtBot) -> None:
    """Tapping 7 emits digit_pressed('7')."""
    keypad = Keypad()
    qtbot.addWidget(keypad)
    with qtbot.waitSignal(keypad.digit_pressed) as blocker:
        qtbot.mouseClick(keypad.findChild(QPushButton, "keypadKey7"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["7"]


keystrokes = st.lists(st.sampled_from([*"0123456789", "back", "clear"]), max_size=30)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(strokes=keystrokes)
def test_pin_pad_dots_track_digits_and_never_show_them(qtbot: QtBot, strokes: list[str]) -> None:
    """Whatever is typed, the pad shows one filled dot per digit held (at most 8), no digits."""
    pad = PinPad()
    qtbot.addWidget(pad)
    held = ""
    for stroke in strokes:
        if stroke == "back":
            pad.delete_last()
            held = held[:-1]
        elif stroke == "clear":
            pad.clear()
            held = ""
        else:
            pad.add_digit(stroke)
            held = (held + stroke)[:PIN_MAX_LENGTH]
    dots = pad.dots_text()
    assert dots.count(FILLED_DOT) == len(held) == pad.digit_count
    assert set(dots) <= {FILLED_DOT, EMPTY_DOT, " "}


def test_pin_pad_submit_emits_pin_and_forgets_it(qtbot: QtBot) -> None:
    """Enter hands the PIN over once and empties the pad."""
    pad = PinPad()
    qtbot.addWidget(pad)
    qtbot.keyClicks(pad, "2468")
    with qtbot.waitSignal(pad.submitted) as blocker:
        qtbot.keyClick(pad, Qt.Key.Key_Enter)
    assert blocker.args == ["2468"]
    assert pad.digit_count == 0


def test_pin_pad_escape_clears(qtbot: QtBot) -> None:
    """Escape on the keyboard clears what was typed."""
    pad = PinPad()
    qtbot.addWidget(pad)
    qtbot.keyClicks(pad, "123")
    qtbot.keyClick(pad, Qt.Key.Key_Escape)
    assert pad.digit_count == 0


def test_pin_pad_ignores_letters(qtbot: QtBot) -> None:
    """Letters typed on a keyboard are not PIN digits."""
    pad = PinPad()
    qtbot.addWidget(pad)
    qtbot.keyClicks(pad, "a1b2")
    assert pad.digit_count == 2


def test_pin_pad_empty_enter_does_nothing(qtbot: QtBot) -> None:
    """Enter on an empty pad sends nothing."""
    pad = PinPad()
    qtbot.addWidget(pad)
    with qtbot.assertNotEmitted(pad.submitted):
        qtbot.keyClick(pad, Qt.Key.Key_Return)
