"""The cash drawer's shift by taps, against the real embedded server, with a receipt printer on
loopback: cash waits for an open shift (the ticket stays), the float counted by note, a pay
out with its reason, two cash sales, the X report, the close counted as a total, the Z
printed (decoded back from the printer's bytes) and kept as a PDF (read back with
pdftotext), and the Z printed again from the past shifts."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from hardware.printer import ReceiptPrinter
from hardware.simulate.escpos_decode import decode
from pos_desktop.config import PrinterAddress
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.shifts import BAD_COUNT, NO_SHIFT_FOR_CASH
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import SHIFTS_FOLDER, utc_now
from pos_desktop.sync.client import ServerClient
from tests.fixtures.printer import PrinterServer
from tests.ui.layout_checks import layout_problems
from tests.ui.support import (
    TAP,
    MakeWindow,
    button,
    child,
    go_pay,
    receipt,
    ring_up,
    take_cash,
    type_into,
)
from ui.drawer_dialog import (
    CLOSE,
    DRAWER,
    DRAWER_BY_KEY,
    NOTHING_COUNTED,
    OPEN,
    REPORT,
    DrawerDialog,
)
from ui.main_window import MainWindow
from ui.widgets.keypad import Keypad

WAIT_MS = 10_000
SCREEN = QSize(1024, 768 - 32)  # a window manager's title bar over a dialog


@pytest.fixture
def printer() -> Iterator[PrinterServer]:
    server = PrinterServer()
    yield server
    server.close()


@pytest.fixture
def till(
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
    printer: PrinterServer,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    """A register with no shift open and a receipt printer on loopback; the cashier in."""
    services: list[PrintService] = []

    def printing(database: RegisterDatabase) -> PrintService:
        device = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=printer.port), timeout=2)
        service = PrintService(
            database, device, render_escpos, utc_now, render_slip=render_slip_escpos
        )
        service.start()
        services.append(service)
        return service

    window = make_window(
        register_client, printing=printing, shift_open=False, data_dir=tmp_path / "till"
    )
    window.resize(1024, 768)
    log_in(window)
    yield window
    for service in services:
        service.stop()


def open_drawer(qtbot: QtBot, till: MainWindow, page: int) -> DrawerDialog:
    qtbot.mouseClick(button(till.tab_frame, "drawerButton"), TAP)
    qtbot.waitUntil(lambda: till.drawer_dialog is not None, timeout=WAIT_MS)
    dialog = till.drawer_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == page and not dialog.busy.isVisible())
    return dialog


def tap(qtbot: QtBot, parent: QWidget, name: str) -> None:
    found = button(parent, name)
    qtbot.waitUntil(found.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(found, TAP)


def keys(qtbot: QtBot, parent: QWidget, keypad: str, digits: str) -> None:
    pad = child(parent, Keypad, keypad)
    for digit in digits:
        qtbot.mouseClick(button(pad, f"keypadKey{digit}"), TAP)


def fits(qtbot: QtBot, dialog: DrawerDialog, step: str, problems: list[str]) -> None:
    """The page shown fits a 1024 x 768 screen under a title bar: nothing clipped, every
    control a touch target."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(5)
    problems += [f"{step}: {found}" for found in layout_problems(dialog, SCREEN)]


def printed_job(qtbot: QtBot, printer: PrinterServer, marker: bytes, nth: int = 1) -> str:
    """The text of the ``nth`` job the printer received holding ``marker``."""

    def jobs() -> list[bytes]:
        return [data for data in list(printer.received) if marker in data]

    qtbot.waitUntil(lambda: len(jobs()) >= nth, timeout=WAIT_MS)
    (job,) = decode(jobs()[nth - 1])
    return "\n".join(job.text_lines())


def test_drawer_shift_open_sell_x_close_z_printed_and_saved(
    qtbot: QtBot, till: MainWindow, printer: PrinterServer, tmp_path: Path
) -> None:
    problems: list[str] = []
    # Cash with no shift: refused with its reason; the ticket stays.
    ring_up(qtbot, till, "Cappuccino")
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.waitUntil(lambda: tender.banner.isVisible(), timeout=WAIT_MS)
    assert tender.banner.text() == NO_SHIFT_FOR_CASH
    assert till.sale.sale is not None and len(till.sale.sale.lines) == 1
    tap(qtbot, tender, "backToTicket")
    qtbot.waitUntil(till.tab_frame.checkout_view.isVisible)

    # Open the shift: 5 x $20 and 20 x $1 make a $120.00 float; a letter is refused as typed.
    dialog = open_drawer(qtbot, till, OPEN)
    fits(qtbot, dialog, "open shift", problems)
    ones = child(dialog, QLineEdit, "floatCount100")
    qtbot.mouseClick(ones, TAP)
    qtbot.waitUntil(ones.hasFocus)
    message = child(dialog, QLabel, "floatCountMessage")
    qtbot.keyClicks(ones, "2x")  # a hardware keyboard; its keys arrive after the scan check
    qtbot.waitUntil(lambda: message.text() == BAD_COUNT, timeout=WAIT_MS)
    assert ones.text() == "2"
    qtbot.keyClicks(ones, "-0")
    qtbot.waitUntil(lambda: ones.text() == "20", timeout=WAIT_MS)
    qtbot.mouseClick(child(dialog, QLineEdit, "floatCount2000"), TAP)
    keys(qtbot, dialog, "floatCountKeypad", "5")
    assert child(dialog, QLabel, "floatCountCounted").text() == "Counted $120.00"
    tap(qtbot, dialog, "openShift")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == DRAWER, timeout=WAIT_MS)

    # Pay out $4.50 for milk, its reason typed on the on-screen keyboard.
    fits(qtbot, dialog, "drawer", problems)
    tap(qtbot, dialog, "payOutButton")
    fits(qtbot, dialog, "pay out", problems)
    type_into(qtbot, till, child(dialog, QLineEdit, "moveReason"), "milk")
    keys(qtbot, dialog, "moveKeypad", "450")
    tap(qtbot, dialog, "moveConfirm")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == DRAWER, timeout=WAIT_MS)
    assert dialog.banner.text() == "Pay out: Counted in the drawer."
    tap(qtbot, dialog, "drawerDone")
    qtbot.waitUntil(lambda: till.drawer_dialog is None, timeout=WAIT_MS)

    # The waiting cappuccino ($4.50 + 37 cents tax) in cash, then a croissant ($3.75) paid
    # with a $5.00 note.
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    qtbot.mouseClick(button(receipt(qtbot, till), "newSaleButton"), TAP)
    ring_up(qtbot, till, "Croissant")
    go_pay(qtbot, till)
    tap(qtbot, tender, "quick500")
    qtbot.mouseClick(button(receipt(qtbot, till), "newSaleButton"), TAP)

    # X: 120.00 + 4.87 + 3.75 - 4.50 = $124.12 expected; nothing closed.
    dialog = open_drawer(qtbot, till, DRAWER)
    assert child(dialog, QLabel, "expectedCash").text() == "$124.12"
    tap(qtbot, dialog, "xReportButton")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == REPORT, timeout=WAIT_MS)
    fits(qtbot, dialog, "X report", problems)
    shown = dialog.report_text.toPlainText()
    assert "X report" in shown and "$124.12" in shown
    tap(qtbot, dialog, "reportBack")

    # Close with nothing counted: refused, the shift stays open (a Z is for good).
    tap(qtbot, dialog, "closeShiftButton")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == CLOSE, timeout=WAIT_MS)
    tap(qtbot, dialog, "closeShiftConfirm")
    assert dialog.banner.text() == NOTHING_COUNTED
    assert dialog.pages.currentIndex() == CLOSE
    # Counted as a total, $124.02: ten cents short; the Z prints and is kept as PDF.
    tap(qtbot, dialog, "closeCountMode")
    keys(qtbot, dialog, "closeCountKeypad", "12402")
    qtbot.waitUntil(lambda: dialog.difference_label.text() == "Short $0.10")
    fits(qtbot, dialog, "close", problems)
    tap(qtbot, dialog, "closeShiftConfirm")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == REPORT, timeout=WAIT_MS)
    assert dialog.title.text() == "Z report #1"

    paper = printed_job(qtbot, printer, b"Z report #1")
    assert "EXPECTED" in paper and "$124.12" in paper and "$124.02" in paper
    assert "SHORT" in paper and "$0.10" in paper
    assert "Cash (2)" in paper and "$8.62" in paper
    assert "Pay outs (1)" in paper and "milk" in paper
    pdfs = list((tmp_path / "till" / SHIFTS_FOLDER).glob("z-000001-*.pdf"))
    assert len(pdfs) == 1
    text = subprocess.run(  # noqa: S603 (poppler's pdftotext on our own file)
        ["pdftotext", "-layout", str(pdfs[0]), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Z report #1" in text and "$124.02" in text
    tap(qtbot, dialog, "reportBack")
    qtbot.waitUntil(lambda: till.drawer_dialog is None, timeout=WAIT_MS)

    # Later: no shift open; the past shifts print the Z again, marked COPY.
    dialog = open_drawer(qtbot, till, OPEN)
    tap(qtbot, dialog, "pastShiftsFromOpen")
    qtbot.waitUntil(
        lambda: dialog.past_box.findChild(QPushButton, "reprintZ") is not None, timeout=WAIT_MS
    )
    fits(qtbot, dialog, "past shifts", problems)
    tap(qtbot, dialog.past_box, "reprintZ")
    copy = printed_job(qtbot, printer, b"COPY")
    assert "Z report #1" in copy
    assert not problems, "\n".join(problems)


def test_drawer_no_sale_without_a_printer_says_to_use_the_key(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """No receipt printer is set, so nothing can kick the drawer open: the no sale is counted
    and the cashier is told to open the drawer with the key, not that it is opening."""
    till = make_window(register_client)
    till.resize(1024, 768)
    log_in(till)
    dialog = open_drawer(qtbot, till, DRAWER)
    tap(qtbot, dialog, "noSaleButton")
    type_into(qtbot, till, child(dialog, QLineEdit, "moveReason"), "change")
    tap(qtbot, dialog, "moveConfirm")
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == DRAWER, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.banner.text() != "", timeout=WAIT_MS)
    assert dialog.banner.text() == f"No sale: {DRAWER_BY_KEY}"
    problems: list[str] = []
    fits(qtbot, dialog, "no sale without a printer", problems)
    assert problems == []
    assert dialog.state is not None and dialog.state.report is not None
    assert dialog.state.report.no_sales == 1
