"""The checkout screen: scans, product buttons, quantities, totals, void, cash, cashiers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import DEMO_PRODUCTS
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import MakeWindow, button, child, tap_named
from tests.ui.test_gift_card_tender import go_pay, receipt, ring_up
from ui.main_window import DEFAULT_IDLE_LOCK_SECONDS, MainWindow

TAP = Qt.MouseButton.LeftButton


def barcode(name: str) -> str:
    return next(code for n, _, _, _, code in DEMO_PRODUCTS if n == name)


def total_text(window: MainWindow) -> str:
    return child(window.tab_frame.checkout_view, QLabel, "ticketTotal").text()


def test_checkout_scan_burst_adds_the_item_not_text(qtbot: QtBot, till: MainWindow) -> None:
    """A scanner's burst ending in Enter adds the item, even with the search box focused, and
    types nothing into it."""
    search = child(till.tab_frame.checkout_view, QLineEdit, "productSearch")
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, barcode("Cappuccino"))
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: total_text(till) == "$4.87")
    assert search.text() == ""


def test_checkout_unknown_scan_says_so(qtbot: QtBot, till: MainWindow) -> None:
    """A barcode the catalog lacks shows a message naming it; the ticket stays empty."""
    search = child(till.tab_frame.checkout_view, QLineEdit, "productSearch")
    search.setFocus()
    qtbot.keyClicks(search, "7777777777")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    banner = till.tab_frame.checkout_view.banner
    qtbot.waitUntil(banner.isVisible)
    assert "7777777777" in banner.text()


def test_checkout_lines_change_with_plus_minus_and_remove(qtbot: QtBot, till: MainWindow) -> None:
    """+ and - change the quantity and the total; - at one removes; remove drops the line."""
    ring_up(qtbot, till, "Croissant")
    view = till.tab_frame.checkout_view
    tap_named(qtbot, view, "linePlus", "One more Croissant")
    qtbot.waitUntil(lambda: total_text(till) == "$7.50")
    tap_named(qtbot, view, "lineMinus", "One fewer Croissant")
    qtbot.waitUntil(lambda: total_text(till) == "$3.75")
    tap_named(qtbot, view, "lineRemove", "Remove Croissant")
    qtbot.waitUntil(lambda: view.sale is not None and not view.sale.lines)


def scan(qtbot: QtBot, window: MainWindow, code: str) -> None:
    search = child(window.tab_frame.checkout_view, QLineEdit, "productSearch")
    qtbot.keyClicks(search, code)
    qtbot.keyClick(search, Qt.Key.Key_Return)


def row_in_view(window: MainWindow, name: str, quantity: int) -> bool:
    """The ticket row of ``name`` shows ``quantity`` and lies wholly inside the ticket list."""
    view = window.tab_frame.checkout_view
    viewport = view.lines_scroll.viewport()
    for row in view.line_rows:
        if row.name.text().split("\n")[0] == name and row.quantity.text() == str(quantity):
            top = row.mapTo(viewport, QPoint(0, 0)).y()
            return top >= 0 and top + row.height() <= viewport.height()
    return False


def test_checkout_scan_brings_its_line_into_view(qtbot: QtBot, till: MainWindow) -> None:
    """With more lines than the ticket list shows, the line a scan added or counted is
    scrolled into view: the cashier always sees what the scan did."""
    # Four rows' room, whatever the screen: eight demo items then overflow the list.
    till.tab_frame.checkout_view.lines_scroll.setFixedHeight(250)
    for name, *_ in DEMO_PRODUCTS:
        scan(qtbot, till, barcode(name))
        qtbot.waitUntil(lambda n=name: row_in_view(till, n, 1))
    first = DEMO_PRODUCTS[0][0]
    assert not row_in_view(till, first, 1)  # the ticket is longer than the list
    scan(qtbot, till, barcode(first))
    qtbot.waitUntil(lambda: row_in_view(till, first, 2))


def test_checkout_search_finds_products(qtbot: QtBot, till: MainWindow) -> None:
    """Typing in the search box shows the matching products only."""
    view = till.tab_frame.checkout_view
    search = child(view, QLineEdit, "productSearch")
    search.setFocus()
    for letter in "muf":  # one at a time, as a person types
        qtbot.keyClick(search, letter)
        qtbot.wait(60)
    qtbot.waitUntil(
        lambda: (
            [
                b.accessibleName()
                for b in view.findChildren(QPushButton, "productButton")
                if b.isVisible()
            ]
            == ["Add Blueberry muffin"]
        )
    )


def test_checkout_void_asks_first_and_then_clears(qtbot: QtBot, till: MainWindow) -> None:
    """Void ticket asks for confirmation; keeping it changes nothing; confirming empties it."""
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view
    qtbot.mouseClick(button(view, "voidTicketButton"), TAP)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "confirmDialog"
    qtbot.mouseClick(button(dialog, "confirmNo"), TAP)
    assert view.sale is not None and view.sale.lines
    qtbot.mouseClick(button(view, "voidTicketButton"), TAP)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    qtbot.mouseClick(button(dialog, "confirmYes"), TAP)
    qtbot.waitUntil(lambda: view.sale is None)
    assert total_text(till) == "—"


def test_checkout_cash_with_change_completes_and_shows_the_receipt(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Cash over the due completes the ticket; the receipt shows the change."""
    ring_up(qtbot, till, "Cappuccino")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "quick2000"), TAP)
    shown = receipt(qtbot, till)
    receipt_text = child(shown, QLabel, "receiptText")
    assert "$15.13" in receipt_text.text()
    # Printer columns line up only in a fixed-width face.
    assert QFontInfo(receipt_text.font()).fixedPitch()
    assert shown.pdf is not None and shown.pdf.exists()


def test_checkout_card_tender_records_the_terminal_reference(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Card asks for the terminal's approval reference and completes the ticket."""
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderCard"), TAP)
    qtbot.waitUntil(lambda: tender.card_dialog is not None)
    dialog = tender.card_dialog
    assert dialog is not None
    qtbot.keyClicks(child(dialog, QLineEdit, "cardReferenceInput"), "AUTH42")
    qtbot.mouseClick(button(dialog, "cardTenderOk"), TAP)
    shown = receipt(qtbot, till)
    assert "AUTH42" in child(shown, QLabel, "receiptText").text()


def test_checkout_switching_cashier_keeps_the_ticket_with_its_owner(
    qtbot: QtBot, till: MainWindow, log_in: Callable[..., None]
) -> None:
    """Lock, another employee sells on a ticket of their own, and the first gets theirs back."""
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view
    assert view.sale is not None
    mine = view.sale.id
    qtbot.mouseClick(button(till.tab_frame, "lockButton"), TAP)
    qtbot.waitUntil(lambda: not till.logged_in)
    log_in(till, "9999")
    qtbot.waitUntil(lambda: total_text(till) == "—")
    qtbot.mouseClick(button(till.tab_frame, "lockButton"), TAP)
    qtbot.waitUntil(lambda: not till.logged_in)
    log_in(till, "1111")
    qtbot.waitUntil(lambda: view.sale is not None and view.sale.id == mine)
    assert total_text(till) == "$12.99"


def test_checkout_idle_lock_follows_the_store_setting(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    log_in: Callable[..., None],
) -> None:
    """A store that locks after 2 minutes: a window given no idle time takes the store's, a
    window given one keeps its own."""
    server = start_server(tmp_path / "store.sqlite3")
    try:
        with make_session_factory(server.engine)() as server_db:
            store = server_db.execute(select(Store)).scalars().first()
            assert store is not None
            store.idle_lock_seconds = 120
            store.sync_version = next_sync_version(server_db)
            server_db.commit()
        enrolled = server.enroll_local_register("Idle register")
        with ServerClient(server.base_url, enrolled.token) as client:
            following = make_window(client)
            assert following.idle_lock.seconds == DEFAULT_IDLE_LOCK_SECONDS
            log_in(following)
            qtbot.waitUntil(lambda: following.idle_lock.seconds == 120)
            fixed = make_window(client, idle_lock_seconds=42)
            log_in(fixed)
            products = fixed.tab_frame.checkout_view
            qtbot.waitUntil(lambda: bool(products.findChildren(QPushButton, "productButton")))
            assert fixed.idle_lock.seconds == 42
            following.close()
            fixed.close()
    finally:
        server.stop()
