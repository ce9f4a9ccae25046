"""Steps of the card-action tests, by taps: a store of the test's own with a receipt printer on
loopback, the Back Office's Gift Cards page or the Gift Cards tab on a card, an action's dialog
opened, its reason typed on the on-screen keyboard and its button tapped."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from hardware.printer import ReceiptPrinter
from pos_desktop.config import PrinterAddress
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import utc_now
from pos_desktop.services.session import SessionService
from pos_desktop.sync.client import ServerClient
from tests.fixtures.printer import PrinterServer
from tests.ui.catalog_support import open_page
from tests.ui.gift_cards_support import open_card
from tests.ui.support import TAP, MakeWindow, button, child, tap_pin, type_into
from ui.card_action_dialog import CardActionDialog
from ui.card_actions_bar import CardActionsBar
from ui.gift_card_list_page import GiftCardListPage
from ui.gift_cards_view import GiftCardsView
from ui.main_window import MainWindow
from ui.tab_frame import GIFT_CARDS_TAB

WAIT_MS = 10_000


@dataclass
class Counter:
    """A demo store of the test's own (its cards change), a register of it with a receipt
    printer on loopback, and ``data_dir``: that register's folder."""

    server: EmbeddedServer
    client: ServerClient
    printer: PrinterServer
    data_dir: Path
    make_window: MakeWindow
    print_services: list[PrintService] = field(default_factory=list)

    def printing(self, database: RegisterDatabase) -> PrintService:
        address = PrinterAddress("tcp", "127.0.0.1", port=self.printer.port)
        service = PrintService(
            database,
            ReceiptPrinter(address, timeout=1),
            render_escpos,
            utc_now,
            render_slip=render_slip_escpos,
            retry_seconds=0.2,
        )
        service.start()
        self.print_services.append(service)
        return service

    def window(self, qtbot: QtBot, pin: str = MANAGER_PIN) -> MainWindow:
        """The register at 1024x768, ``pin``'s employee logged in."""
        window = self.make_window(self.client, data_dir=self.data_dir, printing=self.printing)
        window.resize(1024, 768)
        tap_pin(qtbot, window, pin)
        qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
        return window

    def manager(self) -> ServerClient:
        """A manager at a second register of the store, to set a card up through the API."""
        enrolled = self.server.enroll_local_register("Back room")
        client = ServerClient(self.server.base_url, enrolled.token)
        SessionService(client).log_in(MANAGER_PIN)
        return client

    def close(self) -> None:
        for service in self.print_services:
            service.stop()
        self.printer.close()


def card_id(client: ServerClient, last4: str) -> uuid.UUID:
    (card,) = client.search_cards_by_last4(last4).items
    return card.id


# -- the Back Office -------------------------------------------------------------------------------


def _column(tree: QTreeWidget, index: int) -> list[str]:
    return [tree.topLevelItem(row).text(index) for row in range(tree.topLevelItemCount())]


def office_card(qtbot: QtBot, window: MainWindow, last4: str) -> GiftCardListPage:
    """The Back Office's Gift Cards page, the card ending in ``last4`` tapped."""
    open_page(qtbot, window, "Gift Cards")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    page = child(back_office, GiftCardListPage, "giftCardListPage")
    masked = f"•••• {last4}"
    qtbot.waitUntil(lambda: masked in _column(page.cards, 0), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.card_list.listing, timeout=WAIT_MS)
    item = page.cards.topLevelItem(_column(page.cards, 0).index(masked))
    qtbot.mouseClick(page.cards.viewport(), TAP, pos=page.cards.visualItemRect(item).center())
    qtbot.waitUntil(
        lambda: (
            page.details.currentWidget() is page.details_page and page.card_title.text() == masked
        ),
        timeout=WAIT_MS,
    )
    return page


def bar_of(page: GiftCardListPage | GiftCardsView) -> CardActionsBar:
    assert page.card_actions is not None
    return page.card_actions


# -- the Gift Cards tab ----------------------------------------------------------------------------


def tab_card(qtbot: QtBot, window: MainWindow, search: str) -> GiftCardsView:
    """The Gift Cards tab, the card found by ``search`` (its number, or last 4) open."""
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    view = window.tab_frame.gift_cards_view
    open_card(qtbot, view, search)
    return view


# -- the dialogs -----------------------------------------------------------------------------------


def open_action(qtbot: QtBot, bar: CardActionsBar, name: str) -> CardActionDialog:
    """Tap the bar's button ``name`` (in the Gift Cards tab, after Manage card…); the dialog
    it opens."""
    if bar.manage_button is not None:
        qtbot.waitUntil(bar.manage_button.isVisible, timeout=WAIT_MS)
        qtbot.mouseClick(bar.manage_button, TAP)
        menu = bar.menu
        assert menu is not None
        qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: button(bar, name).isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(button(bar, name), TAP)
    dialog = bar.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def give_reason(qtbot: QtBot, window: MainWindow, dialog: CardActionDialog, reason: str) -> None:
    type_into(qtbot, window, dialog.reason_input, reason)


def confirm_and_close(
    qtbot: QtBot, dialog: CardActionDialog, name: str = "cardActionConfirm"
) -> None:
    """Tap ``name`` and wait for the dialog to close with the server's answer."""
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.mouseClick(button(dialog, name), TAP)


def confirm_and_wait(qtbot: QtBot, dialog: CardActionDialog) -> None:
    """Tap the action's button and wait for the dialog's answer page (Replace, Cash out)."""
    qtbot.mouseClick(button(dialog, "cardActionConfirm"), TAP)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.done_page, timeout=WAIT_MS)


def wait_for(qtbot: QtBot, check: Callable[[], bool]) -> None:
    qtbot.waitUntil(check, timeout=WAIT_MS)
