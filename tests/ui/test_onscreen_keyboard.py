"""The on-screen keyboard on its own: what its keys type, and where it shows, in a plain window
and a small dialog at the window sizes registers have, driven by taps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QIntValidator, QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_desktop.config import KeyboardMode
from tests.ui.support import TAP, button
from ui.theme import theme_stylesheet
from ui.widgets.amount_field import AmountField
from ui.widgets.card_number_input import card_number_input
from ui.widgets.onscreen_keyboard import KeyboardController, OnscreenKeyboard
from ui.widgets.touch import MIN_TOUCH_PX


class Screen(QWidget):
    """A window with a text field at the top, another at the bottom, and an amount field."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(theme_stylesheet())
        self.top = QLineEdit(self)
        self.top.setObjectName("topField")
        self.amount = AmountField("amountField", "Amount", self)
        self.other = QPushButton("Elsewhere", self)
        self.other.setObjectName("elsewhere")
        self.bottom = QLineEdit(self)
        self.bottom.setObjectName("bottomField")
        layout = QVBoxLayout(self)
        layout.addWidget(self.top)
        layout.addWidget(self.amount)
        layout.addWidget(self.other)
        layout.addStretch(1)
        layout.addWidget(self.bottom)


@pytest.fixture
def screen(qtbot: QtBot, qapp: QApplication) -> Iterator[tuple[Screen, KeyboardController]]:
    window = Screen()
    qtbot.addWidget(window)
    window.resize(1024, 768)
    controller = KeyboardController(window)
    controller.install(qapp)
    window.show()
    qtbot.waitExposed(window)
    yield window, controller
    controller.uninstall()


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, TAP)


def shown(controller: KeyboardController) -> OnscreenKeyboard:
    keyboard = controller.keyboard
    assert keyboard is not None and keyboard.isVisible()
    return keyboard


def type_keys(qtbot: QtBot, keyboard: OnscreenKeyboard, *names: str) -> None:
    for name in names:
        tap(qtbot, button(keyboard, name))


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_onscreen_keyboard_shift_types_one_capital_and_twice_locks_caps(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """Shift makes the next letter a capital only; tapped twice it stays on until tapped
    again; digits and symbols are the same either way."""
    window, controller = screen
    tap(qtbot, window.top)
    keyboard = shown(controller)
    type_keys(qtbot, keyboard, "keyboardShift", "keyboardKeyA", "keyboardKeyB")
    type_keys(qtbot, keyboard, "keyboardShift", "keyboardShift", "keyboardKeyC", "keyboardKeyD")
    type_keys(qtbot, keyboard, "keyboardKey4", "keyboardUnderscore", "keyboardShift")
    type_keys(qtbot, keyboard, "keyboardKeyE", "keyboardDash", "keyboardSpace", "keyboardDot")
    assert window.top.text() == "AbCD4_e- ."


def test_onscreen_keyboard_types_at_the_cursor_and_backspace_deletes_before_it(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """A key goes in where the caret is, not at the end; backspace takes the character before
    the caret."""
    window, controller = screen
    window.top.setText("ac")
    tap(qtbot, window.top)
    window.top.setCursorPosition(1)
    keyboard = shown(controller)
    type_keys(qtbot, keyboard, "keyboardKeyB", "keyboardKeyX", "keyboardBackspace")
    assert (window.top.text(), window.top.cursorPosition()) == ("abc", 2)


def test_onscreen_keyboard_honours_the_fields_validator_and_length(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """A key the field's validator refuses, or one past its maximum length, types nothing."""
    window, controller = screen
    window.top.setValidator(QIntValidator(0, 999, window.top))
    window.top.setMaxLength(3)
    tap(qtbot, window.top)
    keyboard = shown(controller)
    type_keys(qtbot, keyboard, "keyboardKey1", "keyboardKeyQ", "keyboardAt", "keyboardKey2")
    type_keys(qtbot, keyboard, "keyboardKey3", "keyboardKey4")
    assert window.top.text() == "123"


def test_onscreen_keyboard_keeps_the_focus_in_the_field(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """Tapping keys leaves the caret in the field, where a scanner's keys go too. (The
    window's focus widget: with no window manager, as under Xvfb, no window is active.)"""
    window, controller = screen
    tap(qtbot, window.top)
    assert window.focusWidget() is window.top
    keyboard = shown(controller)
    type_keys(qtbot, keyboard, "keyboardKeyA", "keyboardShift", "keyboardDotCom")
    assert window.focusWidget() is window.top
    assert window.top.text() == "a.com"


def test_onscreen_keyboard_done_fires_enter_and_hide_does_not(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """Done puts the keys away and enters the text, as the field's Enter key; Hide only puts
    them away."""
    window, controller = screen
    entered: list[str] = []
    window.top.returnPressed.connect(lambda: entered.append(window.top.text()))
    tap(qtbot, window.top)
    type_keys(qtbot, shown(controller), "keyboardKeyA", "keyboardHide")
    assert controller.keyboard is None
    assert entered == []
    tap(qtbot, window.top)
    type_keys(qtbot, shown(controller), "keyboardDone")
    assert controller.keyboard is None
    assert entered == ["a"]


def test_onscreen_keyboard_never_covers_the_field(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """The keys sit along the window's bottom edge, or its top edge for a field down there."""
    window, controller = screen
    for field in (window.top, window.bottom):
        tap(qtbot, field)
        keyboard = shown(controller)
        assert not keyboard.geometry().intersects(rect_in(field, window))
        assert window.rect().contains(keyboard.geometry())
    tap(qtbot, window.top)
    assert shown(controller).geometry().bottom() == window.rect().bottom()


def test_onscreen_keyboard_goes_away_on_a_tap_elsewhere_or_with_its_field(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """A tap on anything but the keys and the field hides them, and so does the field going
    out of sight; a tap between two keys does not."""
    window, controller = screen
    tap(qtbot, window.top)
    keyboard = shown(controller)
    qtbot.mouseClick(keyboard, TAP, pos=QPoint(2, 2))
    assert controller.keyboard is keyboard
    tap(qtbot, window.other)
    assert controller.keyboard is None
    tap(qtbot, window.top)
    shown(controller)
    window.top.hide()
    assert controller.keyboard is None


def test_onscreen_keyboard_leaves_number_fields_to_their_keypad(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """An amount field and a card number input have a keypad beside them: no keyboard."""
    window, controller = screen
    card = card_number_input(window, "cardField")
    window.layout().addWidget(card)
    for field in (window.amount, card):
        tap(qtbot, field)
        assert controller.keyboard is None


def test_onscreen_keyboard_modes_decide_who_gets_it(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """Never: no keyboard. Automatic: a finger on the touchscreen gets it, a mouse does not."""
    window, controller = screen
    controller.set_mode(KeyboardMode.NEVER)
    tap(qtbot, window.top)
    assert controller.keyboard is None

    controller.set_mode(KeyboardMode.AUTO)
    tap(qtbot, window.top)
    assert controller.keyboard is None
    finger: QPointingDevice = QTest.createTouchDevice()
    centre = window.top.rect().center()
    QTest.touchEvent(window.top, finger).press(0, centre, window.top)
    QTest.touchEvent(window.top, finger).release(0, centre, window.top)
    qtbot.waitUntil(lambda: controller.keyboard is not None)


@pytest.mark.parametrize("size", [(800, 600), (1024, 768)])
def test_onscreen_keyboard_fits_the_window_with_touch_sized_keys(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController], size: tuple[int, int]
) -> None:
    """At 800x600 and 1024x768 every key is inside the window, at least 48 px each way, and
    shows its whole label."""
    window, controller = screen
    window.resize(*size)
    tap(qtbot, window.top)
    keyboard = shown(controller)
    assert window.rect().contains(keyboard.geometry())
    for key in keyboard.findChildren(QPushButton):
        assert key.width() >= MIN_TOUCH_PX and key.height() >= MIN_TOUCH_PX, key.objectName()
        assert keyboard.rect().contains(key.geometry()), key.objectName()
        text_width = key.fontMetrics().horizontalAdvance(key.text())
        assert text_width <= key.contentsRect().width(), key.objectName()


def test_onscreen_keyboard_grows_a_small_dialog_and_gives_its_size_back(
    qtbot: QtBot, screen: tuple[Screen, KeyboardController]
) -> None:
    """A dialog too small for its field and the keys grows by their size around its contents,
    which keep their places and sizes, stays on its screen, and is its old size once the keys
    go."""
    window, controller = screen
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    ok = QPushButton("OK", dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(field)
    layout.addWidget(ok)
    dialog.open()
    qtbot.waitExposed(dialog)
    size = dialog.size()
    contents = (field.geometry(), ok.geometry())

    tap(qtbot, field)
    keyboard = shown(controller)
    assert keyboard.parentWidget() is dialog
    assert dialog.height() > size.height() and dialog.width() > size.width()
    assert dialog.rect().contains(keyboard.geometry())
    assert keyboard.width() >= keyboard.minimumSizeHint().width()
    offset = ok.pos() - field.pos()
    assert (field.size(), ok.size(), offset) == (
        contents[0].size(),
        contents[1].size(),
        contents[1].topLeft() - contents[0].topLeft(),
    )
    assert not keyboard.geometry().intersects(rect_in(ok, dialog))
    assert dialog.screen().availableGeometry().contains(dialog.frameGeometry())

    type_keys(qtbot, keyboard, "keyboardKeyK", "keyboardHide")
    assert dialog.size() == size
    assert (field.geometry(), ok.geometry()) == contents
    assert field.text() == "k"


def test_onscreen_keyboard_types_lines_into_a_multi_line_field(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """A tapped multi-line field gets the keys; its Done key reads New line and starts one,
    backspace deletes before the caret, and Hide puts the keys away."""
    window = QWidget()
    window.setStyleSheet(theme_stylesheet())
    lines = QPlainTextEdit(window)
    QVBoxLayout(window).addWidget(lines)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    controller = KeyboardController(window)
    controller.install(qapp)
    window.show()
    qtbot.waitExposed(window)
    try:
        tap(qtbot, lines.viewport())
        keyboard = shown(controller)
        assert button(keyboard, "keyboardDone").text() == "New line"
        type_keys(qtbot, keyboard, "keyboardKeyH", "keyboardKeyI", "keyboardDone")
        type_keys(qtbot, keyboard, "keyboardKeyX", "keyboardBackspace", "keyboardKeyB")
        assert lines.toPlainText() == "hi\nb"
        tap(qtbot, button(keyboard, "keyboardHide"))
        assert controller.keyboard is None
    finally:
        controller.uninstall()
