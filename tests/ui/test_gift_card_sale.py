"""Selling and reloading gift cards at the checkout, by taps, against the real embedded server:
the line appears with the server's answer, a removed line cancels its card, the gift-card
tender is refused on such a ticket, and the completed ticket loads the card.

``CARD_SALE_PICTURES=<folder>`` keeps pictures of the screens at 1024x768 there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import IssuedCard, card_balance, issue_active_card
from tests.fixtures.checkout import _card as server_card
from tests.fixtures.register import start_server
from tests.ui.card_sale_support import WAIT_MS, key_in, open_card_sale, sell
from tests.ui.support import (
    SYMBOL_KEYS,
    MakeWindow,
    button,
    go_pay,
    receipt,
    tap_named,
    tap_pin,
    type_into,
)
from ui.main_window import MainWindow

TAP = Qt.MouseButton.LeftButton
REGISTER = (1024, 768)


@pytest.fixture
def issue(
    demo_server: EmbeddedServer, register_client: ServerClient
) -> Callable[[int], IssuedCard]:
    return lambda amount: issue_active_card(
        demo_server, register_client.register_token or "", amount
    )


@pytest.fixture
def on_server(
    demo_server: EmbeddedServer, register_client: ServerClient
) -> Callable[[uuid.UUID], dict[str, Any]]:
    """A card as the server shows it."""
    return lambda card_id: server_card(demo_server, register_client.register_token or "", card_id)


@pytest.fixture
def look() -> Callable[[MainWindow, QWidget | None, str], None]:
    """Keeps a picture of the window (and the dialog over it) in CARD_SALE_PICTURES, if set."""
    folder = os.environ.get("CARD_SALE_PICTURES")

    def keep(window: MainWindow, dialog: QWidget | None, name: str) -> None:
        if not folder:
            return
        picture = window.grab()
        if dialog is not None:
            painter = QPainter(picture)
            shot: QPixmap = dialog.grab()
            where = window.mapFromGlobal(dialog.mapToGlobal(QPoint(0, 0)))
            painter.drawPixmap(where, shot)
            painter.end()
        Path(folder).mkdir(parents=True, exist_ok=True)
        picture.save(str(Path(folder) / f"{name}.png"))

    return keep


def type_capitalised(qtbot: QtBot, window: MainWindow, field: QLineEdit, text: str) -> None:
    """Tap the field, Shift, then the rest of ``text`` on the on-screen keyboard."""
    qtbot.mouseClick(field, TAP)
    keyboard = window.keyboard.keyboard
    assert keyboard is not None
    qtbot.mouseClick(button(keyboard, "keyboardShift"), TAP)
    for char in text:
        name = SYMBOL_KEYS.get(char, f"keyboardKey{char.upper()}")
        qtbot.mouseClick(button(keyboard, name), TAP)
    assert field.text() == text


def last_line_name(window: MainWindow) -> str:
    sale = window.tab_frame.checkout_view.sale
    return sale.lines[-1].name if sale is not None and sale.lines else ""


def wait_for_card_line(qtbot: QtBot, window: MainWindow, prefix: str) -> Any:
    qtbot.waitUntil(lambda: last_line_name(window).startswith(prefix), timeout=WAIT_MS)
    sale = window.tab_frame.checkout_view.sale
    assert sale is not None
    card = sale.lines[-1].card
    assert card is not None
    return card


def test_card_sale_issues_a_new_number_for_a_physical_card(
    qtbot: QtBot,
    till: MainWindow,
    on_server: Callable[[uuid.UUID], dict[str, Any]],
    look: Callable[..., None],
) -> None:
    """Amount by keypad, Issue a new number: the number is shown once, the line is added,
    and the card waits on the server (pending, nothing on it)."""
    till.resize(*REGISTER)
    dialog = open_card_sale(qtbot, till)
    key_in(qtbot, dialog, dialog.amount_input, "2500")
    look(till, dialog, "gift-card-sale")

    sell(qtbot, dialog, "issueNewNumber")

    qtbot.waitUntil(lambda: "New card number" in dialog.banner.text(), timeout=WAIT_MS)
    card = wait_for_card_line(qtbot, till, "Gift card ••••")
    assert dialog.issued_number.replace(" ", "").endswith(card.last4)
    sell(qtbot, dialog, "cardSaleCancel")  # now "Done"
    qtbot.waitUntil(lambda: not dialog.isVisible())
    look(till, None, "gift-card-sale-checkout")
    shown = on_server(card.card_id)
    assert shown["status"] == "pending" and shown["balance"]["amount"] == 0


def test_card_sale_below_the_minimum_is_said_next_to_the_amount(
    qtbot: QtBot, till: MainWindow
) -> None:
    dialog = open_card_sale(qtbot, till)
    key_in(qtbot, dialog, dialog.amount_input, "50")

    sell(qtbot, dialog, "issueNewNumber")

    qtbot.waitUntil(lambda: "at least $1.00" in dialog.amount_input.message.text())
    assert till.tab_frame.checkout_view.sale is None or not till.tab_frame.checkout_view.sale.lines


def test_card_sale_of_a_typed_blank_loads_it_when_paid(
    qtbot: QtBot,
    till: MainWindow,
    demo_server: EmbeddedServer,
    register_client: ServerClient,
    look: Callable[..., None],
) -> None:
    """A blank's number typed on the keypad; the ticket paid in cash loads the card, and the
    receipt shows its last 4 and starting balance."""
    till.resize(*REGISTER)
    number = generate_card_number()
    dialog = open_card_sale(qtbot, till)
    key_in(qtbot, dialog, dialog.number_input, number)
    key_in(qtbot, dialog, dialog.amount_input, "3000")

    sell(qtbot, dialog, "addCardLine")
    card = wait_for_card_line(qtbot, till, "Gift card ••••")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    go_pay(qtbot, till)
    qtbot.mouseClick(button(till.tab_frame.tender_view, "tenderCash"), TAP)

    shown = receipt(qtbot, till)
    text = shown.findChild(QLabel, "receiptText")
    body = text.text() if text is not None else ""
    look(till, shown, "gift-card-sale-receipt")
    token = register_client.register_token or ""
    qtbot.waitUntil(
        lambda: card_balance(demo_server, token, card.card_id) == 30_00, timeout=WAIT_MS
    )
    assert number[-4:] == card.last4
    assert "Starting balance" in body and f"•••• {card.last4}" in body


def test_card_sale_of_an_egift_sent_later(
    qtbot: QtBot,
    till: MainWindow,
    on_server: Callable[[uuid.UUID], dict[str, Any]],
    look: Callable[..., None],
) -> None:
    """Recipient on the on-screen keyboard, sent tomorrow at 9:00 on the store's clock."""
    till.resize(*REGISTER)
    dialog = open_card_sale(qtbot, till)
    sell(qtbot, dialog, "cardSaleEgift")
    type_capitalised(qtbot, till, dialog.recipient_name, "Robin")
    type_into(qtbot, till, dialog.recipient_email, "robin@example.com")
    type_capitalised(qtbot, till, dialog.message_input, "Happy birthday")
    sell(qtbot, dialog, "sendLater")
    key_in(qtbot, dialog, dialog.amount_input, "4000")
    look(till, dialog, "gift-card-sale-egift")

    sell(qtbot, dialog, "addCardLine")

    card = wait_for_card_line(qtbot, till, "E-gift card ••••")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert card.recipient_name == "Robin" and card.deliver_at is not None
    assert on_server(card.card_id)["recipient_email"] == "robin@example.com"


def test_card_sale_reloads_a_card(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    active = issue(20_00)
    dialog = open_card_sale(qtbot, till)
    sell(qtbot, dialog, "cardSaleReload")
    key_in(qtbot, dialog, dialog.reload_input, active.number)
    key_in(qtbot, dialog, dialog.amount_input, "1500")

    sell(qtbot, dialog, "addCardLine")

    card = wait_for_card_line(qtbot, till, "Gift card reload ••••")
    assert card.card_id == active.id
    assert till.tab_frame.checkout_view.sale is not None
    assert till.tab_frame.checkout_view.sale.totals.total.minor == 15_00


def test_card_sale_removed_line_cancels_the_card(
    qtbot: QtBot, till: MainWindow, on_server: Callable[[uuid.UUID], dict[str, Any]]
) -> None:
    dialog = open_card_sale(qtbot, till)
    key_in(qtbot, dialog, dialog.number_input, generate_card_number())
    key_in(qtbot, dialog, dialog.amount_input, "1500")
    sell(qtbot, dialog, "addCardLine")
    card = wait_for_card_line(qtbot, till, "Gift card ••••")
    qtbot.waitUntil(lambda: not dialog.isVisible())

    tap_named(qtbot, till.tab_frame.checkout_view, "lineRemove", f"Remove Gift card {card.masked}")

    view = till.tab_frame.checkout_view
    qtbot.waitUntil(lambda: view.sale is None or not view.sale.lines, timeout=WAIT_MS)
    assert on_server(card.card_id)["status"] == "voided"


def test_card_sale_ticket_refuses_the_gift_card_tender(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    """A gift card does not pay for a gift card: said on Pay, and no card is asked for."""
    dialog = open_card_sale(qtbot, till)
    key_in(qtbot, dialog, dialog.amount_input, "2000")
    sell(qtbot, dialog, "issueNewNumber")
    wait_for_card_line(qtbot, till, "Gift card ••••")
    sell(qtbot, dialog, "cardSaleCancel")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view

    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)

    assert "a gift card cannot pay for a gift card" in tender.banner.text()
    assert tender.gift_card_dialog is None or not tender.gift_card_dialog.isVisible()


def test_card_sale_without_the_server_says_it_is_needed(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    """The server gone, the Gift card button says plainly that selling needs it."""
    server = start_server(tmp_path / "gone.sqlite3")
    try:
        enrolled = server.enroll_local_register("Counter")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(client)
            tap_pin(qtbot, window, "1111")
            qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
            server.stop()
            checkout = window.tab_frame.checkout_view
            qtbot.mouseClick(button(checkout, "sellGiftCardButton"), TAP)
            qtbot.waitUntil(lambda: "needs the server" in checkout.banner.text(), timeout=WAIT_MS)
            assert checkout.card_sale_dialog is None
            window.close()
    finally:
        server.stop()
