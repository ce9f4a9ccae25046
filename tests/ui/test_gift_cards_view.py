"""Gift Cards tab: search by recipient e-mail against the demo store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import DEMO_CARDS, RECIPIENT_EMAIL
from ui.gift_cards_view import (
    BALANCE_COLUMN,
    CARD_COLUMN,
    RECIPIENT_COLUMN,
    STATUS_COLUMN,
    GiftCardsView,
)
from ui.main_window import MainWindow
from ui.tab_frame import GIFT_CARDS_TAB

Tap = Callable[[QtBot, QWidget, str], None]


@pytest.fixture
def cards_view(window: MainWindow, log_in: Callable[..., None]) -> GiftCardsView:
    log_in(window)
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    return window.tab_frame.gift_cards_view


def _rows(view: GiftCardsView) -> list[list[str]]:
    """The text of each results row, column by column."""
    rows = []
    for index in range(view.results.topLevelItemCount()):
        item = view.results.topLevelItem(index)
        assert item is not None
        rows.append([item.text(column) for column in range(view.results.columnCount())])
    return rows


def _search(qtbot: QtBot, view: GiftCardsView, email: str, tap: Tap) -> None:
    qtbot.keyClicks(view.email_input, email)
    tap(qtbot, view, "emailSearchButton")


def test_gift_cards_search_finds_demo_cards_case_insensitively(
    qtbot: QtBot, cards_view: GiftCardsView, tap: Tap
) -> None:
    """Searching the recipient's e-mail in other letter case lists all their cards."""
    _search(qtbot, cards_view, RECIPIENT_EMAIL.upper(), tap)
    expected = sum(card.recipient_email == RECIPIENT_EMAIL for card in DEMO_CARDS)
    results = cards_view.results
    qtbot.waitUntil(lambda: results.topLevelItemCount() == expected, timeout=10_000)
    assert results.isVisible()
    assert all(RECIPIENT_EMAIL in row[RECIPIENT_COLUMN] for row in _rows(cards_view))


def test_gift_cards_search_rows_show_status_masked_number_and_balance(
    qtbot: QtBot, cards_view: GiftCardsView, tap: Tap
) -> None:
    """Each row shows the status, the masked number and the balance in store currency."""
    _search(qtbot, cards_view, RECIPIENT_EMAIL, tap)
    results = cards_view.results
    qtbot.waitUntil(lambda: results.topLevelItemCount() > 0, timeout=10_000)
    rows = {
        row[CARD_COLUMN]: (row[STATUS_COLUMN], row[BALANCE_COLUMN]) for row in _rows(cards_view)
    }
    by_state = {card.state: card for card in DEMO_CARDS}
    assert rows[f"•••• {by_state['active'].number[-4:]}"] == ("Active", "$50.00")
    assert rows[f"•••• {by_state['used_low'].number[-4:]}"] == ("Used", "$3.75")
    assert rows[f"•••• {by_state['used_zero'].number[-4:]}"] == ("Used", "$0.00")


def test_gift_cards_search_without_matches_says_so(
    qtbot: QtBot, cards_view: GiftCardsView, tap: Tap
) -> None:
    """An e-mail with no cards says so instead of showing an empty list."""
    _search(qtbot, cards_view, "nobody@example.com", tap)
    qtbot.waitUntil(cards_view.banner.isVisible, timeout=10_000)
    assert cards_view.banner.text() == "No gift cards for nobody@example.com."
    assert not cards_view.results.isVisible()


def test_gift_cards_search_refuses_incomplete_email_at_once(
    cards_view: GiftCardsView, tap: Tap, qtbot: QtBot
) -> None:
    """Text without an @ is refused before any request."""
    _search(qtbot, cards_view, "alex.morgan", tap)
    assert cards_view.banner.text() == "Enter the full e-mail address, like name@example.com."
    assert not cards_view.busy_label.isVisible()
