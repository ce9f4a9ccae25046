"""Steps the refund and cash-out screen tests share: a ticket paid by a gift card by taps, and
the Refund screen opened and driven as a cashier does."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.support import TAP, button, go_pay, receipt, ring_up, take_cash
from ui.main_window import MainWindow
from ui.refund_dialog import REFUND, RefundDialog
from ui.tender_view import GiftCardDialog

WAIT_MS = 10_000


def pay_by_card(qtbot: QtBot, window: MainWindow, number: str, *products: str) -> int:
    """Ring ``products`` up and pay them with the card ``number`` typed on the Gift Card
    keypad; the paid screen opens. The ticket's number."""
    ring_up(qtbot, window, *products)
    sale = window.tab_frame.checkout_view.sale
    assert sale is not None
    go_pay(qtbot, window)
    tender = window.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)
    qtbot.waitUntil(lambda: tender.gift_card_dialog is not None)
    dialog = tender.gift_card_dialog
    assert isinstance(dialog, GiftCardDialog)
    qtbot.waitExposed(dialog)
    for digit in number:
        qtbot.mouseClick(button(dialog, f"keypadKey{digit}"), TAP)
    qtbot.mouseClick(button(dialog, "keypadEnter"), TAP)
    receipt(qtbot, window)
    return int(sale.number or 0)


def pay_in_cash(qtbot: QtBot, window: MainWindow, *products: str) -> int:
    ring_up(qtbot, window, *products)
    sale = window.tab_frame.checkout_view.sale
    assert sale is not None
    go_pay(qtbot, window)
    take_cash(qtbot, window)
    receipt(qtbot, window)
    return int(sale.number or 0)


def new_sale(qtbot: QtBot, window: MainWindow) -> None:
    """The paid screen's New sale: back to an empty ticket."""
    qtbot.mouseClick(button(receipt(qtbot, window), "newSaleButton"), TAP)
    qtbot.waitUntil(lambda: window.receipt_dialog is None, timeout=WAIT_MS)


def refund_dialog(qtbot: QtBot) -> RefundDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RefundDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, RefundDialog)
    qtbot.waitExposed(dialog)
    return dialog


def open_sale(qtbot: QtBot, dialog: RefundDialog, number: int) -> None:
    """Tap the sale in the Refund screen's recent list."""
    name = f"refundSale{number}"
    qtbot.waitUntil(lambda: bool(dialog.sales_box.findChildren(type(dialog.find_button), name)))
    qtbot.mouseClick(button(dialog.sales_box, name), TAP)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == REFUND, timeout=WAIT_MS)
