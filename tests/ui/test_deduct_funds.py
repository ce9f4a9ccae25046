"""Deduct Funds (seed 000) end to end: the register's screen against a real embedded server
whose clock the test holds, reading each code from the e-mail the server sent the buyer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from hardware.printer import ReceiptPrinter
from pos_desktop.config import PrinterAddress
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from pos_desktop.server.demo import DEMO_CARDS
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.printing import PrintService
from pos_desktop.sync.client import ServerClient
from tests.fixtures.clock import FakeClock
from tests.fixtures.deduction_mail import read_code
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.fixtures.register import start_server
from tests.ui.gift_cards_support import (
    TAP,
    WAIT_MS,
    history_rows,
    open_card,
    tap_keys,
)
from tests.ui.support import MakeWindow, button
from ui.gift_cards_view import AMOUNT_COLUMN, EMPLOYEE_COLUMN, KIND_COLUMN, GiftCardsView
from ui.main_window import MainWindow
from ui.tab_frame import GIFT_CARDS_TAB

ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")


@pytest.fixture
def clock() -> FakeClock:
    """One clock for the server and the register, so expiry needs no waiting."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock) -> Iterator[EmbeddedServer]:
    """A store of its own: these tests move money and send codes."""
    started = start_server(tmp_path / "server.sqlite3", clock=clock, data_dir=tmp_path / "mail")
    yield started
    started.stop()


@pytest.fixture
def view(
    server: EmbeddedServer,
    clock: FakeClock,
    make_window: MakeWindow,
    log_in: Callable[..., None],
    tmp_path: Path,
) -> Iterator[GiftCardsView]:
    enrolled = server.enroll_local_register("Deduct register")
    with ServerClient(server.base_url, enrolled.token) as client:
        window: MainWindow = make_window(client, clock=clock.now, data_dir=tmp_path / "register")
        log_in(window)
        window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
        yield window.tab_frame.gift_cards_view
        window.close()


def _code(server: EmbeddedServer, tmp_path: Path, view: GiftCardsView, skip: int = 0) -> str:
    card = view.deduct_panel.card
    assert card is not None
    return read_code(server.engine, tmp_path / "mail", card.id, skip=skip)


def _ask_for_code(qtbot: QtBot, view: GiftCardsView, amount_digits: str) -> None:
    """Steps 1-2: find the card, tap the amount, tap Deduct Funds; wait for the code screen."""
    open_card(qtbot, view, ACTIVE.number[-4:])
    panel = view.deduct_panel
    tap_keys(qtbot, panel.amount_keypad, amount_digits)
    qtbot.mouseClick(button(panel, "deductFundsButton"), TAP)
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.code_page, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.verify_button.isVisible(), timeout=WAIT_MS)


def _type_code(qtbot: QtBot, view: GiftCardsView, code: str) -> None:
    panel = view.deduct_panel
    tap_keys(qtbot, panel.code_keypad, code)
    qtbot.mouseClick(button(panel, "verifyCodeButton"), TAP)


def _wrong(code: str) -> str:
    return str((int(code) + 1) % 1_000_000).zfill(6)


def test_deduct_funds_right_code_deducts_and_history_shows_it(
    qtbot: QtBot, view: GiftCardsView, server: EmbeddedServer, tmp_path: Path
) -> None:
    """Request, read the e-mailed code, tap it in: the balance drops at once and the history
    has the deduction with its employee."""
    _ask_for_code(qtbot, view, "1000")
    panel = view.deduct_panel
    assert "@example.com" in panel.sent_to_label.text()
    assert panel.attempts_label.text() == "3 attempts left"
    assert panel.countdown_label.text() in {"Code valid for 10:00", "Code valid for 09:59"}
    assert not button(panel, "resendCodeButton").isEnabled()
    _type_code(qtbot, view, _code(server, tmp_path, view))
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.done_page, timeout=WAIT_MS)
    assert view.card_balance.text() == "$40.00"
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 3, timeout=WAIT_MS)
    newest = history_rows(view)[0]
    assert newest[KIND_COLUMN] == "Deducted by code"
    assert newest[EMPLOYEE_COLUMN] == "Casey Cashier"
    assert newest[AMOUNT_COLUMN] == "\u2212$10.00"
    assert view.card_status.text() == "Used"


def test_deduct_funds_wrong_code_shows_attempts_and_third_cancels(
    qtbot: QtBot, view: GiftCardsView, server: EmbeddedServer, tmp_path: Path
) -> None:
    """Each wrong code says how many attempts are left; the third cancels, nothing deducted."""
    _ask_for_code(qtbot, view, "500")
    panel = view.deduct_panel
    wrong = _wrong(_code(server, tmp_path, view))
    for left in (2, 1):
        _type_code(qtbot, view, wrong)
        qtbot.waitUntil(
            lambda left=left: (
                panel.attempts_label.text()
                == f"{left} attempt" + ("s" if left != 1 else "") + " left"
            ),
            timeout=WAIT_MS,
        )
        assert panel.banner.text().startswith("Wrong code.")
    _type_code(qtbot, view, wrong)
    start_over = panel.findChild(QPushButton, "startOverButton")
    assert start_over is not None
    qtbot.waitUntil(start_over.isVisible, timeout=WAIT_MS)
    assert "wrong 3 times" in panel.banner.text()
    assert "Nothing was deducted" in panel.banner.text()
    assert not panel.verify_button.isVisible()
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 2, timeout=WAIT_MS)
    assert view.card_balance.text() == "$50.00"


def test_deduct_funds_code_expires_and_the_transaction_is_cancelled(
    qtbot: QtBot, view: GiftCardsView, clock: FakeClock
) -> None:
    """At the end of the code's validity the countdown says so and the transaction ends."""
    _ask_for_code(qtbot, view, "500")
    panel = view.deduct_panel
    clock.advance(minutes=9, seconds=30)
    qtbot.waitUntil(lambda: panel.countdown_label.text() == "Code valid for 00:30")
    clock.advance(seconds=31)
    qtbot.waitUntil(lambda: "expired" in panel.banner.text(), timeout=WAIT_MS)
    assert "Nothing was deducted" in panel.banner.text()
    assert button(panel, "startOverButton").isVisible()
    assert not panel.verify_button.isVisible()
    qtbot.mouseClick(button(panel, "startOverButton"), TAP)
    assert panel.pages.currentWidget() is panel.amount_page
    assert view.card_balance.text() == "$50.00"


def test_deduct_funds_resend_waits_then_sends_a_new_code_that_works(
    qtbot: QtBot,
    view: GiftCardsView,
    server: EmbeddedServer,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    """Resend is off with its seconds shown until the server allows it; the new code deducts."""
    _ask_for_code(qtbot, view, "250")
    panel = view.deduct_panel
    resend = button(panel, "resendCodeButton")
    qtbot.waitUntil(lambda: resend.text().startswith("Resend in "))
    assert not resend.isEnabled()
    first = _code(server, tmp_path, view)
    clock.advance(minutes=2)
    qtbot.waitUntil(resend.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(resend, TAP)
    second = _code(server, tmp_path, view, skip=1)
    qtbot.waitUntil(lambda: not panel.busy_label.isVisible(), timeout=WAIT_MS)
    if second != first:  # the old code stopped working: typing it costs an attempt
        _type_code(qtbot, view, first)
        qtbot.waitUntil(lambda: panel.attempts_label.text() == "2 attempts left", timeout=WAIT_MS)
    _type_code(qtbot, view, second)
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.done_page, timeout=WAIT_MS)
    assert view.card_balance.text() == "$47.50"


def test_deduct_funds_prints_a_slip_with_the_card_and_its_balance(
    qtbot: QtBot,
    server: EmbeddedServer,
    clock: FakeClock,
    make_window: MakeWindow,
    log_in: Callable[..., None],
    tmp_path: Path,
) -> None:
    """On a register with a receipt printer, a Deduct Funds prints a slip with the card's
    last 4, the amount and the balance left."""
    printer = PrinterServer(free_port())
    services: list[PrintService] = []

    def printing(database: RegisterDatabase) -> PrintService:
        address = PrinterAddress("tcp", "127.0.0.1", port=printer.sock.getsockname()[1])
        service = PrintService(
            database,
            ReceiptPrinter(address, timeout=1),
            render_escpos,
            clock.now,
            render_slip=render_slip_escpos,
            retry_seconds=0.2,
        )
        service.start()
        services.append(service)
        return service

    enrolled = server.enroll_local_register("Slip register")
    try:
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(
                client, clock=clock.now, data_dir=tmp_path / "register", printing=printing
            )
            log_in(window)
            window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
            view = window.tab_frame.gift_cards_view
            _ask_for_code(qtbot, view, "1000")
            _type_code(qtbot, view, _code(server, tmp_path, view))
            qtbot.waitUntil(lambda: len(printer.received) == 1, timeout=WAIT_MS)
            window.close()
    finally:
        for service in services:
            service.stop()
        printer.close()
    slip = printer.received[0]
    assert ACTIVE.number[-4:].encode() in slip
    assert b"$10.00" in slip and b"$40.00" in slip
    assert b"Casey Cashier" in slip
