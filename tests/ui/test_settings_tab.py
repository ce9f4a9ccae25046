"""The Settings tab, against the real embedded server: managers only; a saved scanner port and
printer work at once (a real pty, a TCP printer on loopback); bad input is refused and named;
what is saved is what the next window over the same register database shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, MANAGER_PIN
from pos_desktop.services import devices as devices_service
from pos_desktop.services.devices import NO_PROFILE
from pos_desktop.sync.client import ServerClient
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.ui.support import TAP, MakeWindow, button
from tests.ui.test_serial_scanner import Pty, barcode, quantity
from ui.main_window import MainWindow
from ui.presenters.devices import SAVED, TEST_PAGE_QUEUED
from ui.settings_view import MAX_RAW_SHOWN, SettingsView
from ui.tab_frame import CHECKOUT_TAB, SETTINGS_TAB

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
WAIT_MS = 10_000
ACTIVE_CARD = next(card for card in DEMO_CARDS if card.state == "active")


@pytest.fixture
def pty(tmp_path: Path) -> Iterator[Pty]:
    made = Pty(tmp_path / "ttySettingsScanner")
    yield made
    made.vanish()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "register"


@pytest.fixture
def manager_window(
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
    data_dir: Path,
) -> MainWindow:
    window = make_window(register_client, data_dir=data_dir)
    log_in(window, MANAGER_PIN)
    return window


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsView:
    view = window.tab_frame.settings_view
    assert view is not None
    window.tab_frame.tabs.setCurrentIndex(SETTINGS_TAB)
    qtbot.waitUntil(lambda: view.isVisible() and not window.devices.busy, timeout=WAIT_MS)
    return view


def save(qtbot: QtBot, view: SettingsView) -> None:
    qtbot.mouseClick(button(view, "saveSettingsButton"), TAP)


def test_settings_tab_hidden_for_a_cashier_shown_for_a_manager(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A cashier has no Settings tab; a manager has, and it goes again at lock."""
    window = make_window(register_client)
    log_in(window, CASHIER_PIN)
    tabs = window.tab_frame.tabs
    assert not tabs.isTabVisible(SETTINGS_TAB)
    assert not window.tab_frame.settings_shown

    window.session.lock()
    qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)
    log_in(window, MANAGER_PIN)
    assert tabs.isTabVisible(SETTINGS_TAB)
    assert tabs.tabText(SETTINGS_TAB) == "Settings"
    view = open_settings(qtbot, window)
    for name in ("scannerPortInput", "printerAddressInput", "saveSettingsButton"):
        widget = view.findChild(QWidget, name)
        assert isinstance(widget, QWidget) and widget.accessibleName()

    window.session.lock()
    qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)
    assert not tabs.isTabVisible(SETTINGS_TAB)


def test_settings_saved_scanner_port_scans_without_restart(
    qtbot: QtBot, manager_window: MainWindow, pty: Pty
) -> None:
    """A pty link typed as the port and saved: a barcode written into the pty shows in Test
    scan, and at checkout it adds a ticket line; no restart."""
    window = manager_window
    assert window.serial_scans is None
    view = open_settings(qtbot, window)
    view.port_input.setEditText(str(pty.link))
    view.terminator_input.setCurrentIndex(view.terminator_input.findData("cr"))
    save(qtbot, view)
    qtbot.waitUntil(lambda: view.banner.text() == SAVED, timeout=WAIT_MS)
    scans = window.serial_scans
    assert scans is not None
    qtbot.waitUntil(lambda: scans.connected, timeout=WAIT_MS)

    code = barcode("Cappuccino")
    pty.scan(code)
    qtbot.waitUntil(lambda: view.raw_scan.text() == code + "\\r", timeout=WAIT_MS)
    assert quantity(window, "Cappuccino") == 0  # not on Checkout: only shown

    window.tab_frame.tabs.setCurrentIndex(CHECKOUT_TAB)
    pty.scan(code)
    qtbot.waitUntil(lambda: quantity(window, "Cappuccino") == 1, timeout=WAIT_MS)


def test_settings_test_scan_masks_a_card_number_keeping_the_framing(
    qtbot: QtBot, manager_window: MainWindow, pty: Pty
) -> None:
    """A gift card scanned between STX and CR shows in Test scan as \\x02•••• 5184\\r: the
    framing bytes as received, the number masked as everywhere else."""
    window = manager_window
    view = open_settings(qtbot, window)
    view.port_input.setEditText(str(pty.link))
    view.terminator_input.setCurrentIndex(view.terminator_input.findData("cr"))
    save(qtbot, view)
    qtbot.waitUntil(lambda: view.banner.text() == SAVED, timeout=WAIT_MS)
    scans = window.serial_scans
    assert scans is not None
    qtbot.waitUntil(lambda: scans.connected, timeout=WAIT_MS)
    number = ACTIVE_CARD.number

    pty.scan("\x02" + number)

    masked = f"\\x02•••• {number[-4:]}\\r"
    qtbot.waitUntil(lambda: view.raw_scan.text() == masked, timeout=WAIT_MS)


def test_settings_test_scan_drops_the_cut_off_tail_of_a_card_number(
    qtbot: QtBot, manager_window: MainWindow
) -> None:
    """When the shown bytes are cut to the last MAX_RAW_SHOWN, the digits left of a card
    number whose head was cut away are not shown (they could no longer be told a card's)."""
    view = open_settings(qtbot, manager_window)
    number = ACTIVE_CARD.number
    filler = b"\n" + b"x" * (MAX_RAW_SHOWN - 13)  # the cut falls after the number's 4th digit

    view.show_raw_scan(number.encode("ascii"))
    view.show_raw_scan(filler)

    assert view.raw_scan.text() == "\\n" + "x" * (MAX_RAW_SHOWN - 13)


def test_settings_saved_tcp_printer_prints_a_test_page(
    qtbot: QtBot, manager_window: MainWindow
) -> None:
    """No printer at start; a TCP printer saved, Test print puts a page on it, and Reprint
    appears."""
    window = manager_window
    reprint = button(window.tab_frame, "reprintButton")
    assert window.printing is None and not reprint.isVisible()
    port = free_port()
    printer = PrinterServer(port)
    try:
        view = open_settings(qtbot, window)
        view.printer_input.setText(f"tcp:127.0.0.1:{port}")
        view.paper_input.setCurrentIndex(view.paper_input.findData(58))
        save(qtbot, view)
        qtbot.waitUntil(lambda: view.banner.text() == SAVED, timeout=WAIT_MS)
        assert window.printing is not None and reprint.isVisible()

        qtbot.mouseClick(button(view, "testPrintButton"), TAP)
        qtbot.waitUntil(lambda: view.banner.text() == TEST_PAGE_QUEUED, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(printer.received) == 1, timeout=WAIT_MS)
        assert b"Test page" in printer.received[0]
        assert b"58 mm" in printer.received[0]
    finally:
        printer.close()


def test_settings_bad_printer_address_says_so_and_saves_nothing(
    qtbot: QtBot, manager_window: MainWindow
) -> None:
    """A malformed printer connection: a message naming the formats, nothing stored, focus on
    the field."""
    window = manager_window
    view = open_settings(qtbot, window)
    view.printer_input.setText("printer-at-the-front")
    save(qtbot, view)
    qtbot.waitUntil(view.banner.isVisible, timeout=WAIT_MS)
    assert "is not valid" in view.banner.text()
    assert "tcp:192.168.1.50:9100" in view.banner.text()
    assert view.banner.kind() == "error"
    assert not window.devices.busy and view.save_button.isEnabled()
    assert window.printing is None
    # Nothing stored: the tab shows the (empty) defaults again when it is opened next.
    window.tab_frame.tabs.setCurrentIndex(CHECKOUT_TAB)
    open_settings(qtbot, window)
    qtbot.waitUntil(lambda: view.printer_input.text() == "", timeout=WAIT_MS)


def test_settings_persist_in_the_register_database(
    qtbot: QtBot,
    manager_window: MainWindow,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
    data_dir: Path,
    tmp_path: Path,
) -> None:
    """Saved settings are what a new window over the same register database shows."""
    view = open_settings(qtbot, manager_window)
    port_path = str(tmp_path / "ttyNotThere")
    view.port_input.setEditText(port_path)
    view.baud_input.setCurrentIndex(view.baud_input.findData(19200))
    view.terminator_input.setCurrentIndex(view.terminator_input.findData("crlf"))
    view.prefix_input.setText(r"\x02")
    view.printer_input.setText("file:/dev/null")
    view.profile_input.setCurrentText("TM-T20II")
    view.paper_input.setCurrentIndex(view.paper_input.findData(58))
    save(qtbot, view)
    qtbot.waitUntil(lambda: view.banner.text() == SAVED, timeout=WAIT_MS)

    again = make_window(register_client, data_dir=data_dir)
    log_in(again, MANAGER_PIN)
    shown = open_settings(qtbot, again)
    qtbot.waitUntil(lambda: shown.port_text() == port_path, timeout=WAIT_MS)
    assert shown.form() == view.form()
    assert shown.baud_input.currentText() == "19200"
    assert shown.printer_input.text() == "file:/dev/null"
    assert shown.profile_input.currentText() == "TM-T20II"
    assert shown.paper_input.currentData() == 58


def test_settings_profiles_listed_when_the_ports_cannot_be_read(
    qtbot: QtBot, manager_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system that cannot list its serial ports still offers the printer profiles: they
    load on a job of their own."""

    def no_ports() -> list[object]:
        raise OSError("permission denied: /dev")

    monkeypatch.setattr(devices_service, "serial_ports", no_ports)
    view = open_settings(qtbot, manager_window)
    assert view.profile_input.count() > 1


def test_settings_save_with_no_profile_picked_asks_for_one_on_the_list(
    qtbot: QtBot, manager_window: MainWindow
) -> None:
    """A Save with no printer profile picked (the list fills from a worker, so there is a
    moment with none) says to pick one, puts the focus on the list and stores nothing."""
    window = manager_window
    view = open_settings(qtbot, window)
    view.printer_input.setText("file:/dev/null")
    view.profile_input.setCurrentIndex(-1)
    save(qtbot, view)
    qtbot.waitUntil(view.banner.isVisible, timeout=WAIT_MS)

    assert view.banner.text() == NO_PROFILE
    assert view.banner.kind() == "error"
    assert view.profile_input.hasFocus()
    assert window.printing is None
