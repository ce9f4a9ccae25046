"""The Refund screen and the cash-out offer, by taps against the real embedded server: a
completed ticket's gift-card payment back to its card, store credit on a new card whose number
shows once, a cashier asked for a manager's PIN where the store wants one, and a small balance
left by a payment cashed out with the drawer opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hardware.printer import ReceiptPrinter, drawer_kick
from pos_desktop.config import PrinterAddress
from pos_desktop.contracts import StoreUpdate
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import utc_now
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import IssuedCard, card_balance, issue_active_card
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.ui.refund_support import (
    WAIT_MS,
    new_sale,
    open_sale,
    pay_by_card,
    pay_in_cash,
    refund_dialog,
)
from tests.ui.support import TAP, MakeWindow, button, type_into
from ui.approval_dialog import ApprovalDialog
from ui.cash_out_dialog import CashOutDialog
from ui.main_window import MainWindow
from ui.refund_dialog import DONE, REFUND


@pytest.fixture
def back_office(demo_server: EmbeddedServer) -> Iterator[ServerClient]:
    enrolled = demo_server.enroll_local_register("Back office")
    with ServerClient(demo_server.base_url, enrolled.token) as client:
        client.open_session(MANAGER_PIN)
        yield client


@pytest.fixture
def store(back_office: ServerClient) -> Iterator[Callable[..., None]]:
    """Change the store's settings before the register is made (it pulls them then); put
    back afterwards for the module's next tests."""

    def change(**values: object) -> None:
        back_office.update_backoffice_store(StoreUpdate.model_validate(values))

    yield change
    change(approvals=[], cash_out_below=0)


@pytest.fixture
def issue(
    demo_server: EmbeddedServer, register_client: ServerClient
) -> Callable[[int], IssuedCard]:
    return lambda amount: issue_active_card(
        demo_server, register_client.register_token or "", amount
    )


@pytest.fixture
def balance(demo_server: EmbeddedServer, register_client: ServerClient) -> Callable[..., int]:
    return lambda card: card_balance(demo_server, register_client.register_token or "", card.id)


@pytest.fixture
def till(
    make_window: MakeWindow, register_client: ServerClient, log_in: Callable[..., None]
) -> Callable[..., MainWindow]:
    """A register (made after the store's settings), its cashier logged in."""

    def make(**options: object) -> MainWindow:
        window = make_window(register_client, **options)
        log_in(window, CASHIER_PIN)
        return window

    return make


def tap_refund(qtbot: QtBot, window: MainWindow) -> None:
    refund = button(window.tab_frame.checkout_view, "refundButton")
    qtbot.waitUntil(refund.isVisible)
    qtbot.mouseClick(refund, TAP)


def test_refund_screen_gives_a_card_payment_back_to_its_card(
    qtbot: QtBot,
    till: Callable[..., MainWindow],
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """A completed ticket the card paid: picked from the recent sales, its payment is given
    back (the amount prefilled with what it paid), and the card holds it again."""
    window = till()
    card = issue(50_00)
    number = pay_by_card(qtbot, window, card.number, "Scented candle")  # $19.49
    new_sale(qtbot, window)
    assert balance(card) == 50_00 - 19_49

    tap_refund(qtbot, window)
    dialog = refund_dialog(qtbot)
    open_sale(qtbot, dialog, number)
    assert dialog.amount_input.text() == "19.49"
    type_into(qtbot, window, dialog.reason_input, "returned")
    qtbot.mouseClick(button(dialog, "refundConfirm"), TAP)

    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == DONE, timeout=WAIT_MS)
    assert dialog.done_text.text().startswith(f"Refunded $19.49 to •••• {card.number[-4:]}.")
    assert "Card balance: $50.00." in dialog.done_text.text()
    assert not dialog.new_number.isVisible()
    assert balance(card) == 50_00


def test_refund_screen_store_credit_on_a_new_card_shows_its_number(
    qtbot: QtBot, till: Callable[..., MainWindow], register_client: ServerClient
) -> None:
    """A cash sale refunded as store credit with no card at the counter: a new card, its
    number shown large this once, holding the amount typed on the keypad."""
    window = till()
    number = pay_in_cash(qtbot, window, "Mug")
    new_sale(qtbot, window)

    tap_refund(qtbot, window)
    dialog = refund_dialog(qtbot)
    open_sale(qtbot, dialog, number)
    qtbot.mouseClick(button(dialog, "refundStoreCredit"), TAP)
    for key in ("keypadClear", "keypadKey5", "keypadKey0", "keypadKey0"):
        qtbot.mouseClick(button(dialog.keypad, key), TAP)
    assert dialog.amount_input.text() == "5.00"
    type_into(qtbot, window, dialog.reason_input, "store credit")
    qtbot.mouseClick(button(dialog, "refundConfirm"), TAP)

    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == DONE, timeout=WAIT_MS)
    assert dialog.new_number.isVisible()
    shown = dialog.new_number.text()
    assert len(shown.replace(" ", "")) == 16 and shown.count(" ") == 3
    card = register_client.lookup_card(shown.replace(" ", ""))
    assert card.balance.amount == 5_00 and card.status == "active"
    qtbot.mouseClick(button(dialog, "refundDone"), TAP)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_refund_screen_asks_a_cashier_for_a_manager_pin_first(
    qtbot: QtBot, till: Callable[..., MainWindow], store: Callable[..., None]
) -> None:
    """Where the store puts refunds behind a manager's PIN, the cashier's Refund opens the PIN
    pad; the manager's PIN opens the Refund screen."""
    store(approvals=[ApprovalAction.REFUND])
    window = till()

    tap_refund(qtbot, window)

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog))
    pad = QApplication.activeModalWidget()
    assert isinstance(pad, ApprovalDialog)
    qtbot.waitUntil(pad.pin_pad.isEnabled)
    for digit in MANAGER_PIN:
        qtbot.mouseClick(button(pad.pin_pad, f"keypadKey{digit}"), TAP)
    qtbot.mouseClick(button(pad.pin_pad, "keypadEnter"), TAP)
    dialog = refund_dialog(qtbot)
    assert dialog.pages.currentIndex() != REFUND  # the sales to pick from


@pytest.fixture
def printer() -> Iterator[PrinterServer]:
    server = PrinterServer(free_port())
    yield server
    server.close()


def test_cash_out_offer_after_a_payment_pays_out_the_rest(
    qtbot: QtBot,
    till: Callable[..., MainWindow],
    store: Callable[..., None],
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
    printer: PrinterServer,
) -> None:
    """A payment leaves $4.00 on the card where the store cashes out under $10.00: the
    register offers it; accepted, the drawer opens and the card is at $0.00."""
    store(cash_out_below=10_00)
    services: list[PrintService] = []

    def printing(database: RegisterDatabase) -> PrintService:
        device = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=printer.port), timeout=2)
        service = PrintService(database, device, render_escpos, utc_now, retry_seconds=0.2)
        service.start()
        services.append(service)
        return service

    window = till(printing=printing)
    card = issue(19_49 + 4_00)
    try:
        pay_by_card(qtbot, window, card.number, "Scented candle")
        qtbot.waitUntil(lambda: window.cash_out_dialog is not None, timeout=WAIT_MS)
        offer = window.cash_out_dialog
        assert isinstance(offer, CashOutDialog)
        qtbot.waitExposed(offer)
        assert offer.accept_button.text() == "Cash out $4.00"

        qtbot.mouseClick(button(offer, "cashOutAccept"), TAP)

        qtbot.waitUntil(lambda: offer.accept_button.text() == "Done", timeout=WAIT_MS)
        assert "Gift card" in offer.words.text() and "balance: $0.00" in offer.words.text()
        qtbot.waitUntil(lambda: drawer_kick() in printer.received, timeout=WAIT_MS)
        assert balance(card) == 0
    finally:
        for service in services:
            service.stop()
