"""At the counter with the server away: log in against the register's own verifiers, sell for
cash, and see how many tickets wait to reach the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import CASHIER_PIN
from pos_desktop.sync.client import ServerClient
from tests.ui.support import MakeWindow, barcode, button, go_pay, receipt, scan
from ui.main_window import MainWindow, waiting_to_sync

WAIT_MS = 10_000
TAP = Qt.MouseButton.LeftButton


def _offline_window(
    make_window: MakeWindow, register_client: ServerClient, away_url: str, folder: Path
) -> MainWindow:
    """A register that synced once (its employees and catalog), now with the server away."""
    make_window(register_client, data_dir=folder).close()
    return make_window(ServerClient(away_url, "token", timeout=2), data_dir=folder)


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
