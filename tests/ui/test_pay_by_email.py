"""Gift Card tender, "No card? Find by e-mail": a customer with only the e-mail pays the
ticket through Deduct Funds by code (seeds 000 and 004), against a real embedded server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from pos_desktop.domain.tender import PaymentState
from pos_desktop.server.demo import DEMO_CARDS, RECIPIENT_EMAIL
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import card_activities, card_balance
from tests.fixtures.clock import FakeClock
from tests.fixtures.deduction_mail import read_code
from tests.fixtures.register import start_server
from tests.ui.gift_cards_support import TAP, WAIT_MS, tap_keys
from tests.ui.support import MakeWindow, button, child, due_text, go_pay, receipt
from tests.ui.test_gift_card_tender import ring_up
from ui.find_by_email_dialog import FindByEmailDialog
from ui.main_window import MainWindow

ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")  # $50.00
LOW = next(card for card in DEMO_CARDS if card.state == "used_low")  # $3.75 left


@dataclass
class Till:
    window: MainWindow
    server: EmbeddedServer
    token: str
    mail_dir: Path

    def code_for(self, card_id: uuid.UUID, skip: int = 0) -> str:
        return read_code(self.server.engine, self.mail_dir, card_id, skip=skip)

    def balance(self, card_id: uuid.UUID) -> int:
        return card_balance(self.server, self.token, card_id)


@pytest.fixture
def till(tmp_path: Path, make_window: MakeWindow, log_in: Callable[..., None]) -> Iterator[Till]:
    """A store of its own (these tests move money and send codes), a cashier logged in."""
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    mail = tmp_path / "mail"
    server = start_server(tmp_path / "server.sqlite3", clock=clock, data_dir=mail)
    enrolled = server.enroll_local_register("E-mail register")
    with ServerClient(server.base_url, enrolled.token) as client:
        window = make_window(client, clock=clock.now, data_dir=tmp_path / "register")
        log_in(window)
        yield Till(window, server, enrolled.token, mail)
        window.close()
    server.stop()


def open_find_by_email(qtbot: QtBot, window: MainWindow) -> FindByEmailDialog:
    tender = window.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)
    qtbot.waitUntil(lambda: tender.gift_card_dialog is not None)
    assert tender.gift_card_dialog is not None
    qtbot.mouseClick(button(tender.gift_card_dialog, "findByEmailButton"), TAP)
    qtbot.waitUntil(lambda: tender.email_dialog is not None and tender.email_dialog.isVisible())
    assert tender.email_dialog is not None
    return tender.email_dialog


def choose_card(qtbot: QtBot, dialog: FindByEmailDialog, email: str, last4: str) -> None:
    qtbot.keyClicks(dialog.email_input, email)
    qtbot.mouseClick(button(dialog, "payEmailSearch"), TAP)

    def card_button() -> QPushButton | None:
        for found in dialog.findChildren(QPushButton, "payEmailCard"):
            if found.accessibleName().endswith(last4):
                return found
        return None

    qtbot.waitUntil(lambda: card_button() is not None, timeout=WAIT_MS)
    chosen = card_button()
    assert chosen is not None and chosen.isEnabled()
    qtbot.mouseClick(chosen, TAP)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.panel)


def ask_for_code(qtbot: QtBot, dialog: FindByEmailDialog) -> None:
    panel = dialog.panel
    qtbot.mouseClick(button(panel, "deductFundsButton"), TAP)
    qtbot.waitUntil(lambda: panel.verify_button.isVisible(), timeout=WAIT_MS)


def type_code(qtbot: QtBot, dialog: FindByEmailDialog, code: str) -> None:
    tap_keys(qtbot, dialog.panel.code_keypad, code)
    qtbot.mouseClick(button(dialog.panel, "verifyCodeButton"), TAP)


def test_pay_by_email_code_pays_the_whole_ticket(qtbot: QtBot, till: Till) -> None:
    """The card found by the recipient's e-mail pays the due with the e-mailed code; the
    ticket completes and the server's history ties the deduction to the ticket."""
    window = till.window
    ring_up(qtbot, window, "Scented candle")  # $19.49
    go_pay(qtbot, window)
    sale = window.tab_frame.tender_view.sale
    assert sale is not None
    dialog = open_find_by_email(qtbot, window)
    choose_card(qtbot, dialog, RECIPIENT_EMAIL, ACTIVE.number[-4:])
    assert dialog.panel.amount_input.text() == "19.49"  # the due, within the balance
    ask_for_code(qtbot, dialog)
    card = dialog.panel.card
    assert card is not None
    type_code(qtbot, dialog, till.code_for(card.id))

    printed = child(receipt(qtbot, window), QLabel, "receiptText").text()
    assert f"Gift Card •••• {ACTIVE.number[-4:]}" in printed
    assert "$30.51" in printed  # the card's balance after
    assert till.balance(card.id) == 50_00 - 19_49
    newest = card_activities(till.server, till.token, card.id)[0]
    assert newest["kind"] == "deduct_by_code"
    assert newest["ticket_id"] == str(sale.id)
    assert newest["employee"]["name"] == "Casey Cashier"


def test_pay_by_email_card_short_of_the_due_leaves_the_rest_due(qtbot: QtBot, till: Till) -> None:
    """A card holding less than the due pays what it holds (the amount starts at its balance);
    the rest stays due on other tenders."""
    window = till.window
    ring_up(qtbot, window, "Scented candle")  # $19.49
    go_pay(qtbot, window)
    dialog = open_find_by_email(qtbot, window)
    choose_card(qtbot, dialog, RECIPIENT_EMAIL, LOW.number[-4:])
    assert dialog.panel.amount_input.text() == "3.75"
    ask_for_code(qtbot, dialog)
    card = dialog.panel.card
    assert card is not None
    type_code(qtbot, dialog, till.code_for(card.id))

    qtbot.waitUntil(lambda: due_text(window) == "$15.74", timeout=WAIT_MS)
    tender = window.tab_frame.tender_view
    assert tender.sale is not None
    assert [(p.state, p.covered.minor) for p in tender.sale.visible_payments] == [
        (PaymentState.APPROVED, 3_75)
    ]
    assert till.balance(card.id) == 0
    assert "New balance: $0.00" in tender.banner.text()


def test_pay_by_email_wrong_code_takes_nothing(qtbot: QtBot, till: Till) -> None:
    """A wrong code says how many attempts are left and puts no tender on the ticket; the
    right code then pays."""
    window = till.window
    ring_up(qtbot, window, "Mug")  # $12.99
    go_pay(qtbot, window)
    dialog = open_find_by_email(qtbot, window)
    choose_card(qtbot, dialog, RECIPIENT_EMAIL, ACTIVE.number[-4:])
    ask_for_code(qtbot, dialog)
    card = dialog.panel.card
    assert card is not None
    code = till.code_for(card.id)
    type_code(qtbot, dialog, str((int(code) + 1) % 1_000_000).zfill(6))
    qtbot.waitUntil(
        lambda: dialog.panel.attempts_label.text() == "2 attempts left", timeout=WAIT_MS
    )
    assert "Wrong code" in dialog.panel.banner.text()
    tender = window.tab_frame.tender_view
    assert tender.sale is not None and not tender.sale.visible_payments
    assert till.balance(card.id) == 50_00

    type_code(qtbot, dialog, code)
    receipt(qtbot, window)
    assert till.balance(card.id) == 50_00 - 12_99
