"""The Balance tab: a gift card's balance check against the demo store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.card_number import luhn_check_digit
from pos_desktop.server.demo import DEMO_CARDS, DemoCard
from pos_desktop.sync.client import ServerClient
from ui.balance_check_view import BalanceCheckView
from ui.main_window import MainWindow
from ui.tab_frame import BALANCE_TAB

Tap = Callable[[QtBot, QWidget, str], None]


@pytest.fixture
def balance_view(window: MainWindow, log_in: Callable[..., None]) -> BalanceCheckView:
    log_in(window)
    window.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    return window.tab_frame.balance_view


def _check(qtbot: QtBot, view: BalanceCheckView, number: str, tap: Tap) -> None:
    qtbot.keyClicks(view.number_input, number)
    tap(qtbot, view, "checkBalanceButton")


def test_balance_check_refuses_luhn_invalid_number_without_network(
    qtbot: QtBot,
    balance_view: BalanceCheckView,
    register_client: ServerClient,
    monkeypatch: pytest.MonkeyPatch,
    active_card: DemoCard,
    tap: Tap,
) -> None:
    """A number failing the Luhn check is refused at once and never sent to the server."""
    lookups: list[str] = []
    monkeypatch.setattr(register_client, "lookup_card", lookups.append)
    wrong_last_digit = active_card.number[:-1] + str((int(active_card.number[-1]) + 1) % 10)
    _check(qtbot, balance_view, wrong_last_digit, tap)
    # No waiting: the answer is on screen before any worker could have run.
    assert (
        balance_view.banner.text()
        == "This card number is not valid. Check the digits and try again."
    )
    assert lookups == []
    assert not balance_view.busy_label.isVisible()


def test_balance_check_shows_active_demo_card(
    qtbot: QtBot, balance_view: BalanceCheckView, active_card: DemoCard, tap: Tap
) -> None:
    """The demo active card shows masked, Active, with its $50.00 balance."""
    _check(qtbot, balance_view, active_card.number, tap)
    qtbot.waitUntil(balance_view.result.isVisible)
    assert balance_view.result_balance.text() == "$50.00"
    assert balance_view.result_status.text() == "Active"
    assert balance_view.result_number.text() == f"•••• {active_card.number[-4:]}"


def test_balance_check_clears_the_full_number_once_found(
    qtbot: QtBot, balance_view: BalanceCheckView, active_card: DemoCard, tap: Tap
) -> None:
    """After the card is found the full number no longer sits in the input."""
    _check(qtbot, balance_view, active_card.number, tap)
    qtbot.waitUntil(balance_view.result.isVisible)
    assert balance_view.number_input.text() == ""


def test_balance_check_shows_used_card_remaining_balance(
    qtbot: QtBot, balance_view: BalanceCheckView
) -> None:
    """A used card shows Used and what is left on it; Enter in the input checks too."""
    used = next(card for card in DEMO_CARDS if card.state == "used_low")
    qtbot.keyClicks(balance_view.number_input, used.number)
    qtbot.keyClick(balance_view.number_input, Qt.Key.Key_Return)
    qtbot.waitUntil(balance_view.result.isVisible)
    assert balance_view.result_status.text() == "Used"
    assert balance_view.result_balance.text() == "$3.75"


def test_balance_check_accepts_grouped_digits_from_printed_cards(
    qtbot: QtBot, balance_view: BalanceCheckView, active_card: DemoCard, tap: Tap
) -> None:
    """Spaces between digit groups, as printed on the card, are fine."""
    grouped = " ".join(active_card.number[i : i + 4] for i in range(0, 16, 4))
    _check(qtbot, balance_view, grouped, tap)
    qtbot.waitUntil(balance_view.result.isVisible)
    assert balance_view.result_balance.text() == "$50.00"


def test_balance_check_unknown_card_shows_server_message(
    qtbot: QtBot, balance_view: BalanceCheckView, tap: Tap
) -> None:
    """A valid-looking number that is no card gets the server's card_not_found message."""
    payload = "400000000000000"
    _check(qtbot, balance_view, payload + str(luhn_check_digit(payload)), tap)
    qtbot.waitUntil(balance_view.banner.isVisible)
    assert balance_view.banner.text() == "No gift card has this number."
    assert not balance_view.result.isVisible()


def test_balance_check_keypad_types_into_number_input(
    qtbot: QtBot, balance_view: BalanceCheckView, tap: Tap
) -> None:
    """The on-screen keypad types digits, deletes the last one and clears."""
    for name in ("keypadKey4", "keypadKey2", "keypadKey7", "keypadBackspace"):
        tap(qtbot, balance_view.keypad, name)
    assert balance_view.number_input.text() == "42"
    tap(qtbot, balance_view.keypad, "keypadClear")
    assert balance_view.number_input.text() == ""
