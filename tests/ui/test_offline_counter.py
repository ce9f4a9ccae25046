"""At the counter with the server away: log in against the register's own verifiers, sell for
cash and card (not gift cards), keep the store's idle lock, and see how many tickets wait to
reach the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import MakeWindow, barcode, button, child, go_pay, receipt, scan
from tests.ui.test_gift_card_tender import enter_card, open_gift_card
from tests.ui.test_touch_only import letters, shown_keyboard, type_on
from ui.main_window import MainWindow, waiting_to_sync
from ui.presenters.session import SERVER_BACK
from ui.widgets.banner import Banner

WAIT_MS = 10_000
TAP = Qt.MouseButton.LeftButton
ACTIVE_NUMBER = next(card.number for card in DEMO_CARDS if card.state == "active")


def _offline_window(
    make_window: MakeWindow, register_client: ServerClient, away_url: str, folder: Path
) -> MainWindow:
    """A register that synced once (its employees and catalog), now with the server away."""
    make_window(register_client, data_dir=folder).close()
    return make_window(ServerClient(away_url, "token", timeout=2), data_dir=folder)


def _pay_for_a_mug_offline(qtbot: QtBot, window: MainWindow, tap_pin: Callable[..., None]) -> None:
    """The cashier logs in (offline), scans a mug and opens Pay."""
    tap_pin(window, CASHIER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
    scan(window, barcode("Mug"))
    go_pay(qtbot, window)


def test_offline_login_says_offline_in_the_header(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    unused_port_url: str,
    tmp_path: Path,
    tap_pin: Callable[..., None],
) -> None:
    """With the server away, the cashier's PIN opens the register, and the header says it is
    offline."""
    window = _offline_window(make_window, register_client, unused_port_url, tmp_path / "r")

    tap_pin(window, CASHIER_PIN)

    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
    assert window.tab_frame.employee_label.text() == "Casey Cashier · Cashier · Offline"


def test_offline_login_sells_for_cash(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    unused_port_url: str,
    tmp_path: Path,
    tap_pin: Callable[..., None],
) -> None:
    """Logged in offline, a cappuccino is scanned and paid with the $5 quick-cash button: the
    sale completes with its change."""
    window = _offline_window(make_window, register_client, unused_port_url, tmp_path / "r")
    tap_pin(window, CASHIER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)

    scan(window, barcode("Cappuccino"))
    go_pay(qtbot, window)
    qtbot.mouseClick(button(window.tab_frame.tender_view, "quick500"), TAP)

    assert receipt(qtbot, window).change_panel.headline.text() == "Change $0.13 out of $5.00"


def test_header_counts_tickets_waiting_to_sync(
    qtbot: QtBot, window: MainWindow, tap_pin: Callable[..., None]
) -> None:
    """The sync loop's count shows in the header, and goes away at zero."""
    tap_pin(window, CASHIER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
    label = window.findChild(QLabel, "syncStatus")
    assert label is not None

    window.sync_waiting.emit(2)
    shown = label.text(), label.isVisibleTo(window)
    window.sync_waiting.emit(0)

    assert shown == ("2 tickets waiting to sync", True)
    assert not label.isVisibleTo(window)
    assert waiting_to_sync(1) == "1 ticket waiting to sync"


def test_offline_login_sells_by_card(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    unused_port_url: str,
    tmp_path: Path,
    tap_pin: Callable[..., None],
) -> None:
    """Logged in offline, a mug is paid by card with the terminal's reference: the ticket
    completes on the register and waits to sync."""
    window = _offline_window(make_window, register_client, unused_port_url, tmp_path / "r")
    _pay_for_a_mug_offline(qtbot, window, tap_pin)
    tender = window.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderCard"), TAP)
    qtbot.waitUntil(lambda: tender.card_dialog is not None)
    dialog = tender.card_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.reference, TAP)
    keyboard = shown_keyboard(window)
    type_on(qtbot, keyboard, "keyboardShift", "keyboardShift", *letters("auth"))
    type_on(qtbot, keyboard, "keyboardKey4", "keyboardKey2", "keyboardDone")

    assert "AUTH42" in child(receipt(qtbot, window), QLabel, "receiptText").text()


def test_offline_gift_card_tender_says_a_connection_is_needed(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    unused_port_url: str,
    tmp_path: Path,
    tap_pin: Callable[..., None],
) -> None:
    """Logged in offline, a gift card cannot pay: the tender says it needs the server."""
    window = _offline_window(make_window, register_client, unused_port_url, tmp_path / "r")
    _pay_for_a_mug_offline(qtbot, window, tap_pin)

    dialog = open_gift_card(qtbot, window)
    enter_card(qtbot, dialog, ACTIVE_NUMBER)

    banner = child(dialog, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.text().startswith("Gift cards need a connection to the server")


def test_offline_register_keeps_the_store_idle_lock(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    tap_pin: Callable[..., None],
    unused_port_url: str,
) -> None:
    """A store that locks after 2 minutes: a register logged in offline locks after 2
    minutes too, from the settings it pulled."""
    server = start_server(tmp_path / "store.sqlite3")
    try:
        with make_session_factory(server.engine)() as server_db:
            store = server_db.execute(select(Store)).scalars().one()
            store.idle_lock_seconds = 120
            store.sync_version = next_sync_version(server_db)
            server_db.commit()
        enrolled = server.enroll_local_register("Idle register")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = _offline_window(make_window, client, unused_port_url, tmp_path / "r")
    finally:
        server.stop()

    tap_pin(window, CASHIER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)

    qtbot.waitUntil(lambda: window.idle_lock.seconds == 120, timeout=WAIT_MS)


def test_offline_session_asks_for_the_pin_once_the_server_is_back(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    tap_pin: Callable[..., None],
) -> None:
    """Logged in offline, then the server comes back: the first gift card asks for the PIN
    again (the server never saw that log-in), and the PIN opens an online session."""
    server_dir = tmp_path / "server"
    server = start_server(tmp_path / "store.sqlite3", data_dir=server_dir)
    port = urlsplit(server.base_url).port
    enrolled = server.enroll_local_register("Back register")
    with ServerClient(server.base_url, enrolled.token) as client:
        make_window(client, data_dir=tmp_path / "r").close()
        server.stop()
        window = make_window(client, data_dir=tmp_path / "r")
        tap_pin(window, CASHIER_PIN)
        qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
        server = EmbeddedServer(server.database_url, data_dir=server_dir)
        server.start(port or 0)
        try:
            scan(window, barcode("Mug"))
            go_pay(qtbot, window)
            enter_card(qtbot, open_gift_card(qtbot, window), ACTIVE_NUMBER)

            qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)
            message = child(window.login_view, QLabel, "errorBannerText").text()
            assert message == SERVER_BACK
            tap_pin(window, CASHIER_PIN)
            qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
            assert window.tab_frame.employee_label.text() == "Casey Cashier · Cashier"
        finally:
            server.stop()
