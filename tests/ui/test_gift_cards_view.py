"""Gift Cards tab: search (recipient or buyer e-mail, number, last 4) and a card's details and
history, against the demo store (read only: these tests deduct nothing)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import BUYER_EMAIL, DEMO_CARDS, RECIPIENT_EMAIL
from tests.ui.gift_cards_support import (
    WAIT_MS,
    history_rows,
    open_card,
    rows,
    search,
    tap_row,
)
from tests.ui.support import button
from ui.gift_cards_view import (
    BALANCE_COLUMN,
    CARD_COLUMN,
    EMPLOYEE_COLUMN,
    KIND_COLUMN,
    RECIPIENT_COLUMN,
    REGISTER_COLUMN,
    STATUS_COLUMN,
    TICKET_COLUMN,
    TIME_COLUMN,
    GiftCardsView,
)
from ui.main_window import MainWindow

BY_STATE = {card.state: card for card in DEMO_CARDS}
HISTORY_CELL_PADDING_PX = 4  # theme.qss: QTreeWidget#historyTable::item { padding: 5px 4px }
# "11/6/26 10:00 AM": the store's local date and time (babel, en_US).
LOCAL_TIME = re.compile(r"^\d{1,2}/\d{1,2}/\d{2} \d{1,2}:\d{2}\s[AP]M$")


def test_gift_cards_search_finds_demo_cards_case_insensitively(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """Searching the recipient's e-mail in other letter case lists all their cards."""
    search(qtbot, cards_view, RECIPIENT_EMAIL.upper())
    expected = sum(card.recipient_email == RECIPIENT_EMAIL for card in DEMO_CARDS)
    results = cards_view.results
    qtbot.waitUntil(lambda: results.topLevelItemCount() == expected, timeout=WAIT_MS)
    assert results.isVisible()
    assert all(RECIPIENT_EMAIL in row[RECIPIENT_COLUMN] for row in rows(cards_view))


def test_gift_cards_search_rows_show_status_masked_number_and_balance(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """Each row shows the status, the masked number and the balance in store currency."""
    search(qtbot, cards_view, RECIPIENT_EMAIL)
    qtbot.waitUntil(lambda: cards_view.results.topLevelItemCount() > 0, timeout=WAIT_MS)
    found = {
        row[CARD_COLUMN]: (row[STATUS_COLUMN], row[BALANCE_COLUMN]) for row in rows(cards_view)
    }
    assert found[f"•••• {BY_STATE['active'].number[-4:]}"] == ("Active", "$50.00")
    assert found[f"•••• {BY_STATE['used_low'].number[-4:]}"] == ("Used", "$3.75")
    assert found[f"•••• {BY_STATE['used_zero'].number[-4:]}"] == ("Used", "$0.00")


def test_gift_cards_search_by_buyer_email_lists_every_card_they_bought(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """The buyer's e-mail finds the cards they bought, each once, whoever received them."""
    search(qtbot, cards_view, BUYER_EMAIL)
    qtbot.waitUntil(
        lambda: cards_view.results.topLevelItemCount() == len(DEMO_CARDS), timeout=WAIT_MS
    )
    numbers = sorted(row[CARD_COLUMN] for row in rows(cards_view))
    assert numbers == sorted(f"•••• {card.number[-4:]}" for card in DEMO_CARDS)


def test_gift_cards_search_without_matches_says_so(qtbot: QtBot, cards_view: GiftCardsView) -> None:
    """An e-mail with no cards says so instead of showing an empty list."""
    search(qtbot, cards_view, "nobody@example.com")
    qtbot.waitUntil(cards_view.banner.isVisible, timeout=WAIT_MS)
    assert cards_view.banner.text() == "No gift cards for nobody@example.com."
    assert not cards_view.results.isVisible()


def test_gift_cards_search_refuses_incomplete_email_at_once(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """Text that is neither an e-mail nor digits is refused before any request."""
    search(qtbot, cards_view, "alex.morgan")
    assert cards_view.banner.text() == "Enter the full e-mail address, like name@example.com."
    assert not cards_view.busy_label.isVisible()


def test_gift_cards_search_refuses_a_mistyped_number_at_once(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """A number failing its check digit is caught before any request."""
    number = BY_STATE["active"].number
    search(qtbot, cards_view, number[:-1] + str((int(number[-1]) + 1) % 10))
    assert cards_view.banner.text() == (
        "This card number is not valid. Check the digits and try again."
    )
    assert not cards_view.busy_label.isVisible()


def test_gift_cards_search_by_last4_opens_the_card(qtbot: QtBot, cards_view: GiftCardsView) -> None:
    """The last 4 digits find the card; a single match opens with status and balance."""
    open_card(qtbot, cards_view, BY_STATE["active"].number[-4:])
    assert [row[CARD_COLUMN] for row in rows(cards_view)] == [
        f"•••• {BY_STATE['active'].number[-4:]}"
    ]
    assert cards_view.card_status.text() == "Active"
    assert cards_view.card_balance.text() == "$50.00"


def test_gift_cards_search_by_number_opens_the_card(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """A typed number (grouped as printed) finds its card, shown masked."""
    number = BY_STATE["used_low"].number
    open_card(qtbot, cards_view, f"{number[:4]} {number[4:8]} {number[8:12]} {number[12:]}")
    assert cards_view.card_status.text() == "Used"
    assert cards_view.card_balance.text() == "$3.75"
    assert number not in cards_view.card_number.text()


def test_gift_cards_tapped_card_shows_history_with_time_and_employee(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """Tapping a result shows its history: local time, employee and kind for every activity."""
    search(qtbot, cards_view, RECIPIENT_EMAIL)
    qtbot.waitUntil(lambda: cards_view.results.topLevelItemCount() > 1, timeout=WAIT_MS)
    used = f"•••• {BY_STATE['used_low'].number[-4:]}"
    tap_row(qtbot, cards_view, [row[CARD_COLUMN] for row in rows(cards_view)].index(used))
    qtbot.waitUntil(lambda: cards_view.history.topLevelItemCount() == 3, timeout=WAIT_MS)
    history = history_rows(cards_view)
    assert [row[KIND_COLUMN] for row in history] == ["Redeemed", "Sent to recipient", "Issued"]
    assert {row[EMPLOYEE_COLUMN] for row in history} == {"Casey Cashier"}
    assert all(LOCAL_TIME.match(row[TIME_COLUMN]) for row in history), history
    assert cards_view.card_balance.text() == "$3.75"
    assert "America/New_York" in cards_view.history_label.text()


def test_gift_cards_history_names_the_ticket_by_its_receipt_number(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """The redemption's row names its ticket as the receipt printed it, beside the register,
    not by a fragment of its id."""
    open_card(qtbot, cards_view, BY_STATE["used_low"].number[-4:])
    (redeemed,) = [row for row in history_rows(cards_view) if row[KIND_COLUMN] == "Redeemed"]
    assert redeemed[TICKET_COLUMN] == "#1041"
    assert redeemed[REGISTER_COLUMN] == "Front counter"


def test_gift_cards_history_register_name_is_not_cut_at_1280_by_800(
    qtbot: QtBot, window: MainWindow, cards_view: GiftCardsView
) -> None:
    """At 1280x800 the register's whole name fits its column beside the Deduct Funds panel."""
    window.resize(1280, 800)
    open_card(qtbot, cards_view, BY_STATE["used_low"].number[-4:])
    qtbot.waitUntil(lambda: window.width() == 1280)
    history = cards_view.history
    item = history.topLevelItem(0)
    assert item is not None
    text = item.text(REGISTER_COLUMN)
    # Qt elides a cell's text wider than its column less the theme's cell padding
    # (resources/theme.qss, QTreeWidget#historyTable::item) and a text margin, each side.
    margin = HISTORY_CELL_PADDING_PX + history.style().pixelMetric(
        QStyle.PixelMetric.PM_FocusFrameHMargin
    )
    room = history.header().sectionSize(REGISTER_COLUMN) - 2 * (margin + 1)
    assert text == "Front counter"
    assert room >= history.fontMetrics().horizontalAdvance(text)


def test_gift_cards_pending_card_cannot_be_deducted(
    qtbot: QtBot, cards_view: GiftCardsView
) -> None:
    """A pending card says it has not been sent yet, and Deduct Funds stays off."""
    open_card(qtbot, cards_view, BY_STATE["pending"].number[-4:])
    panel = cards_view.deduct_panel
    assert cards_view.card_status.text() == "Pending"
    assert "has not been sent to the recipient yet" in panel.banner.text()
    assert not button(panel, "deductFundsButton").isEnabled()
    assert not panel.amount_input.isEnabled()


def test_gift_cards_scan_fills_the_search_with_the_card_number(
    qtbot: QtBot, window: MainWindow, cards_view: GiftCardsView
) -> None:
    """A keyboard-wedge scan of a card on this tab searches for that card."""
    field = cards_view.email_input
    field.setFocus()
    with qtbot.waitSignal(window.scanner.scanned):
        qtbot.keyClicks(field, BY_STATE["active"].number)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cards_view.history.topLevelItemCount() > 0, timeout=WAIT_MS)
    assert field.text() == BY_STATE["active"].number
    assert cards_view.card_balance.text() == "$50.00"
