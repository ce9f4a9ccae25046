"""Helpers the UI tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.receipt_dialog import ReceiptDialog
from ui.tender_view import TenderView
from ui.widgets.onscreen_keyboard import OnscreenKeyboard

MakeWindow = Callable[..., MainWindow]
W = TypeVar("W", bound=QWidget)
TAP = Qt.MouseButton.LeftButton


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r}"
    return found


def named_button(parent: QWidget, object_name: str, accessible_name: str) -> QPushButton:
    """One of several buttons sharing an objectName (product buttons, line buttons), by the
    name a screen reader announces."""
    for found in parent.findChildren(QPushButton, object_name):
        if found.accessibleName() == accessible_name and found.isVisible():
            return found
    raise AssertionError(f"no visible {object_name!r} button named {accessible_name!r}")


def child(parent: QWidget, kind: type[W], name: str) -> W:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} {name!r}"
    return found


def tap_named(qtbot: QtBot, parent: QWidget, object_name: str, accessible_name: str) -> None:
    """Tap a shared-name button once it is shown: a row added to a visible screen is shown by
    Qt on the next pass of the event loop, not at once."""

    def shown() -> bool:
        try:
            named_button(parent, object_name, accessible_name)
        except AssertionError:
            return False
        return True

    qtbot.waitUntil(shown)
    target = named_button(parent, object_name, accessible_name)
    scrolled_into_view(target)
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def scrolled_into_view(widget: QWidget) -> None:
    """Scroll the lists holding ``widget`` until it shows, as a cashier scrolls to a product
    before tapping it (a list that scrolls by finger takes no tap outside its view)."""
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QScrollArea):
            ancestor.ensureWidgetVisible(widget, 0, 0)
        ancestor = ancestor.parentWidget()


def tap_pin(qtbot: QtBot, window: MainWindow, pin: str, *, submit: bool = True) -> None:
    pad = window.login_view.pin_pad
    for digit in pin:
        qtbot.mouseClick(button(pad, f"keypadKey{digit}"), TAP)
    if submit:
        qtbot.mouseClick(button(pad, "keypadEnter"), TAP)


def go_pay(qtbot: QtBot, window: MainWindow) -> None:
    """Tap Pay once the ticket is on screen (after a log-in it loads in the background)."""
    pay = button(window.tab_frame.checkout_view, "payButton")
    qtbot.waitUntil(pay.isEnabled)
    qtbot.mouseClick(pay, TAP)
    qtbot.waitUntil(lambda: window.tab_frame.tender_view.isVisible())


def due_text(window: MainWindow) -> str:
    return child(window.tab_frame.tender_view, QLabel, "amountDue").text()


def take_cash(qtbot: QtBot, window: MainWindow) -> None:
    """Tap Cash once the screen takes tenders again (it waits while a request runs)."""
    cash = button(window.tab_frame.tender_view, "tenderCash")
    qtbot.waitUntil(cash.isEnabled)
    qtbot.mouseClick(cash, TAP)


def receipt(qtbot: QtBot, window: MainWindow) -> ReceiptDialog:
    qtbot.waitUntil(lambda: window.receipt_dialog is not None)
    assert window.receipt_dialog is not None
    return window.receipt_dialog


def barcode(name: str) -> str:
    """A demo product's barcode (``pos_desktop.server.demo``)."""
    from pos_desktop.server.demo import DEMO_PRODUCTS

    return next(code for n, _, _, _, code in DEMO_PRODUCTS if n == name)


def scan(window: MainWindow, code: str) -> None:
    """A scan, as the window's keyboard-wedge detector reports one once it saw the burst."""
    window.scanner.scanned.emit(code)


def pay_for(qtbot: QtBot, window: MainWindow, product: str, due: str) -> TenderView:
    """One ``product`` rung up by a tap and the Pay screen open, its amount prefilled with
    ``due`` (the ticket's total as the field shows it)."""
    view = window.tab_frame.checkout_view
    tap_named(qtbot, view, "productButton", f"Add {product}")
    qtbot.waitUntil(lambda: view.sale is not None and len(view.sale.lines) == 1)
    go_pay(qtbot, window)
    tender = window.tab_frame.tender_view
    qtbot.waitUntil(lambda: tender.amount_input.text() == due)
    return tender


def ring_up(qtbot: QtBot, window: MainWindow, *names: str) -> None:
    """Tap each product's button and wait for its line."""
    view = window.tab_frame.checkout_view
    for name in names:
        count = sum(line.quantity for line in view.sale.lines) if view.sale else 0
        tap_named(qtbot, view, "productButton", f"Add {name}")
        qtbot.waitUntil(
            lambda c=count: (
                view.sale is not None and sum(line.quantity for line in view.sale.lines) == c + 1
            )
        )


# The on-screen keyboard's keys for characters that are not letters or digits.
SYMBOL_KEYS = {
    "@": "keyboardAt",
    "_": "keyboardUnderscore",
    ".": "keyboardDot",
    ":": "keyboardColon",
    "/": "keyboardSlash",
    " ": "keyboardSpace",
    "-": "keyboardDash",
}


def type_into(qtbot: QtBot, window: MainWindow, field: QLineEdit, text: str) -> None:
    """Tap the field, then each character's key on the on-screen keyboard it brings up."""
    qtbot.mouseClick(field, TAP)
    keyboard = window.keyboard.keyboard
    assert isinstance(keyboard, OnscreenKeyboard) and keyboard.isVisible()
    for char in text:
        name = SYMBOL_KEYS.get(char, f"keyboardKey{char.upper()}")
        qtbot.mouseClick(button(keyboard, name), TAP)
    assert field.text().endswith(text)


def clear_field(qtbot: QtBot, window: MainWindow, field: QLineEdit) -> None:
    qtbot.mouseClick(field, TAP)
    field.end(False)  # the caret where a finger would put it: after the text
    keyboard = window.keyboard.keyboard
    assert keyboard is not None
    for _ in field.text():
        qtbot.mouseClick(button(keyboard, "keyboardBackspace"), TAP)
    assert field.text() == ""
