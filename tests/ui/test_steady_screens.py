"""Nothing under a finger moves on the register's other screens (issue 13): a message (a
refusal, "Looking up the card…", "Searching…") that comes or goes lies in room kept for it or
over the screen, and no button, field or list under the cashier's finger moves."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_desktop.domain.store_setup import PINS_DIFFER
from pos_desktop.server.demo import DEMO_CARDS, MANAGER_PIN, RECIPIENT_EMAIL
from tests.ui.gift_cards_support import WAIT_MS, search, tap_keys, tap_row
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, button, go_pay, ring_up
from tests.ui.test_first_start import Build, asked, build, data_dir, enter_pin_twice
from tests.ui.test_screen_sizes import TITLE_BAR_PX
from ui.find_by_email_dialog import ONLY_EMAIL
from ui.main_window import MainWindow
from ui.tab_frame import BALANCE_TAB, GIFT_CARDS_TAB, SETTINGS_TAB

REGISTER = QSize(1024, 768)
# The longest a cashier reads: the server failed (pos_desktop/sync/client.py).
LONG_MESSAGE = "The server had a problem. Try again; if it keeps happening, call a manager."
ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")
TAPPABLE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)

Places = dict[str, QRect]
__all__ = ["build", "data_dir"]  # the first start's fixtures


def places(root: QWidget, *shown: QWidget) -> Places:
    """Where on the screen each tappable widget of ``root`` showing now is (and ``shown``,
    things the cashier reads, such as a card's balance)."""
    found: Places = {}
    for widget in [*root.findChildren(QWidget), *shown]:
        if not (widget.isVisible() and (isinstance(widget, TAPPABLE) or widget in shown)):
            continue
        name = widget.objectName() or type(widget).__name__
        key, count = name, 1
        while key in found:
            count += 1
            key = f"{name}#{count}"
        found[key] = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
    return found


def settle(qtbot: QtBot) -> None:
    """Layouts are redone on posted events, a few passes deep."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


def moved(before: Places, after: Places) -> list[str]:
    """Each widget shown before and after that is not where it was."""
    return [
        f"{name}: {before[name]} -> {after[name]}"
        for name in before
        if name in after and after[name] != before[name]
    ]


@pytest.fixture
def look() -> Callable[[QWidget, str], None]:
    """Keeps a picture of a screen to look at, in the folder STEADY_PICTURES names (if any)."""
    folder = os.environ.get("STEADY_PICTURES")

    def keep(shown: QWidget, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            shown.grab().save(str(Path(folder) / f"{name}.png"))

    return keep


def at_register_size(qtbot: QtBot, window: QWidget) -> None:
    window.resize(REGISTER)
    settle(qtbot)
    assert window.size() == REGISTER


def test_balance_messages_move_neither_the_keys_nor_the_card_shown(
    qtbot: QtBot, till: MainWindow, look: Callable[[QWidget, str], None]
) -> None:
    """With a card shown, "Looking up the card…" for the next one moves neither the card's
    panel nor a key; a long refusal after it moves no key either, and fits the screen."""
    at_register_size(qtbot, till)
    till.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    view = till.tab_frame.balance_view
    tap_keys(qtbot, view.keypad, ACTIVE.number)
    qtbot.mouseClick(button(view.keypad, "keypadEnter"), TAP)
    qtbot.waitUntil(view.result.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.busy_label.isVisible(), timeout=WAIT_MS)
    settle(qtbot)
    before = places(view, view.result)

    till.balance.busy_changed.emit(True)
    settle(qtbot)
    assert view.busy_label.isVisible()
    assert moved(before, places(view, view.result)) == []
    look(till, "balance-busy")

    till.balance.busy_changed.emit(False)
    till.balance.failed.emit(LONG_MESSAGE)
    settle(qtbot)
    assert view.banner.isVisible()
    assert moved(before, places(view)) == []
    look(till, "balance-refusal")
    assert layout_problems(till, REGISTER) == []


def test_find_by_email_messages_move_no_button_nor_grow_the_dialog(
    qtbot: QtBot, till: MainWindow, look: Callable[[QWidget, str], None]
) -> None:
    """ "No card? Find by e-mail": a typing slip's message and "no card found" show in room
    kept for them; the e-mail field, Search and Close stay put and the dialog keeps its size."""
    at_register_size(qtbot, till)
    ring_up(qtbot, till, "Mug")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "tenderGiftCard"), TAP)
    assert tender.gift_card_dialog is not None
    qtbot.mouseClick(button(tender.gift_card_dialog, "findByEmailButton"), TAP)
    qtbot.waitUntil(lambda: tender.email_dialog is not None)
    dialog = tender.email_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    settle(qtbot)
    before, size = places(dialog), dialog.size()

    qtbot.mouseClick(button(dialog, "payEmailSearch"), TAP)  # nothing typed
    settle(qtbot)
    assert dialog.banner.text() == ONLY_EMAIL
    assert moved(before, places(dialog)) == []
    assert dialog.size() == size

    dialog.email_input.setText("no.card@example.org")  # not the keyboard's test
    qtbot.mouseClick(button(dialog, "payEmailSearch"), TAP)
    qtbot.waitUntil(lambda: "no.card@" in dialog.banner.text(), timeout=WAIT_MS)
    settle(qtbot)
    assert moved(before, places(dialog)) == []
    assert dialog.size() == size
    look(dialog, "find-by-email-no-card")
    room = QSize(REGISTER.width(), REGISTER.height() - TITLE_BAR_PX)
    assert layout_problems(dialog, room) == []


def test_settings_refusal_moves_no_field(
    qtbot: QtBot,
    window: MainWindow,
    log_in: Callable[..., None],
    look: Callable[[QWidget, str], None],
) -> None:
    """A printer connection refused on Save: the long refusal shows whole, every device field
    and Save stay where they were, and the tab still fits the register's screen."""
    log_in(window, MANAGER_PIN)
    at_register_size(qtbot, window)
    view = window.tab_frame.settings_view
    assert view is not None
    window.tab_frame.tabs.setCurrentIndex(SETTINGS_TAB)
    qtbot.waitUntil(lambda: view.isVisible() and not window.devices.busy, timeout=WAIT_MS)
    settle(qtbot)
    before = places(view)
    look(window, "settings")

    view.printer_input.setText("usb:the-printer-by-the-till")  # the keyboard is not tested here
    qtbot.mouseClick(button(view, "saveSettingsButton"), TAP)
    qtbot.waitUntil(view.banner.isVisible, timeout=WAIT_MS)
    settle(qtbot)
    assert "is not valid" in view.banner.text()
    assert moved(before, places(view)) == []
    look(window, "settings-refusal")
    assert layout_problems(window, REGISTER) == []


def test_gift_cards_messages_move_neither_the_cards_nor_the_history(
    qtbot: QtBot, till: MainWindow, look: Callable[[QWidget, str], None]
) -> None:
    """With cards found and one open: "Searching…", "Loading the card's history…" and a long
    refusal show in room kept for them; the search, the cards found, the card open and its
    history stay where they were, and the tab fits the register's screen."""
    at_register_size(qtbot, till)
    till.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    view = till.tab_frame.gift_cards_view
    search(qtbot, view, RECIPIENT_EMAIL)
    qtbot.waitUntil(lambda: view.results.topLevelItemCount() >= 3, timeout=WAIT_MS)
    tap_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.busy_label.isVisible(), timeout=WAIT_MS)
    settle(qtbot)
    left = (view.results, view.card_info, view.history_label, view.history)
    before = places(view, *left)

    for busy in (till.search.busy_changed, till.search.history_busy_changed):
        busy.emit(True)
        settle(qtbot)
        assert view.busy_label.isVisible()
        assert moved(before, places(view, *left)) == []
        look(till, f"gift-cards-{view.busy_label.text().split()[0].lower()}")
        busy.emit(False)
    settle(qtbot)
    assert not view.busy_label.isVisible()

    till.search.failed.emit(LONG_MESSAGE)
    settle(qtbot)
    assert view.banner.isVisible()
    assert not view.hint.isVisible()  # under the banner: it would show through its edge
    assert moved(before, places(view, *left)) == []
    look(till, "gift-cards-refusal")
    assert layout_problems(till, REGISTER) == []


def test_deduct_funds_busy_line_moves_no_key(
    qtbot: QtBot, till: MainWindow, look: Callable[[QWidget, str], None]
) -> None:
    """ "Sending the code…" and "Checking with the server…" take the heading's place in Deduct
    Funds: the keypad and the panel's buttons stay where they were."""
    at_register_size(qtbot, till)
    till.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    view = till.tab_frame.gift_cards_view
    panel = view.deduct_panel
    search(qtbot, view, ACTIVE.number[-4:])
    qtbot.waitUntil(
        lambda: panel.card is not None and view.history.topLevelItemCount() > 0, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: not view.busy_label.isVisible(), timeout=WAIT_MS)
    tap_keys(qtbot, panel.amount_keypad, "500")
    settle(qtbot)
    before = places(panel)

    till.deduction.busy_changed.emit(True)  # as while the server is asked for a code
    settle(qtbot)
    assert panel.busy_label.isVisible()
    assert panel.busy_label.text() == "Sending the code…"
    assert moved(before, places(panel)) == []
    look(till, "deduct-funds-sending")
    assert layout_problems(till, REGISTER) == []

    till.deduction.busy_changed.emit(False)
    settle(qtbot)
    assert not panel.busy_label.isVisible()
    assert moved(before, places(panel)) == []


def test_pin_twice_message_moves_no_key(
    qtbot: QtBot, build: Build, look: Callable[[QWidget, str], None]
) -> None:
    """First start, a new store: "Start the PIN over" lies over no key; PINs that differ are
    refused over the pad, and the refusal coming and the button going move no key of the pad,
    nor Create the store."""
    window = build()
    at_register_size(qtbot, window)
    view = asked(qtbot, window)
    qtbot.mouseClick(button(view, "newStoreButton"), TAP)
    enter_pin_twice(qtbot, view, "4821", "4822")
    settle(qtbot)
    over = view.pin.over_button
    assert over.isVisible()
    before = places(view)
    look(window, "first-start-pin-twice")
    keys = [rect for name, rect in before.items() if name.startswith("keypad")]
    assert keys and not any(before["pinOverButton"].intersects(key) for key in keys)

    qtbot.mouseClick(button(view, "createStoreButton"), TAP)
    settle(qtbot)
    assert view.pin.message.text() == PINS_DIFFER
    assert moved(before, places(view)) == []
    look(window, "first-start-pins-differ")
    assert layout_problems(window, REGISTER) == []
