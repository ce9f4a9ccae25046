"""The receipt printer from the cashier's side: a sale completes while it is offline, the
status bar and the paid screen say the receipt waits and the drawer did not open, it prints
once it is back, and Reprint prints again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from hardware.printer import ReceiptPrinter
from pos_desktop.config import PrinterAddress
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import utc_now
from pos_desktop.sync.client import ServerClient
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.ui.support import TAP, MakeWindow, button, child, go_pay, receipt, take_cash
from tests.ui.test_gift_card_tender import ring_up
from ui.main_window import MainWindow
from ui.presenters.printing import DRAWER_NOT_OPENED, RECEIPT_WAITING, PrintingPresenter
from ui.receipt_dialog import ReceiptDialog

WAIT_MS = 10_000


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def till(
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
    port: int,
) -> Iterator[MainWindow]:
    """A register whose receipt printer is a TCP printer on loopback, switched off."""
    services: list[PrintService] = []

    def printing(database: RegisterDatabase) -> PrintService:
        printer = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=1)
        service = PrintService(database, printer, render_escpos, utc_now, retry_seconds=0.2)
        service.start()
        services.append(service)
        return service

    window = make_window(register_client, printing=printing)
    log_in(window)
    yield window
    for service in services:
        service.stop()


def test_receipt_printer_offline_then_back_prints_once_and_reprints(
    qtbot: QtBot, till: MainWindow, port: int
) -> None:
    """Offline: the sale completes and the status bar says a receipt waits; back: it prints
    once and the message goes; Reprint prints the last receipt again."""
    ring_up(qtbot, till, "Cappuccino")
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    shown = receipt(qtbot, till)
    assert button(shown, "printAgainButton").isVisible()
    qtbot.mouseClick(button(shown, "newSaleButton"), TAP)

    status = child(till, QLabel, "printerStatus")
    qtbot.waitUntil(status.isVisible, timeout=WAIT_MS)
    assert status.text() == "Printer offline: 1 receipt waiting; it prints when it is back"

    printer = PrinterServer(port)
    try:
        qtbot.waitUntil(lambda: not status.isVisible(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(printer.received) == 1, timeout=WAIT_MS)
        assert b"Cappuccino" in printer.received[0]

        reprint = button(till.tab_frame, "reprintButton")
        assert reprint.isVisible()
        qtbot.mouseClick(reprint, TAP)
        qtbot.waitUntil(lambda: len(printer.received) == 2, timeout=WAIT_MS)
        assert b"Cappuccino" in printer.received[1]
    finally:
        printer.close()


def paid_in_cash(qtbot: QtBot, till: MainWindow) -> ReceiptDialog:
    ring_up(qtbot, till, "Cappuccino")
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    shown = receipt(qtbot, till)
    qtbot.waitExposed(shown)
    return shown


def test_receipt_printer_paid_screen_says_the_receipt_waits_until_printed(
    qtbot: QtBot, till: MainWindow, port: int
) -> None:
    """Printer offline: the paid screen says the receipt waits for it; printed: that goes."""
    note = paid_in_cash(qtbot, till).printer_note
    qtbot.waitUntil(lambda: RECEIPT_WAITING in note.text(), timeout=WAIT_MS)
    assert note.isVisible()

    printer = PrinterServer(port)
    try:
        printer.wait_for(1)
        qtbot.waitUntil(lambda: RECEIPT_WAITING not in note.text(), timeout=WAIT_MS)
    finally:
        printer.close()


def test_receipt_printer_paid_screen_says_the_drawer_did_not_open(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Printer offline at a cash sale: the paid screen says to open the drawer with the key."""
    note = paid_in_cash(qtbot, till).printer_note
    qtbot.waitUntil(lambda: DRAWER_NOT_OPENED in note.text(), timeout=WAIT_MS)
    assert note.isVisible()
    assert note.kind() == "error"


def test_receipt_printer_status_is_read_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, port: int
) -> None:
    """The window follows a printer (at start, and when Settings set one): counting the
    receipts waiting, a query of the register's database, runs on a worker, never on the GUI
    thread; the status arrives by signal."""
    database = RegisterDatabase.in_folder(tmp_path / "register")
    printer = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=1)
    service = PrintService(database, printer, render_escpos, utc_now)
    queried_on: list[int] = []
    event.listen(
        database.engine,
        "before_cursor_execute",
        lambda *_: queried_on.append(threading.get_ident()),
    )
    pool = QThreadPool()
    try:
        presenter = PrintingPresenter(service, pool=pool)
        assert threading.get_ident() not in queried_on
        qtbot.waitUntil(lambda: presenter.status is not None, timeout=WAIT_MS)
        assert presenter.status is not None and presenter.status.waiting == 0
        assert queried_on and threading.get_ident() not in queried_on
        presenter.stop_listening()
    finally:
        pool.waitForDone(WAIT_MS)
        database.close()
