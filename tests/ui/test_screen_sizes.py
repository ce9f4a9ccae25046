"""Every screen and dialog of the register at the screen sizes stores buy: nothing clipped, no
widget outside its window, no sideways scrolling, every tap target at least 48 px (issue 12.5).

Each test walks one part of the register as a cashier does (taps against a real embedded
server), and at every step renders the window, or the dialog open, at the size under test and
collects what ``layout_checks`` finds; the test fails listing every problem with its step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, DEMO_PRODUCTS, RECIPIENT_EMAIL
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import issue_active_card
from tests.fixtures.deduction_mail import read_code
from tests.fixtures.register import start_server
from tests.ui.gift_cards_support import WAIT_MS, tap_keys, tap_row
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, MakeWindow, button, go_pay, receipt, ring_up, scan
from ui.gift_cards_view import CARD_COLUMN, GiftCardsView
from ui.main_window import MainWindow, idle_lock_message
from ui.tab_frame import BALANCE_TAB, GIFT_CARDS_TAB, SETTINGS_TAB

SIZES = [QSize(1024, 768), QSize(1280, 800), QSize(1920, 1080)]
SMALLEST = QSize(800, 600)
# A dialog is a window of its own: the window manager's title bar takes this much of the
# screen's height above it.
TITLE_BAR_PX = 32
ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")  # $50.00
LOW = next(card for card in DEMO_CARDS if card.state == "used_low")  # $3.75, with history
ZERO = next(card for card in DEMO_CARDS if card.state == "used_zero")
# The demo's longest product names, so the ticket's rows must make room for them.
LONG_NAMES = ("Blueberry muffin", "Scented candle", "Greeting card")
UNKNOWN_BARCODE = "0000000000017"


def _size_id(size: QSize) -> str:
    return f"{size.width()}x{size.height()}"


@dataclass
class Screens:
    """Renders each step at ``size`` and keeps what is wrong, by step; a step with problems
    leaves its picture in ``pictures`` to look at."""

    qtbot: QtBot
    window: MainWindow
    size: QSize
    pictures: Path
    problems: list[str] = field(default_factory=list)

    def settle(self) -> None:
        # Layouts are redone on posted events, a few passes deep.
        for _ in range(3):
            QApplication.processEvents()
            self.qtbot.wait(5)

    def look(self, step: str) -> None:
        """The main window, resized to the screen once the step's changes are laid out (it
        may refuse: its minimum is too large)."""
        self.settle()
        self.window.resize(self.size)
        self.settle()
        self._keep(step, self.window, layout_problems(self.window, self.size))

    def look_at_dialog(self, step: str, dialog: QWidget | None) -> None:
        """A dialog as it opened, which must fit the screen under a title bar."""
        assert dialog is not None, f"{step}: the dialog did not open"
        self.qtbot.waitExposed(dialog)
        self.settle()
        room = QSize(self.size.width(), self.size.height() - TITLE_BAR_PX)
        self._keep(step, dialog, layout_problems(dialog, room))

    def _keep(self, step: str, shown: QWidget, problems: list[str]) -> None:
        if not problems:
            return
        picture = self.pictures / (re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-") + ".png")
        shown.grab().save(str(picture))
        self.problems += [f"{step}: {problem}" for problem in problems]
        self.problems.append(f"{step}: as it looked: {picture}")

    def assert_fits(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture(params=SIZES, ids=_size_id)
def size(request: pytest.FixtureRequest) -> QSize:
    return QSize(request.param)


@pytest.fixture
def own_store(
    tmp_path: Path, make_window: MakeWindow, log_in: Callable[..., None]
) -> Iterator[tuple[MainWindow, EmbeddedServer, Path]]:
    """A store of its own, for steps that move money or send codes; a cashier logged in."""
    mail = tmp_path / "mail"
    server = start_server(tmp_path / "server.sqlite3", data_dir=mail)
    enrolled = server.enroll_local_register("Front counter")
    with ServerClient(server.base_url, enrolled.token) as client:
        window = make_window(client, data_dir=tmp_path / "register")
        log_in(window)
        yield window, server, mail
        window.close()
    server.stop()


def _row_of(view: GiftCardsView, number: str) -> int:
    for row in range(view.results.topLevelItemCount()):
        item = view.results.topLevelItem(row)
        if item is not None and item.text(CARD_COLUMN).endswith(number[-4:]):
            return row
    raise AssertionError(f"no row for the card ending {number[-4:]}")


def tap(qtbot: QtBot, parent: QWidget, name: str) -> None:
    qtbot.mouseClick(button(parent, name), TAP)


def test_screen_sizes_login_and_lock_fit(
    qtbot: QtBot,
    tmp_path: Path,
    size: QSize,
    window: MainWindow,
    tap_pin: Callable[..., None],
    log_in: Callable[..., None],
) -> None:
    """The login screen, a wrong PIN's message, and the idle lock's message fit the screen."""
    screens = Screens(qtbot, window, size, tmp_path)
    screens.look("login")
    tap_pin(window, "0000")
    qtbot.waitUntil(window.login_view.banner.isVisible, timeout=WAIT_MS)
    screens.look("login, wrong PIN")
    log_in(window)
    window.idle_lock.timed_out.emit()
    qtbot.waitUntil(lambda: not window.logged_in)
    assert window.login_view.banner.text() == idle_lock_message(window.idle_lock.seconds)
    screens.look("locked")
    screens.assert_fits()


def test_screen_sizes_checkout_fits(
    qtbot: QtBot, tmp_path: Path, size: QSize, till: MainWindow
) -> None:
    """Checkout empty, with every product on a ticket longer than the list, with a refusal
    over it, and the Void question fit the screen; product and line names read whole."""
    screens = Screens(qtbot, till, size, tmp_path)
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(lambda: bool(view.findChildren(QPushButton, "productButton")), timeout=WAIT_MS)
    screens.look("checkout, empty")
    ring_up(qtbot, till, *LONG_NAMES)
    screens.look("checkout, long names")
    ring_up(qtbot, till, *(name for name, *_ in DEMO_PRODUCTS))
    screens.look("checkout, a long ticket")
    scan(till, UNKNOWN_BARCODE)
    qtbot.waitUntil(view.banner.isVisible, timeout=WAIT_MS)
    screens.look("checkout, a refusal")
    tap(qtbot, view, "voidTicketButton")
    screens.look_at_dialog("Void ticket?", view.void_dialog)
    tap(qtbot, view.void_dialog, "confirmNo")
    look_at_manager_approval(qtbot, screens, till)
    screens.assert_fits()


def look_at_manager_approval(qtbot: QtBot, screens: Screens, till: MainWindow) -> None:
    """Void where the store asks a manager's PIN of a cashier: the PIN pad, then with the
    cashier's own PIN refused."""
    view = till.tab_frame.checkout_view
    till.approvals.set_required(set(ApprovalAction))  # as the store's setting would
    tap(qtbot, view, "voidTicketButton")
    dialog = view.approval_dialog
    screens.look_at_dialog("Manager approval", dialog)
    assert dialog is not None
    for digit in CASHIER_PIN:
        tap(qtbot, dialog.pin_pad, f"keypadKey{digit}")
    tap(qtbot, dialog.pin_pad, "keypadEnter")
    qtbot.waitUntil(dialog.banner.isVisible, timeout=WAIT_MS)
    screens.look_at_dialog("Manager approval, a cashier's PIN refused", dialog)
    tap(qtbot, dialog, "approvalCancel")
    till.approvals.set_required(())


def test_screen_sizes_pay_and_its_dialogs_fit(
    qtbot: QtBot,
    tmp_path: Path,
    size: QSize,
    till: MainWindow,
    demo_server: EmbeddedServer,
    register_client: ServerClient,
) -> None:
    """Pay, its tip and tenders, the card reference, Gift Card (with its refusals), Partial
    Redeem before and after, the Remove question and the paid screen fit the screen."""
    screens = Screens(qtbot, till, size, tmp_path)
    ring_up(qtbot, till, *LONG_NAMES)
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    screens.look("Pay")
    tap(qtbot, tender, "tip15")
    qtbot.waitUntil(lambda: tender.sale is not None and tender.sale.tip_preset == 15)
    screens.look("Pay, 15% tip")

    tap(qtbot, tender, "tenderCard")
    screens.look_at_dialog("card reference", tender.card_dialog)
    tap(qtbot, tender.card_dialog, "cardTenderCancel")

    tap_keys(qtbot, tender.keypad, "100")
    tap(qtbot, tender, "tenderCash")
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1, timeout=WAIT_MS)
    screens.look("Pay, $1 cash taken, tip locked")
    tap(qtbot, tender.tender_rows[0], "removeTender")
    screens.look_at_dialog("Remove payment?", tender.remove_dialog)
    tap(qtbot, tender.remove_dialog, "confirmNo")

    tap(qtbot, tender, "tenderGiftCard")
    dialog = tender.gift_card_dialog
    screens.look_at_dialog("Gift Card", dialog)
    assert dialog is not None
    tap_keys(qtbot, dialog.keypad, "6035718492055180")
    tap(qtbot, dialog, "keypadEnter")
    qtbot.waitUntil(dialog.banner.isVisible, timeout=WAIT_MS)
    screens.look_at_dialog("Gift Card, a mistyped number", dialog)
    tap(qtbot, dialog, "keypadClear")
    tap_keys(qtbot, dialog.keypad, ZERO.number)
    tap(qtbot, dialog, "keypadEnter")
    qtbot.waitUntil(lambda: "balance" in dialog.banner.text(), timeout=WAIT_MS)
    screens.look_at_dialog("Gift Card, no balance", dialog)
    tap(qtbot, dialog, "keypadClear")
    card = issue_active_card(demo_server, register_client.register_token or "", 300)
    tap_keys(qtbot, dialog.keypad, card.number)
    tap(qtbot, dialog, "keypadEnter")
    qtbot.waitUntil(lambda: tender.partial_dialog is not None, timeout=WAIT_MS)
    partial = tender.partial_dialog
    screens.look_at_dialog("Partial Redeem", partial)
    assert partial is not None
    tap(qtbot, partial, "confirmButton")
    qtbot.waitUntil(partial.continue_button.isVisible, timeout=WAIT_MS)
    screens.look_at_dialog("Partial Redeem, redeemed", partial)
    tap(qtbot, partial, "continueButton")
    screens.look("Pay, a gift card taken")

    tap(qtbot, tender, "quick10000")
    paid = receipt(qtbot, till)
    screens.look_at_dialog("paid, change due", paid)
    screens.assert_fits()


def test_screen_sizes_find_by_email_fits(
    qtbot: QtBot, tmp_path: Path, size: QSize, own_store: tuple[MainWindow, EmbeddedServer, Path]
) -> None:
    """ "No card? Find by e-mail": the cards found, the amount, and the code step fit."""
    window, _server, _mail = own_store
    screens = Screens(qtbot, window, size, tmp_path)
    ring_up(qtbot, window, "Mug")
    go_pay(qtbot, window)
    tender = window.tab_frame.tender_view
    tap(qtbot, tender, "tenderGiftCard")
    assert tender.gift_card_dialog is not None
    tap(qtbot, tender.gift_card_dialog, "findByEmailButton")
    qtbot.waitUntil(lambda: tender.email_dialog is not None)
    dialog = tender.email_dialog
    assert dialog is not None
    screens.look_at_dialog("Find by e-mail", dialog)
    # Typed on the on-screen keyboard, which is not what this test is about.
    dialog.email_input.setText(RECIPIENT_EMAIL)
    tap(qtbot, dialog, "payEmailSearch")
    qtbot.waitUntil(
        lambda: len(dialog.findChildren(QPushButton, "payEmailCard")) >= 3, timeout=WAIT_MS
    )
    screens.look_at_dialog("Find by e-mail, cards found", dialog)
    (card,) = [
        found
        for found in dialog.findChildren(QPushButton, "payEmailCard")
        if found.accessibleName().endswith(ACTIVE.number[-4:])
    ]
    qtbot.mouseClick(card, TAP)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.panel)
    screens.look_at_dialog("Find by e-mail, the amount", dialog)
    tap(qtbot, dialog.panel, "deductFundsButton")
    qtbot.waitUntil(dialog.panel.verify_button.isVisible, timeout=WAIT_MS)
    screens.look_at_dialog("Find by e-mail, the code", dialog)
    tap(qtbot, dialog.panel, "cancelDeductionButton")
    screens.assert_fits()


def test_screen_sizes_gift_cards_tab_and_deduct_funds_fit(
    qtbot: QtBot, tmp_path: Path, size: QSize, own_store: tuple[MainWindow, EmbeddedServer, Path]
) -> None:
    """The Gift Cards tab with cards found, a card open with its history, and Deduct Funds
    at each step (no balance, amount, code, wrong code, "New balance", ended after three
    wrong codes) fit the screen."""
    window, server, mail = own_store
    screens = Screens(qtbot, window, size, tmp_path)
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    view = window.tab_frame.gift_cards_view
    screens.look("Gift Cards")
    view.email_input.setText(RECIPIENT_EMAIL)  # the on-screen keyboard is not tested here
    tap(qtbot, view, "emailSearchButton")
    qtbot.waitUntil(lambda: view.results.topLevelItemCount() >= 3, timeout=WAIT_MS)
    screens.look("Gift Cards, cards found")
    tap_row(qtbot, view, _row_of(view, LOW.number))
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() > 0, timeout=WAIT_MS)
    screens.look("Gift Cards, a card with history")
    panel = view.deduct_panel
    tap_row(qtbot, view, _row_of(view, ZERO.number))
    qtbot.waitUntil(panel.banner.isVisible, timeout=WAIT_MS)
    screens.look("Deduct Funds, no balance left")

    tap_row(qtbot, view, _row_of(view, ACTIVE.number))
    qtbot.waitUntil(
        lambda: panel.card is not None and panel.card.number_masked.endswith(ACTIVE.number[-4:])
    )
    tap_keys(qtbot, panel.amount_keypad, "1234")
    screens.look("Deduct Funds, the amount")
    tap(qtbot, panel, "deductFundsButton")
    qtbot.waitUntil(panel.verify_button.isVisible, timeout=WAIT_MS)
    screens.look("Deduct Funds, the code")
    card = panel.card
    assert card is not None
    code = read_code(server.engine, mail, card.id)
    tap_keys(qtbot, panel.code_keypad, _wrong(code))
    tap(qtbot, panel, "verifyCodeButton")
    qtbot.waitUntil(panel.banner.isVisible, timeout=WAIT_MS)
    screens.look("Deduct Funds, a wrong code")
    tap_keys(qtbot, panel.code_keypad, code)
    tap(qtbot, panel, "verifyCodeButton")
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.done_page, timeout=WAIT_MS)
    assert panel.new_balance_label.text() == "New balance: $37.66"
    screens.look("Deduct Funds, done")
    tap(qtbot, panel, "deductDoneButton")
    tap_keys(qtbot, panel.amount_keypad, "100")
    tap(qtbot, panel, "deductFundsButton")
    qtbot.waitUntil(panel.verify_button.isVisible, timeout=WAIT_MS)
    wrong = _wrong(read_code(server.engine, mail, card.id, skip=1))
    for _ in range(3):
        qtbot.waitUntil(panel.verify_button.isEnabled, timeout=WAIT_MS)
        tap_keys(qtbot, panel.code_keypad, wrong)
        tap(qtbot, panel, "verifyCodeButton")
    qtbot.waitUntil(panel.start_over_button.isVisible, timeout=WAIT_MS)
    screens.look("Deduct Funds, cancelled")
    screens.assert_fits()


def _wrong(code: str) -> str:
    return str((int(code) + 1) % 1_000_000).zfill(6)


def test_screen_sizes_balance_check_fits(
    qtbot: QtBot, tmp_path: Path, size: QSize, till: MainWindow
) -> None:
    """The Balance tab, empty and with a card found, fits the screen."""
    screens = Screens(qtbot, till, size, tmp_path)
    till.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    view = till.tab_frame.balance_view
    screens.look("Balance")
    tap_keys(qtbot, view.keypad, LOW.number)
    tap(qtbot, view.keypad, "keypadEnter")
    qtbot.waitUntil(view.result.isVisible, timeout=WAIT_MS)
    screens.look("Balance, a card found")
    screens.assert_fits()


def test_screen_sizes_settings_fit(
    qtbot: QtBot, tmp_path: Path, size: QSize, window: MainWindow, log_in: Callable[..., None]
) -> None:
    """The manager's Settings tab, with a raw scan shown, fits the screen."""
    log_in(window, "9999")
    screens = Screens(qtbot, window, size, tmp_path)
    window.tab_frame.tabs.setCurrentIndex(SETTINGS_TAB)
    settings = window.tab_frame.settings_view
    assert settings is not None
    qtbot.waitUntil(lambda: not window.devices.busy, timeout=WAIT_MS)
    screens.look("Settings")
    settings.show_raw_scan(b"\x024006381333931\r")
    screens.look("Settings, a scan shown")
    screens.assert_fits()


# -- 800x600: usable for login, checkout and Pay ---------------------------------------------


def test_screen_sizes_login_checkout_and_pay_are_usable_at_800_by_600(
    qtbot: QtBot, tmp_path: Path, window: MainWindow, log_in: Callable[..., None]
) -> None:
    """At 800x600 the login pad, the ticket (names read whole) and Pay's keypad and tenders
    fit, no key over another, and the window stays on the screen."""
    screens = Screens(qtbot, window, SMALLEST, tmp_path)
    screens.look("login")
    log_in(window)
    ring_up(qtbot, window, *LONG_NAMES)
    screens.look("checkout")
    look_at_manager_approval(qtbot, screens, window)
    go_pay(qtbot, window)
    screens.look("Pay")
    screens.assert_fits()
