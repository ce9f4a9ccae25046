"""The Back Office's store settings page, driven by taps as a manager over the real embedded
server of the demo store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop.domain.store_setup import UNKNOWN_TIMEZONE
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import Store
from pos_desktop.services.results import StoreSettingsRefused
from pos_desktop.services.session import SessionService
from pos_desktop.services.store_settings import StoreSettingsService
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import TAP, button, scrolled_into_view
from ui.presenters.store_settings import (
    CURRENCY_LOCKED,
    FIX_FIELDS,
    SAVED,
    StoreSettingsPresenter,
)
from ui.store_settings_page import StoreSettingsPage
from ui.theme import theme_stylesheet
from ui.widgets.onscreen_keyboard import KeyboardController, OnscreenKeyboard

PAGE_SIZE = (1000, 620)
OFFSCREEN_WIDTH = 800
KEYS = {" ": "keyboardSpace", ".": "keyboardDot", "/": "keyboardSlash"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    # Each test its own store: the tests change it.
    server = start_server(tmp_path / "server.sqlite3")
    yield server
    server.stop()


@pytest.fixture
def manager_client(server: EmbeddedServer) -> Iterator[ServerClient]:
    enrolled = server.enroll_local_register("Back office")
    with ServerClient(server.base_url, enrolled.token, timeout=5) as client:
        SessionService(client).log_in("9999")  # the demo's manager
        yield client


@pytest.fixture
def page(
    qtbot: QtBot, qapp: QApplication, manager_client: ServerClient
) -> Iterator[StoreSettingsPage]:
    """The page at the size of a 1024x768 window's tab, with the on-screen keyboard."""
    presenter = StoreSettingsPresenter(StoreSettingsService(manager_client))
    page = StoreSettingsPage(presenter)
    page.setStyleSheet(theme_stylesheet())
    qtbot.addWidget(page)
    page.resize(*PAGE_SIZE)
    keyboard = KeyboardController(page)
    keyboard.install(qapp)
    page.show()
    qtbot.waitUntil(lambda: presenter.current is not None, timeout=10_000)
    yield page
    keyboard.uninstall()


def _type(qtbot: QtBot, page: StoreSettingsPage, field: QWidget, text: str) -> None:
    """Tap ``field`` (scrolled into view) and type ``text`` on the on-screen keyboard."""
    page.scroll_area.ensureWidgetVisible(field)
    target = field.viewport() if isinstance(field, QPlainTextEdit) else field
    qtbot.mouseClick(target, TAP)
    keyboard = page.findChild(OnscreenKeyboard)
    assert keyboard is not None and keyboard.isVisible()
    for char in text:
        if char.isupper():
            qtbot.mouseClick(button(keyboard, "keyboardShift"), TAP)
        name = KEYS.get(char, f"keyboardKey{char.upper()}")
        qtbot.mouseClick(button(keyboard, name), TAP)


def _erase(qtbot: QtBot, page: StoreSettingsPage, field: QLineEdit) -> None:
    qtbot.mouseClick(field, TAP)
    field.end(False)  # the caret where a finger would put it: after the text
    keyboard = page.findChild(OnscreenKeyboard)
    assert keyboard is not None
    for _ in field.text():
        qtbot.mouseClick(button(keyboard, "keyboardBackspace"), TAP)


def _stored(server: EmbeddedServer) -> Store:
    with Session(server.engine) as db:
        return db.execute(select(Store)).scalar_one()


def _tap_save(qtbot: QtBot, page: StoreSettingsPage) -> None:
    """Put the keys away (they lie over the page's bottom edge), then tap Save."""
    keyboard = page.findChild(OnscreenKeyboard)
    if keyboard is not None and keyboard.isVisible():
        qtbot.mouseClick(button(keyboard, "keyboardHide"), TAP)
    assert page.save_button.isVisible()
    qtbot.mouseClick(page.save_button, TAP)


def test_store_settings_page_shows_the_stores_values(
    page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Opened, the page shows the settings the server holds."""
    store = _stored(server)
    assert page.name_input.text() == store.name
    assert page.currency.currentText() == store.currency
    assert page.timezone.currentText() == store.timezone
    assert page.idle_lock.currentData() == store.idle_lock_seconds
    assert page.max_card.amount() is not None
    assert page.max_card.amount().minor == store.max_card_amount  # type: ignore[union-attr]


def test_store_settings_page_saves_address_and_footer(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """A changed address and receipt footer reach the server, and the page says "Saved."."""
    _type(qtbot, page, page.address, "12 Rue de la Paix")
    _type(qtbot, page, page.receipt_footer, "Thank you.")
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: page.status.text() == SAVED, timeout=10_000)
    store = _stored(server)
    assert (store.address, store.receipt_footer) == ("12 Rue de la Paix", "Thank you.")
    assert page.address.text() == "12 Rue de la Paix"


def test_store_settings_page_refuses_an_unknown_time_zone_before_sending(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """A time zone no one knows is refused next to its field; the server keeps its own."""
    before = _stored(server).timezone
    zone = page.timezone.lineEdit()
    assert zone is not None
    _erase(qtbot, page, zone)
    _type(qtbot, page, zone, "Mars/Olympus")
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: page.messages["timezone"].text() == UNKNOWN_TIMEZONE, timeout=5_000)
    assert page.status.text() == FIX_FIELDS
    assert page.timezone.currentText() == "Mars/Olympus"
    assert _stored(server).timezone == before


def test_store_settings_page_locks_the_currency_once_cards_exist(page: StoreSettingsPage) -> None:
    """The demo store has gift cards: its currency cannot be changed, and the page says why."""
    assert not page.currency.isEnabled()
    assert page.messages["currency"].text() == CURRENCY_LOCKED


def test_store_settings_page_keeps_what_was_typed_when_the_save_fails(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """With the server gone, Save fails with a word on why and nothing typed is lost."""
    _type(qtbot, page, page.receipt_header, "Open every day")
    server.stop()
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: "connection" in page.status.text(), timeout=10_000)
    assert page.receipt_header.toPlainText() == "Open every day"


def test_store_settings_service_names_the_field_the_server_refuses(
    manager_client: ServerClient,
) -> None:
    """The server's refusal of one setting (a currency once cards exist) names that field."""
    service = StoreSettingsService(manager_client)
    before = replace(service.load(), currency_locked=False)
    with pytest.raises(StoreSettingsRefused) as refused:
        service.save(before, replace(before, currency="EUR"))
    assert set(refused.value.errors) == {"currency"}


def test_store_settings_page_fits_the_tab_without_sideways_scrolling(
    page: StoreSettingsPage,
) -> None:
    """At 1000 by 620 nothing needs a sideways scroll and every button is a finger's size."""
    assert (
        page.scroll_area.widget().minimumSizeHint().width() <= page.scroll_area.viewport().width()
    )
    for target in (page.save_button, page.reload_button, page.tax_included):
        assert target.height() >= 48


def test_store_settings_page_saves_the_tapped_choices_and_card_amount(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Tips on the total, codes to both, tax-inclusive prices and a largest card typed on the
    keypad all reach the server."""
    # The offscreen screen is 800 px wide, and the finger scroll hands a tap on to the widget
    # at its place on the screen: the page's right column must lie on it.
    page.move(OFFSCREEN_WIDTH - PAGE_SIZE[0] - 20, page.y())
    for name in ("taxIncludedButton", "tipBaseTotal", "codeToBoth"):
        scrolled_into_view(button(page, name))
        qtbot.mouseClick(button(page, name), TAP)
    assert page.tax_included.isChecked()
    keypad = page.findChild(QWidget, "maxCardKeypad")
    assert keypad is not None
    page.scroll_area.ensureWidgetVisible(keypad)
    for key in ("keypadClear", "keypadKey2", "keypadKey5", "keypadKey0"):
        qtbot.mouseClick(button(keypad, key), TAP)
    typed = page.max_card.amount()
    assert typed is not None
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: page.status.text() == SAVED, timeout=10_000)
    store = _stored(server)
    assert (store.tip_base, store.deduction_code_to) == ("total", "both")
    assert store.prices_include_tax
    assert store.max_card_amount == typed.minor
    assert page.tax_included.text() == "Prices include tax"
