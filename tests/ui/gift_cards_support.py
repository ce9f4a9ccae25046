"""Driving the Gift Cards tab as a cashier does: type a search, tap rows and keypad keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.support import button
from ui.gift_cards_view import GiftCardsView

TAP = Qt.MouseButton.LeftButton
WAIT_MS = 10_000


def search(qtbot: QtBot, view: GiftCardsView, text: str) -> None:
    view.email_input.clear()
    qtbot.keyClicks(view.email_input, text)
    qtbot.mouseClick(button(view, "emailSearchButton"), TAP)


def tap_row(qtbot: QtBot, view: GiftCardsView, row: int) -> None:
    item = view.results.topLevelItem(row)
    assert item is not None
    rect = view.results.visualItemRect(item)
    qtbot.mouseClick(view.results.viewport(), TAP, pos=rect.center())


def tap_keys(qtbot: QtBot, keypad: QWidget, digits: str) -> None:
    for digit in digits:
        qtbot.mouseClick(button(keypad, f"keypadKey{digit}"), TAP)


def _texts(tree: QTreeWidget) -> list[list[str]]:
    found = []
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        assert item is not None
        found.append([item.text(column) for column in range(tree.columnCount())])
    return found


def rows(view: GiftCardsView) -> list[list[str]]:
    return _texts(view.results)


def history_rows(view: GiftCardsView) -> list[list[str]]:
    return _texts(view.history)


def open_card(qtbot: QtBot, view: GiftCardsView, text: str) -> None:
    """Search for one card (last 4 or number) and wait for its history."""
    search(qtbot, view, text)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() > 0, timeout=WAIT_MS)
