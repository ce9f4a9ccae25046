"""Keypads do what the cashier aims at (issue 12, point 4): the first key on a prefilled
amount starts a new one, the keypad types into the field that shows focus, a digit over a cap
leaves the cap and says so without moving the keypad, amount fields refuse letters and minus
signs as typed, and a reload after a refusal never refills what the cashier is typing."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import DEMO_CARDS
from tests.ui.gift_cards_support import open_card, tap_keys
from tests.ui.support import TAP, button, due_text, pay_for
from ui.gift_cards_view import GiftCardsView
from ui.main_window import MainWindow
from ui.tender_view import TenderView

LOW_CARD = next(card for card in DEMO_CARDS if card.state == "used_low")  # holds $3.75
AN_AMOUNT = re.compile(r"\d*(\.\d*)?")


def pay_for_a_croissant(qtbot: QtBot, window: MainWindow) -> TenderView:
    """A $3.75 ticket (no tax) on the Pay screen, its amount prefilled with the due."""
    return pay_for(qtbot, window, "Croissant", "3.75")


def touch_amount(qtbot: QtBot, tender: TenderView) -> None:
    """The cashier touches Amount: the focus ring (and the keypad) are there."""
    qtbot.mouseClick(tender.amount_input, TAP)
    qtbot.waitUntil(tender.amount_input.hasFocus)


class _KeyPresses(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            self.count += 1
        return False


def type_on_keyboard(qtbot: QtBot, field: QLineEdit, keys: str) -> None:
    """A hardware keyboard types ``keys``; returns once the field has handled each of them."""
    presses = _KeyPresses()
    field.installEventFilter(presses)
    qtbot.keyClicks(field, keys)
    qtbot.waitUntil(lambda: presses.count == len(keys))
    qtbot.wait(1)  # the last key's own handling has returned
    field.removeEventFilter(presses)


def test_pay_keypad_first_key_on_the_prefilled_due_starts_a_new_amount(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Tapping 5-0-0 on the prefilled due of $3.75 takes $5.00, not $3,755.00."""
    tender = pay_for_a_croissant(qtbot, till)
    touch_amount(qtbot, tender)
    tap_keys(qtbot, tender.keypad, "500")
    assert tender.amount_input.text() == "5.00"


def test_pay_keypad_types_into_the_field_that_shows_focus(qtbot: QtBot, till: MainWindow) -> None:
    """Pay opens with the ring on Amount, where the keypad types; after Set tip the ring and
    the keypad move back to Amount together; tapping Custom tip takes both there."""
    tender = pay_for_a_croissant(qtbot, till)
    assert tender.amount_input.hasFocus() and not tender.tip_input.hasFocus()
    tap_keys(qtbot, tender.keypad, "4")
    assert tender.amount_input.text() == "0.04" and tender.tip_input.text() == ""

    qtbot.mouseClick(tender.tip_input, TAP)
    qtbot.waitUntil(tender.tip_input.hasFocus)
    tap_keys(qtbot, tender.keypad, "100")
    qtbot.mouseClick(button(tender, "tipApply"), TAP)
    qtbot.waitUntil(lambda: due_text(till) == "$4.75")

    assert tender.amount_input.hasFocus() and not tender.tip_input.hasFocus()
    tap_keys(qtbot, tender.keypad, "425")
    assert tender.amount_input.text() == "4.25"
    assert tender.tip_input.text() == ""

    qtbot.mouseClick(tender.tip_input, TAP)
    qtbot.waitUntil(tender.tip_input.hasFocus)
    tap_keys(qtbot, tender.keypad, "200")
    assert tender.tip_input.text() == "2.00"
    assert tender.amount_input.text() == "4.25"


def test_deduct_funds_digit_over_the_balance_leaves_the_balance_and_says_so(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """Aiming at $5.00 on a $3.75 card leaves $3.75 (never $0.50), says so in the field's own
    message line, and no key of the keypad moves."""
    open_card(qtbot, cards_view, LOW_CARD.number[-4:])
    panel = cards_view.deduct_panel
    keys = [button(panel.amount_keypad, f"keypadKey{digit}") for digit in "0123456789"]
    before = [key.mapTo(cards_view, key.rect().topLeft()) for key in keys]

    tap_keys(qtbot, panel.amount_keypad, "500")

    assert panel.amount_input.text() == "3.75"
    assert panel.amount_input.message.isVisible()
    assert panel.amount_input.message_text() == "Capped at the balance, $3.75."
    assert not panel.banner.isVisible()
    qtbot.wait(20)  # a layout change would land on the next pass of the event loop
    assert [key.mapTo(cards_view, key.rect().topLeft()) for key in keys] == before


def test_amount_fields_refuse_letters_and_minus_signs_as_typed(
    qtbot: QtBot, till: MainWindow
) -> None:
    """On a hardware keyboard, letters and minus signs never appear in Amount or Custom tip,
    and the field says why; digits and a point still type (the first replacing the due)."""
    tender = pay_for_a_croissant(qtbot, till)
    amount, tip = tender.amount_input, tender.tip_input
    shown: list[str] = []  # every text either field ever held
    for field in (amount, tip):
        field.textChanged.connect(shown.append)
    qtbot.mouseClick(amount, TAP)
    qtbot.waitUntil(amount.hasFocus)

    type_on_keyboard(qtbot, amount, "-a5.x2e5")
    assert all(AN_AMOUNT.fullmatch(text) for text in shown), shown
    assert amount.text() == "5.25"
    type_on_keyboard(qtbot, amount, "-")
    assert amount.text() == "5.25"
    assert amount.message_text() == "An amount cannot be negative."
    type_on_keyboard(qtbot, amount, "x")
    assert amount.message_text() == "Amounts take digits and one point only."

    qtbot.mouseClick(tip, TAP)
    qtbot.waitUntil(tip.hasFocus)
    type_on_keyboard(qtbot, tip, "-1a,5")
    assert tip.text() == "15"
    assert all(AN_AMOUNT.fullmatch(text) for text in shown), shown


def test_pay_reload_after_a_refusal_keeps_what_the_cashier_is_typing(
    qtbot: QtBot, till: MainWindow
) -> None:
    """Cash with no amount is refused and the ticket reloads; the $5.00 tapped meanwhile stays
    instead of being refilled with the due."""
    tender = pay_for_a_croissant(qtbot, till)
    touch_amount(qtbot, tender)
    qtbot.mouseClick(button(tender, "keypadClear"), TAP)
    with qtbot.waitSignal(till.sale.sale_changed):  # the reload
        qtbot.mouseClick(button(tender, "tenderCash"), TAP)
        tap_keys(qtbot, tender.keypad, "500")
    qtbot.waitUntil(tender.banner.isVisible)
    assert tender.banner.text() == "Enter an amount."
    qtbot.wait(50)  # whatever else the reload queued has run
    assert tender.amount_input.text() == "5.00"
    assert due_text(till) == "$3.75"


def test_pay_keypad_backspace_edits_the_prefilled_due(qtbot: QtBot, till: MainWindow) -> None:
    """⌫ on the prefilled due edits it (shifts it right) rather than starting over; Clear
    empties the field."""
    tender = pay_for_a_croissant(qtbot, till)
    touch_amount(qtbot, tender)
    qtbot.mouseClick(button(tender, "keypadBackspace"), TAP)
    assert tender.amount_input.text() == "0.37"
    tap_keys(qtbot, tender.keypad, "5")
    assert tender.amount_input.text() == "3.75"
    qtbot.mouseClick(button(tender, "keypadClear"), TAP)
    assert tender.amount_input.text() == ""
