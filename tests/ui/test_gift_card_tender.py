"""Seed 004 on screen: the Gift Card tender, Partial Redeem, tips, removal, several cards.

Driven with taps and keys against the real embedded server; balances are checked on the
server's ledger, not on the screen alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from pos_desktop.domain.errors import INSUFFICIENT_BALANCE_MESSAGE
from pos_desktop.domain.money import Money
from pos_desktop.server.demo import DEMO_CARDS
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import IssuedCard, card_balance, issue_active_card
from tests.fixtures.register import start_server
from tests.ui.support import (
    MakeWindow,
    button,
    child,
    due_text,
    go_pay,
    receipt,
    ring_up,
    take_cash,
)
from ui.gift_card_dialogs import GiftCardDialog, PartialRedeemDialog
from ui.main_window import MainWindow
from ui.presenters.sale import ENTER_AN_AMOUNT
from ui.widgets.banner import Banner

TAP = Qt.MouseButton.LeftButton
ACTIVE_NUMBER = next(card.number for card in DEMO_CARDS if card.state == "active")


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


def open_gift_card(qtbot: QtBot, window: MainWindow) -> GiftCardDialog:
    tender = window.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)
    qtbot.waitUntil(lambda: tender.gift_card_dialog is not None)
    dialog = tender.gift_card_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def enter_card(qtbot: QtBot, dialog: GiftCardDialog, number: str) -> None:
    """Type the number on the dialog's keypad and tap OK, as a cashier without a scanner."""
    for digit in number:
        qtbot.mouseClick(button(dialog, f"keypadKey{digit}"), TAP)
    qtbot.mouseClick(button(dialog, "keypadEnter"), TAP)


def partial(qtbot: QtBot, window: MainWindow) -> PartialRedeemDialog:
    tender = window.tab_frame.tender_view
    qtbot.waitUntil(lambda: tender.partial_dialog is not None)
    assert tender.partial_dialog is not None
    qtbot.waitExposed(tender.partial_dialog)
    return tender.partial_dialog


def redeem_whole_balance(qtbot: QtBot, window: MainWindow, card: IssuedCard) -> None:
    """``card`` holds less than the due: Partial Redeem takes its balance, and Continue."""
    enter_card(qtbot, open_gift_card(qtbot, window), card.number)
    dialog = partial(qtbot, window)
    qtbot.mouseClick(button(dialog, "confirmButton"), TAP)
    qtbot.waitUntil(button(dialog, "continueButton").isVisible)
    qtbot.mouseClick(button(dialog, "continueButton"), TAP)


def remove_the_one_tender(qtbot: QtBot, window: MainWindow) -> None:
    """Remove the ticket's only tender, confirming the question Remove asks."""
    tender = window.tab_frame.tender_view
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1)
    qtbot.mouseClick(button(tender.tender_rows[0], "removeTender"), TAP)
    confirm = QApplication.activeModalWidget()
    assert confirm is not None and confirm.objectName() == "confirmDialog"
    qtbot.mouseClick(button(confirm, "confirmYes"), TAP)
    qtbot.waitUntil(lambda: not tender.tender_rows)


def test_gift_card_tender_checks_the_number_before_asking_the_server(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Rule 1: a mistyped number (bad check digit) is refused at once, on the dialog."""
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    dialog = open_gift_card(qtbot, till)
    enter_card(qtbot, dialog, "6035718492055180")
    banner = child(dialog, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == "This card number is not valid. Check the digits and try again."
    assert not dialog.busy.isVisible()


def test_gift_card_tender_pays_in_full_and_completes(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 2: balance >= due redeems the due and completes; the confirmation shows the amount
    and the card's new balance."""
    card = issue(5000)
    ring_up(qtbot, till, "Scented candle")  # $19.49
    go_pay(qtbot, till)
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    shown = receipt(qtbot, till)
    assert "paid $19.49" in shown.confirmation.text()
    assert "New balance: $30.51" in shown.confirmation.text()
    assert balance(card) == 3051


def test_gift_card_tender_zero_balance_shows_the_seed_message(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 3: a $0.00 card is blocked with the exact message; another tender still works."""
    card = issue(300)
    ring_up(qtbot, till, "Espresso", "Espresso")  # $6.50
    go_pay(qtbot, till)
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    partial_dialog = partial(qtbot, till)
    qtbot.mouseClick(button(partial_dialog, "confirmButton"), TAP)
    qtbot.waitUntil(button(partial_dialog, "continueButton").isVisible)
    qtbot.mouseClick(button(partial_dialog, "continueButton"), TAP)
    assert balance(card) == 0

    dialog = open_gift_card(qtbot, till)
    enter_card(qtbot, dialog, card.number)
    banner = child(dialog, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == INSUFFICIENT_BALANCE_MESSAGE
    qtbot.mouseClick(button(dialog, "giftCardCancel"), TAP)
    take_cash(qtbot, till)
    receipt(qtbot, till)


def test_gift_card_tender_zero_balance_message_moves_nothing_and_clips_nothing(
    qtbot: QtBot, till: MainWindow
) -> None:
    """The seed's zero-balance message shows whole in room kept for it: the keypad stays where
    the finger is, and OK and "No card? Find by e-mail" stay whole inside the dialog."""
    zero = next(card.number for card in DEMO_CARDS if card.state == "used_zero")
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    dialog = open_gift_card(qtbot, till)
    keypad_at = dialog.keypad.mapTo(dialog, dialog.keypad.rect().topLeft())

    enter_card(qtbot, dialog, zero)
    banner = child(dialog, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible)

    text = child(banner, QLabel, "errorBannerText")
    assert text.text() == INSUFFICIENT_BALANCE_MESSAGE
    assert text.heightForWidth(text.width()) <= text.height()
    assert dialog.keypad.mapTo(dialog, dialog.keypad.rect().topLeft()) == keypad_at
    for name in ("keypadEnter", "findByEmailButton"):
        shown = button(dialog, name)
        corner = shown.mapTo(dialog, shown.rect().bottomRight())
        assert dialog.rect().contains(corner), name
        assert shown.fontMetrics().horizontalAdvance(shown.text()) <= shown.contentsRect().width()


def test_partial_redeem_screen_caps_the_amount_and_shows_new_balance_and_due(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 4: amount > balance opens Partial Redeem (masked number, current balance, amount,
    keypad); a digit that would pass the balance leaves it and says so; Confirm shows the
    New Balance and the Remaining Due, and other tenders finish the ticket."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")  # $19.49
    go_pay(qtbot, till)
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    dialog = partial(qtbot, till)
    assert child(dialog, QLabel, "cardNumber").text() == f"•••• {card.number[-4:]}"
    assert child(dialog, QLabel, "currentBalance").text() == "$10.00"
    amount = child(dialog, QLineEdit, "redeemAmountInput")
    assert amount.text() == "10.00"

    qtbot.mouseClick(button(dialog, "keypadClear"), TAP)
    for digit in "1000":
        qtbot.mouseClick(button(dialog, f"keypadKey{digit}"), TAP)
    assert amount.text() == "10.00"
    qtbot.mouseClick(button(dialog, "keypadKey1"), TAP)  # would be $100.01: stays at the cap
    assert amount.text() == "10.00"
    message = child(dialog, QLabel, "redeemAmountInputMessage")
    assert message.isVisible() and message.text() == "Capped at the balance, $10.00."
    assert not child(dialog, Banner, "errorBanner").isVisible()  # the keypad does not move

    qtbot.mouseClick(button(dialog, "keypadBackspace"), TAP)
    qtbot.mouseClick(button(dialog, "keypadBackspace"), TAP)  # $0.10
    for digit in "00":
        qtbot.mouseClick(button(dialog, f"keypadKey{digit}"), TAP)  # $10.00 again
    qtbot.mouseClick(button(dialog, "confirmButton"), TAP)
    qtbot.waitUntil(child(dialog, QLabel, "newBalance").isVisible)
    assert child(dialog, QLabel, "newBalance").text() == "$0.00"
    assert child(dialog, QLabel, "remainingDue").text() == "$9.49"
    assert balance(card) == 0

    qtbot.mouseClick(button(dialog, "continueButton"), TAP)
    assert due_text(till) == "$9.49"
    take_cash(qtbot, till)
    receipt(qtbot, till)


def test_partial_redeem_confirms_the_money_its_field_holds(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Confirm hands on the amount the field holds as Money, not text to read again: $5.00
    keyed on a $10.00 card redeems $5.00."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")  # $19.49
    go_pay(qtbot, till)
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    dialog = partial(qtbot, till)
    qtbot.mouseClick(button(dialog, "keypadClear"), TAP)
    for digit in "500":
        qtbot.mouseClick(button(dialog, f"keypadKey{digit}"), TAP)
    with qtbot.waitSignal(dialog.confirmed) as confirmed:
        qtbot.mouseClick(button(dialog, "confirmButton"), TAP)
    assert confirmed.args[1] == Money(500, "USD")
    qtbot.waitUntil(child(dialog, QLabel, "newBalance").isVisible)
    assert child(dialog, QLabel, "newBalance").text() == "$5.00"
    assert balance(card) == 500


def test_partial_redeem_with_the_amount_cleared_asks_for_one(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    """Confirm on an emptied amount redeems nothing and says to enter an amount."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    dialog = partial(qtbot, till)
    qtbot.mouseClick(button(dialog, "keypadClear"), TAP)
    qtbot.mouseClick(button(dialog, "confirmButton"), TAP)
    banner = child(dialog, Banner, "errorBanner")
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == ENTER_AN_AMOUNT
    assert button(dialog, "confirmButton").isEnabled()


def test_gift_card_tender_covers_the_tip_from_what_is_left(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 5: $19.49 + $4.00 tip on a $21.00 card: the ticket first, $1.51 of the tip, and the
    $2.49 of tip left stays due."""
    card = issue(2100)
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    tip = child(tender, QLineEdit, "tipInput")
    qtbot.mouseClick(tip, TAP)
    qtbot.keyClicks(tip, "4.00")
    qtbot.mouseClick(button(tender, "tipApply"), TAP)
    qtbot.waitUntil(lambda: due_text(till) == "$23.49")
    enter_card(qtbot, open_gift_card(qtbot, till), card.number)
    qtbot.waitUntil(lambda: due_text(till) == "$2.49")
    assert balance(card) == 0


def test_removing_a_gift_card_tender_restores_the_balance(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 6: Remove asks first; confirmed, the server reverses and the card is whole again."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    redeem_whole_balance(qtbot, till, card)
    remove_the_one_tender(qtbot, till)
    assert due_text(till) == "$19.49"
    assert balance(card) == 1000


def test_paid_screen_says_what_the_gift_card_paid_after_cash_finished_the_ticket(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    """A gift card paid part and cash the rest: the paid screen still says what the card paid
    and what it holds now."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    redeem_whole_balance(qtbot, till, card)
    take_cash(qtbot, till)
    shown = receipt(qtbot, till)
    assert shown.confirmation.text() == (
        f"Gift card •••• {card.number[-4:]} paid $10.00. New balance: $0.00."
    )


def test_paid_screen_says_nothing_of_a_gift_card_removed_from_the_ticket(
    qtbot: QtBot, till: MainWindow, issue: Callable[[int], IssuedCard]
) -> None:
    """A gift card taken and then removed gave its money back: the paid screen of the cash
    sale does not say it paid."""
    card = issue(1000)
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    redeem_whole_balance(qtbot, till, card)
    remove_the_one_tender(qtbot, till)
    take_cash(qtbot, till)
    shown = receipt(qtbot, till)
    assert shown.confirmation.text() == ""
    assert not shown.confirmation.isVisibleTo(shown)


def test_two_gift_cards_and_cash_pay_one_ticket(
    qtbot: QtBot,
    till: MainWindow,
    issue: Callable[[int], IssuedCard],
    balance: Callable[..., int],
) -> None:
    """Rule 7: each card its own line; cash pays the rest and the ticket completes."""
    cards = [issue(500), issue(800)]
    ring_up(qtbot, till, "Scented candle")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    for count, card in enumerate(cards, start=1):
        enter_card(qtbot, open_gift_card(qtbot, till), card.number)
        dialog = partial(qtbot, till)
        qtbot.mouseClick(button(dialog, "confirmButton"), TAP)
        qtbot.waitUntil(button(dialog, "continueButton").isVisible)
        qtbot.mouseClick(button(dialog, "continueButton"), TAP)
        qtbot.waitUntil(lambda c=count: len(tender.tender_rows) == c)
    assert due_text(till) == "$6.49"
    take_cash(qtbot, till)
    shown = receipt(qtbot, till)
    text = child(shown, QLabel, "receiptText").text()
    assert f"•••• {cards[0].number[-4:]}" in text and f"•••• {cards[1].number[-4:]}" in text
    assert [balance(card) for card in cards] == [0, 0]


def test_gift_card_tender_without_server_says_so_and_cash_still_works(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    log_in: Callable[..., None],
) -> None:
    """While the server is unreachable the Gift Card tender says a connection is needed; cash
    still completes the ticket on the register."""
    server = start_server(tmp_path / "own-server.sqlite3")
    try:
        enrolled = server.enroll_local_register("Offline register")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(client)
            log_in(window)
            ring_up(qtbot, window, "Mug")
            go_pay(qtbot, window)
            server.stop()
            dialog = open_gift_card(qtbot, window)
            enter_card(qtbot, dialog, ACTIVE_NUMBER)
            banner = child(dialog, Banner, "errorBanner")
            qtbot.waitUntil(banner.isVisible)
            assert banner.text().startswith("Gift cards need a connection to the server")
            qtbot.mouseClick(button(dialog, "giftCardCancel"), TAP)
            take_cash(qtbot, window)
            receipt(qtbot, window)
            window.close()
    finally:
        server.stop()
