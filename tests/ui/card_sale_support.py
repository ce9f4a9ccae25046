"""Steps at the checkout's Gift card screen, shared by the tests that sell cards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.support import button
from ui.card_sale_dialog import CardSaleDialog
from ui.main_window import MainWindow

TAP = Qt.MouseButton.LeftButton
WAIT_MS = 10_000


def open_card_sale(qtbot: QtBot, window: MainWindow) -> CardSaleDialog:
    checkout = window.tab_frame.checkout_view
    qtbot.mouseClick(button(checkout, "sellGiftCardButton"), TAP)
    qtbot.waitUntil(
        lambda: checkout.card_sale_dialog is not None and checkout.card_sale_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = checkout.card_sale_dialog
    assert dialog is not None
    return dialog


def key_in(qtbot: QtBot, dialog: CardSaleDialog, field: QWidget, digits: str) -> None:
    """Tap the field, then its digits on the screen's keypad."""
    qtbot.mouseClick(field, TAP)
    for digit in digits:
        qtbot.mouseClick(button(dialog.keypad, f"keypadKey{digit}"), TAP)


def sell(qtbot: QtBot, dialog: CardSaleDialog, name: str) -> None:
    qtbot.mouseClick(button(dialog, name), TAP)
