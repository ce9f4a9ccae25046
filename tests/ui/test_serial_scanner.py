"""A serial scanner on the register's window: bytes written into a pty's master end reach the
same routes as a keyboard-wedge scan, against the real embedded server."""

from __future__ import annotations

import os
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hardware.scanner_settings import ScannerSettings
from pos_desktop.domain.card_number import normalize_card_number
from pos_desktop.server.demo import DEMO_CARDS, DEMO_PRODUCTS
from tests.ui.test_gift_card_tender import go_pay, open_gift_card, ring_up
from ui.main_window import MainWindow
from ui.serial_scans import UNREADABLE_SCAN, SerialScans, not_connected_message
from ui.tab_frame import GIFT_CARDS_TAB

# A reader thread that dies of an exception instead of reporting the port lost is a failure.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
ACTIVE_NUMBER = next(card.number for card in DEMO_CARDS if card.state == "active")
WAIT_MS = 10_000


def barcode(name: str) -> str:
    return next(code for n, _, _, _, code in DEMO_PRODUCTS if n == name)


class Pty:
    """A scanner on a pty in raw mode, its slave end reachable through ``link``."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.link = link
        self.open = True
        link.symlink_to(os.ttyname(self.slave))

    def scan(self, code: str) -> None:
        os.write(self.master, code.encode("ascii") + b"\r")

    def vanish(self) -> None:
        if self.open:
            self.open = False
            self.link.unlink(missing_ok=True)
            os.close(self.master)
            os.close(self.slave)


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "ttyScanner"


@pytest.fixture
def make_pty(link: Path) -> Iterator[Callable[[], Pty]]:
    made: list[Pty] = []

    def make() -> Pty:
        made.append(Pty(link))
        return made[-1]

    yield make
    for pty in made:
        pty.vanish()


def with_scanner(qtbot: QtBot, window: MainWindow, link: Path) -> SerialScans:
    window.use_serial_scanner(ScannerSettings.parse(str(link), retry_seconds=0.05))
    scans = window.serial_scans
    assert scans is not None
    qtbot.waitUntil(lambda: scans.connected, timeout=WAIT_MS)
    return scans


def quantity(window: MainWindow, name: str) -> int:
    sale = window.tab_frame.checkout_view.sale
    if sale is None:
        return 0
    return next((line.quantity for line in sale.lines if line.name == name), 0)


def test_serial_scan_of_a_barcode_adds_a_ticket_line(
    qtbot: QtBot, till: MainWindow, link: Path, make_pty: Callable[[], Pty]
) -> None:
    """A product barcode from the serial scanner adds its line at checkout."""
    pty = make_pty()
    with_scanner(qtbot, till, link)
    pty.scan(barcode("Cappuccino"))
    qtbot.waitUntil(lambda: quantity(till, "Cappuccino") == 1, timeout=WAIT_MS)
    rows = till.tab_frame.checkout_view.line_rows
    assert len(rows) == 1


def test_serial_scan_of_a_card_fills_the_gift_card_tender(
    qtbot: QtBot, till: MainWindow, link: Path, make_pty: Callable[[], Pty]
) -> None:
    """With the Gift Card tender open, a card number scanned fills its card field."""
    pty = make_pty()
    with_scanner(qtbot, till, link)
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    dialog = open_gift_card(qtbot, till)
    pty.scan(ACTIVE_NUMBER)
    qtbot.waitUntil(
        lambda: normalize_card_number(dialog.number_input.text()) == ACTIVE_NUMBER,
        timeout=WAIT_MS,
    )
    assert dialog.number_input.objectName() == "cardNumberInput"
    assert quantity(till, "Mug") == 1  # the card number did not become a line


def test_serial_scan_of_a_card_on_gift_cards_tab_searches_it(
    qtbot: QtBot, till: MainWindow, link: Path, make_pty: Callable[[], Pty]
) -> None:
    """On the Gift Cards tab a scanned card number goes into the search."""
    pty = make_pty()
    with_scanner(qtbot, till, link)
    till.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    view = till.tab_frame.gift_cards_view
    pty.scan(ACTIVE_NUMBER)
    qtbot.waitUntil(lambda: view.email_input.text() == ACTIVE_NUMBER, timeout=WAIT_MS)


def test_serial_noise_says_unreadable_and_adds_nothing(
    qtbot: QtBot, till: MainWindow, link: Path, make_pty: Callable[[], Pty]
) -> None:
    """Binary noise shows "Unreadable scan. Scan again." on checkout; no line is added, and
    the next good scan still works."""
    pty = make_pty()
    scans = with_scanner(qtbot, till, link)
    with qtbot.waitSignal(scans.unreadable, timeout=WAIT_MS):
        os.write(pty.master, b"\x00\xff\x1b\x80garbage\r")
    banner = till.tab_frame.checkout_view.banner
    assert banner.isVisible() and banner.text() == UNREADABLE_SCAN
    # The ticket loaded at log-in may arrive only now (a loaded machine): drawing it, or
    # anything else that is not the cashier's, leaves the message up.
    qtbot.waitUntil(lambda: not till.sale.busy, timeout=WAIT_MS)
    till.tab_frame.checkout_view.show_sale(till.sale.sale)
    assert banner.isVisible() and banner.text() == UNREADABLE_SCAN
    pty.scan(barcode("Cappuccino"))
    qtbot.waitUntil(lambda: quantity(till, "Cappuccino") == 1, timeout=WAIT_MS)
    sale = till.tab_frame.checkout_view.sale
    assert sale is not None
    assert [line.name for line in sale.lines] == ["Cappuccino"]


def test_serial_scanner_unplugged_shows_in_status_bar_until_it_returns(
    qtbot: QtBot, till: MainWindow, link: Path, make_pty: Callable[[], Pty]
) -> None:
    """The status bar says the scanner is away while it is, and scanning resumes after."""
    first = make_pty()
    scans = with_scanner(qtbot, till, link)
    assert scans.status_text == ""
    first.vanish()
    message = not_connected_message(str(link))
    qtbot.waitUntil(lambda: scans.status_text == message, timeout=WAIT_MS)
    label = scans.status_label
    assert label is not None
    assert label.isVisible()
    second = make_pty()
    qtbot.waitUntil(lambda: scans.status_text == "", timeout=WAIT_MS)
    assert not label.isVisible()
    second.scan(barcode("Cappuccino"))
    qtbot.waitUntil(lambda: quantity(till, "Cappuccino") == 1, timeout=WAIT_MS)
