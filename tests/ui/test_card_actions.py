"""A manager's card actions by taps, against a real embedded server of the test's own: block,
unblock, void (asked twice), adjust up and down, replace, cash out (the drawer opens), from the
Back Office's Gift Cards page and the Gift Cards tab; a cashier sees none of them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from pytestqt.qtbot import QtBot

from hardware.printer import drawer_kick
from pos_desktop.db import cash
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money
from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS
from tests.ui.card_actions_support import (
    Counter,
    bar_of,
    card_id,
    confirm_and_close,
    confirm_and_wait,
    give_reason,
    office_card,
    open_action,
    tab_card,
    wait_for,
)
from tests.ui.gift_cards_support import tap_keys
from tests.ui.support import TAP, button
from ui.card_action_dialog import CardActionDialog
from ui.card_actions_bar import BUTTON_NAMES
from ui.main_window import MainWindow

ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")  # $50.00
LAST4 = ACTIVE.number[-4:]


def keep_picture(window: MainWindow, dialog: CardActionDialog | None, name: str) -> None:
    """A picture of the window (and the dialog over it) in CARD_ACTION_PICTURES, if set."""
    folder = os.environ.get("CARD_ACTION_PICTURES")
    if not folder:
        return
    picture = window.grab()
    if dialog is not None:
        painter = QPainter(picture)
        where = window.mapFromGlobal(dialog.mapToGlobal(QPoint(0, 0)))
        painter.drawPixmap(where, dialog.grab())
        painter.end()
    Path(folder).mkdir(parents=True, exist_ok=True)
    picture.save(str(Path(folder) / f"{name}.png"))


def test_card_actions_block_holds_the_card(qtbot: QtBot, counter: Counter) -> None:
    """Block with a reason: the card reads Blocked, and Unblock is offered in its place."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)
    keep_picture(window, None, "gift-card-actions")

    dialog = open_action(qtbot, bar_of(page), "blockCardButton")
    give_reason(qtbot, window, dialog, "reported stolen")
    confirm_and_close(qtbot, dialog)

    wait_for(qtbot, lambda: page.fields["status"].text() == "Blocked")
    assert page.banner.text().startswith(f"Card •••• {LAST4} is blocked")
    assert button(bar_of(page), "unblockCardButton").isVisible()
    assert not button(bar_of(page), "blockCardButton").isVisible()


def test_card_actions_unblock_releases_the_card(qtbot: QtBot, counter: Counter) -> None:
    """A blocked card unblocked with a reason reads Active again."""
    with counter.manager() as manager:
        manager.card_action(card_id(manager, LAST4), "block", "held for a check", "hold-1")
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)
    assert page.fields["status"].text() == "Blocked"

    dialog = open_action(qtbot, bar_of(page), "unblockCardButton")
    give_reason(qtbot, window, dialog, "checked")
    confirm_and_close(qtbot, dialog)

    wait_for(qtbot, lambda: page.fields["status"].text() == "Active")


def test_card_actions_block_without_a_reason_asks_for_one(qtbot: QtBot, counter: Counter) -> None:
    """Block with the reason left empty: the dialog says so and stays; the card is as it was."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "blockCardButton")
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)

    assert dialog.isVisible()
    assert dialog.banner.text() == "Enter a reason: it is kept in the audit log."
    assert page.fields["status"].text() == "Active"


def test_card_actions_void_asks_again_then_voids(qtbot: QtBot, counter: Counter) -> None:
    """Void asks once more (it is final, the $50.00 leaves with it); confirmed, the card
    reads Voided at $0.00 and offers nothing but its statement."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "voidCardButton")
    give_reason(qtbot, window, dialog, "fraud")
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)
    assert dialog.pages.currentWidget() is dialog.confirm_page
    question = dialog.findChild(type(dialog.done_title), "voidQuestion")
    assert question is not None and "$50.00" in question.text()
    keep_picture(window, dialog, "gift-card-void-confirm")
    confirm_and_close(qtbot, dialog, "voidForGood")

    wait_for(qtbot, lambda: page.fields["status"].text() == "Voided")
    assert page.fields["balance"].text() == "$0.00"
    shown = [name for name in BUTTON_NAMES.values() if button(bar_of(page), name).isVisible()]
    assert shown == []
    assert bar_of(page).statement_button.isVisible()


def test_card_actions_void_kept_changes_nothing(qtbot: QtBot, counter: Counter) -> None:
    """ "Keep the card" at Void's second question goes back; the card stays Active."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "voidCardButton")
    give_reason(qtbot, window, dialog, "fraud")
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)
    qtbot.mouseClick(button(dialog, "voidKeep"), TAP)

    assert dialog.pages.currentWidget() is dialog.form_page
    assert page.fields["status"].text() == "Active"


def test_card_actions_adjust_up_by_keypad(qtbot: QtBot, counter: Counter) -> None:
    """Up by $5.00 on the keypad, with a reason: the balance reads $55.00."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "adjustCardButton")
    assert dialog.keypad is not None
    tap_keys(qtbot, dialog.keypad, "500")
    give_reason(qtbot, window, dialog, "goodwill")
    keep_picture(window, dialog, "gift-card-adjust")
    confirm_and_close(qtbot, dialog)

    wait_for(qtbot, lambda: page.fields["balance"].text() == "$55.00")
    assert page.banner.text() == f"The balance of •••• {LAST4} is now $55.00."


def test_card_actions_adjust_down_by_keypad(qtbot: QtBot, counter: Counter) -> None:
    """Down by $10.00: the balance reads $40.00, and the activity shows the adjustment."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "adjustCardButton")
    qtbot.mouseClick(button(dialog, "adjustDown"), TAP)
    assert dialog.keypad is not None
    tap_keys(qtbot, dialog.keypad, "1000")
    give_reason(qtbot, window, dialog, "double load")
    confirm_and_close(qtbot, dialog)

    wait_for(qtbot, lambda: page.fields["balance"].text() == "$40.00")
    wait_for(qtbot, lambda: page.activities.topLevelItem(0).text(1).startswith("Adjusted"))


def test_card_actions_adjust_below_zero_is_refused(qtbot: QtBot, counter: Counter) -> None:
    """Down by more than the card holds: the server's refusal shows in the dialog, which
    stays open, and the balance is unchanged."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "adjustCardButton")
    qtbot.mouseClick(button(dialog, "adjustDown"), TAP)
    assert dialog.keypad is not None
    tap_keys(qtbot, dialog.keypad, "6000")
    give_reason(qtbot, window, dialog, "correction")
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)

    wait_for(qtbot, lambda: bool(dialog.banner.text()))
    assert dialog.banner.text() == "The card holds $50.00; it cannot go down by more."
    assert dialog.isVisible()
    assert page.fields["balance"].text() == "$50.00"


def test_card_actions_replace_shows_the_new_number_once(qtbot: QtBot, counter: Counter) -> None:
    """Replace with a reason: the new card's full number shows, large, until Done; the old
    card reads Voided and the new one holds its $50.00."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "replaceCardButton")
    give_reason(qtbot, window, dialog, "lost")
    confirm_and_wait(qtbot, dialog)

    number = dialog.done_big.text().replace(" ", "")
    assert number.isdigit() and len(number) >= 13
    keep_picture(window, dialog, "gift-card-replaced")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(button(dialog, "cardActionDone"), TAP)
    wait_for(qtbot, lambda: page.fields["status"].text() == "Voided")
    found = counter.client.lookup_card(number)
    assert found.balance.amount == 50_00 and found.status == "active"


def test_card_actions_cash_out_asks_for_the_number_in_the_back_office(
    qtbot: QtBot, counter: Counter
) -> None:
    """In the Back Office the card's number is scanned or typed: a number of another card is
    refused at once, the card's own pays out $50.00 and the drawer opens."""
    window = counter.window(qtbot)
    page = office_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(page), "cashOutCardButton")
    assert dialog.number_input is not None and dialog.keypad is not None
    qtbot.mouseClick(dialog.number_input, TAP)
    tap_keys(qtbot, dialog.keypad, DEMO_CARDS[2].number)
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)
    assert dialog.banner.text().startswith("That number is not this card's")

    qtbot.mouseClick(button(dialog.keypad, "keypadClear"), TAP)
    tap_keys(qtbot, dialog.keypad, ACTIVE.number)
    confirm_and_wait(qtbot, dialog)

    assert dialog.done_big.text() == "$50.00"
    assert counter.printer.wait_for(1) == [drawer_kick()]
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(button(dialog, "cardActionDone"), TAP)
    wait_for(qtbot, lambda: page.fields["balance"].text() == "$0.00")


def test_card_actions_cash_out_at_the_counter_uses_the_number_searched(
    qtbot: QtBot, counter: Counter
) -> None:
    """In the Gift Cards tab a card found by its number is at the counter: Cash out asks for
    no number, opens the drawer, the card reads $0.00 and the cash paid out is counted."""
    window = counter.window(qtbot)
    view = tab_card(qtbot, window, ACTIVE.number)
    keep_picture(window, None, "gift-cards-tab-manager")

    dialog = open_action(qtbot, bar_of(view), "cashOutCardButton")
    assert dialog.number_input is None
    confirm_and_wait(qtbot, dialog)

    assert counter.printer.wait_for(1) == [drawer_kick()]
    assert "Pay out $50.00 in cash. The drawer is opening." in dialog.done_note.text()
    keep_picture(window, dialog, "gift-card-cash-out")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(button(dialog, "cardActionDone"), TAP)
    wait_for(qtbot, lambda: view.card_balance.text() == "$0.00")
    database = RegisterDatabase.in_folder(counter.data_dir)
    try:
        with database.session() as db:
            (moved,) = cash.movements(db)
    finally:
        database.close()
    assert (moved.kind, moved.amount, moved.card_last4) == (
        "gift_card_cash_out",
        Money(-50_00, "USD"),
        LAST4,
    )
    assert moved.employee_name == "Morgan Manager"


def test_card_actions_not_offered_to_a_cashier(qtbot: QtBot, counter: Counter) -> None:
    """A cashier at the Gift Cards tab sees the card and Print statement, no manager action."""
    window = counter.window(qtbot, CASHIER_PIN)
    view = tab_card(qtbot, window, LAST4)

    bar = bar_of(view)
    assert bar.manage_button is not None and not bar.manage_button.isVisible()
    assert [name for name in BUTTON_NAMES.values() if button(bar, name).isVisible()] == []
    assert bar.statement_button.isVisible()


def test_card_actions_in_the_gift_cards_tab_refresh_the_card(
    qtbot: QtBot, counter: Counter
) -> None:
    """A manager blocks the card from the Gift Cards tab: its status and history follow."""
    window = counter.window(qtbot)
    view = tab_card(qtbot, window, LAST4)

    dialog = open_action(qtbot, bar_of(view), "blockCardButton")
    give_reason(qtbot, window, dialog, "reported stolen")
    confirm_and_close(qtbot, dialog)

    wait_for(qtbot, lambda: view.card_status.text() == "Blocked")
    wait_for(qtbot, lambda: view.history.topLevelItem(0).text(2) == "Blocked")
    keep_picture(window, None, "gift-cards-tab-actions")
