"""The paid ticket (issue 12, point 1): the change to hand back, large, with what each tender
paid, until the next sale starts; the receipt preview shows no file path."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.ui.support import barcode, button, go_pay, receipt, scan
from tests.ui.test_gift_card_tender import ring_up
from ui.main_window import MainWindow
from ui.receipt_dialog import ReceiptDialog

TAP = Qt.MouseButton.LeftButton


def pay_cappuccino_with_five(qtbot: QtBot, window: MainWindow) -> ReceiptDialog:
    """A cappuccino ($4.87) paid with the $5 quick-cash button."""
    ring_up(qtbot, window, "Cappuccino")
    go_pay(qtbot, window)
    qtbot.mouseClick(button(window.tab_frame.tender_view, "quick500"), TAP)
    shown = receipt(qtbot, window)
    qtbot.waitExposed(shown)
    return shown


def test_change_panel_shows_the_change_out_of_the_cash(qtbot: QtBot, till: MainWindow) -> None:
    """Cash over the total: "Change $0.13 out of $5.00", large, with the cash line."""
    panel = pay_cappuccino_with_five(qtbot, till).change_panel
    assert panel.isVisible()
    assert panel.headline.text() == "Change $0.13 out of $5.00"
    assert panel.headline.font().pixelSize() >= 36
    assert panel.tender_lines() == [("Cash", "$5.00")]


def test_change_panel_stays_after_a_redraw(qtbot: QtBot, till: MainWindow) -> None:
    """The screens behind redraw (the catalog reloads, the empty ticket is drawn again): the
    change stays up."""
    shown = pay_cappuccino_with_five(qtbot, till)
    with qtbot.waitSignal(till.sale.catalog_loaded):
        till.sale.reload_catalog()
    till.tab_frame.checkout_view.show_sale(None)
    qtbot.wait(100)
    assert till.receipt_dialog is shown
    assert shown.isVisible()
    assert shown.change_panel.headline.text() == "Change $0.13 out of $5.00"


def test_change_panel_goes_with_the_next_scan(qtbot: QtBot, till: MainWindow) -> None:
    """The first scan of the next sale puts the paid ticket away and starts the new one."""
    shown = pay_cappuccino_with_five(qtbot, till)
    scan(till, barcode("Croissant"))
    qtbot.waitUntil(lambda: till.receipt_dialog is None)
    assert not shown.isVisible()
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(lambda: view.sale is not None and bool(view.sale.lines))
    assert view.sale is not None and [line.name for line in view.sale.lines] == ["Croissant"]


def test_change_panel_goes_with_new_sale(qtbot: QtBot, till: MainWindow) -> None:
    """ "New sale" puts the paid ticket away."""
    shown = pay_cappuccino_with_five(qtbot, till)
    qtbot.mouseClick(button(shown, "newSaleButton"), TAP)
    qtbot.waitUntil(lambda: till.receipt_dialog is None)
    assert till.tab_frame.checkout_view.isVisible()


def test_change_panel_says_no_change_on_exact_cash(qtbot: QtBot, till: MainWindow) -> None:
    """Cash of exactly the total ($3.75 croissant, the amount Pay starts at): "No change"."""
    ring_up(qtbot, till, "Croissant")
    go_pay(qtbot, till)
    qtbot.mouseClick(button(till.tab_frame.tender_view, "tenderCash"), TAP)
    panel = receipt(qtbot, till).change_panel
    assert panel.headline.text() == "No change"
    assert panel.tender_lines() == [("Cash", "$3.75")]


def test_receipt_preview_shows_no_file_path(qtbot: QtBot, till: MainWindow) -> None:
    """The PDF is saved, but no text on the paid screen names a file or folder."""
    shown = pay_cappuccino_with_five(qtbot, till)
    assert shown.pdf is not None and shown.pdf.exists()
    texts = [label.text() for label in shown.findChildren(QLabel) if label.isVisible()]
    assert texts
    for text in texts:
        assert str(shown.pdf.parent) not in text
        assert shown.pdf.name not in text
        assert ".pdf" not in text
