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

from pos_desktop.domain.approvals import ApprovalAction
from pos_desktop.domain.store_setup import (
    NO_RATE_NAME,
    UNKNOWN_TIMEZONE,
    rate_name_twice,
    tip_twice,
)
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
    MIN_OVER_MAX,
    NO_MAX_CARD,
    SAVED,
    StoreSettingsPresenter,
)
from ui.store_settings_page import StoreSettingsPage, TaxRateRow
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
    with ServerClient(server.base_url, enrolled.token) as client:
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
    page.load()  # as the Back Office does when the page comes into view
    qtbot.waitUntil(lambda: presenter.current is not None)
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
    page.scroll_area.ensureWidgetVisible(field)
    qtbot.mouseClick(field, TAP)
    field.end(False)  # the caret where a finger would put it: after the text
    keyboard = page.findChild(OnscreenKeyboard)
    assert keyboard is not None
    for _ in field.text():
        qtbot.mouseClick(button(keyboard, "keyboardBackspace"), TAP)


def _stored(server: EmbeddedServer) -> Store:
    with Session(server.engine) as db:
        return db.execute(select(Store)).scalar_one()


def _hide_keys(qtbot: QtBot, page: StoreSettingsPage) -> None:
    keyboard = page.findChild(OnscreenKeyboard)
    if keyboard is not None and keyboard.isVisible():
        qtbot.mouseClick(button(keyboard, "keyboardHide"), TAP)


def _tap_save(qtbot: QtBot, page: StoreSettingsPage) -> None:
    """Put the keys away (they lie over the page's bottom edge), then tap Save."""
    _hide_keys(qtbot, page)
    assert page.save_button.isVisible()
    qtbot.mouseClick(page.save_button, TAP)


def _tap(qtbot: QtBot, page: StoreSettingsPage, name: str) -> None:
    """Tap the page's button ``name``, scrolled into view and on the offscreen screen."""
    _hide_keys(qtbot, page)
    # The offscreen screen is 800 px wide, and the finger scroll hands a tap on to the widget
    # at its place on the screen: the page's right column must lie on it.
    page.move(OFFSCREEN_WIDTH - PAGE_SIZE[0] - 20, page.y())
    target = button(page, name)
    scrolled_into_view(target)
    qtbot.mouseClick(target, TAP)


def _add_tax_rate(qtbot: QtBot, page: StoreSettingsPage) -> TaxRateRow:
    """Tap Add; the new row, once laid out under the rows before it."""
    count = len(page.tax_rate_rows)
    _tap(qtbot, page, "addTaxRateButton")
    assert len(page.tax_rate_rows) == count + 1
    row = page.tax_rate_rows[-1]
    above = page.tax_rate_rows[-2] if count else button(page, "addTaxRateButton")
    qtbot.waitUntil(
        lambda: (
            row.isVisible()
            and row.y() >= above.y() + above.height()
            and row.height() >= row.minimumSizeHint().height()
        )  # the page grew to hold it
    )
    return row


def _save_and_reload(qtbot: QtBot, page: StoreSettingsPage) -> None:
    """Save, then Reload: what the page then shows is what the server holds."""
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: page.status.text() == SAVED)
    _hide_keys(qtbot, page)
    page.reset()  # nothing of the form stays: the values shown next come from the server
    assert page.name_input.text() == ""
    qtbot.mouseClick(page.reload_button, TAP)
    qtbot.waitUntil(lambda: page.name_input.text() != "")


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
    qtbot.waitUntil(lambda: page.status.text() == SAVED)
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
    qtbot.waitUntil(lambda: page.messages["timezone"].text() == UNKNOWN_TIMEZONE)
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
    qtbot.waitUntil(lambda: "connection" in page.status.text())
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
    qtbot: QtBot, page: StoreSettingsPage
) -> None:
    """At 1000 by 620, with tax rates added, nothing needs a sideways scroll and every button
    and field is a finger's size."""
    for _ in range(2):
        _add_tax_rate(qtbot, page)
    assert (
        page.scroll_area.widget().minimumSizeHint().width() <= page.scroll_area.viewport().width()
    )
    targets = [page.save_button, page.reload_button, page.tax_included, page.add_tax_rate]
    targets += [*page.approvals.values(), *page.tip_presets]
    for row in page.tax_rate_rows:
        targets += [row.name, row.percent, row.remove]
    for target in targets:
        assert min(target.height(), target.width()) >= 48, target.objectName()


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
    qtbot.waitUntil(lambda: page.status.text() == SAVED)
    store = _stored(server)
    assert (store.tip_base, store.deduction_code_to) == ("total", "both")
    assert store.prices_include_tax
    assert store.max_card_amount == typed.minor
    assert page.tax_included.text() == "Prices include tax"


def test_store_settings_page_saves_tax_rates_typed_in_rows(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Two rates added by taps are saved in order, and shown again after a reload."""
    for name, percent in (("Sales tax", "8.25"), ("Food", "0")):
        row = _add_tax_rate(qtbot, page)
        _type(qtbot, page, row.name, name)
        _type(qtbot, page, row.percent, percent)
    _save_and_reload(qtbot, page)
    assert _stored(server).tax_rates == [
        {"name": "Sales tax", "rate_bp": 825},
        {"name": "Food", "rate_bp": 0},
    ]
    assert [row.typed() for row in page.tax_rate_rows] == [("Sales tax", "8.25"), ("Food", "0")]


def test_store_settings_page_refuses_a_bad_tax_rate_next_to_its_row(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """A rate over 100 %, a rate with no name and a name given twice are each said next to
    their row, and nothing is sent; removing the bad rows lets the good one be saved."""
    rows = (("Sales tax", "8.25"), ("Luxury", "120"), ("", "5"), ("sales tax", "7"))
    for name, percent in rows:
        row = _add_tax_rate(qtbot, page)
        if name:
            _type(qtbot, page, row.name, name)
        _type(qtbot, page, row.percent, percent)
    _tap_save(qtbot, page)
    messages = [row.message.text() for row in page.tax_rate_rows]
    assert messages == [
        "",
        "Tax rate: a rate cannot be over 100 %.",
        NO_RATE_NAME,
        rate_name_twice("sales tax"),
    ]
    assert page.status.text() == FIX_FIELDS
    assert _stored(server).tax_rates == []
    for _ in range(3):
        _tap(qtbot, page, "removeTaxRate1")
    assert [row.message.text() for row in page.tax_rate_rows] == [""]
    _tap_save(qtbot, page)
    qtbot.waitUntil(lambda: page.status.text() == SAVED)
    assert _stored(server).tax_rates == [{"name": "Sales tax", "rate_bp": 825}]


def test_store_settings_page_messages_keep_the_rows_still(
    qtbot: QtBot, page: StoreSettingsPage
) -> None:
    """A refusal shows in room kept under its row: the rows and their ✕ do not move."""
    for _ in range(2):
        _add_tax_rate(qtbot, page)
    second = button(page, "removeTaxRate1")
    layout = page.form_page.layout()
    assert layout is not None
    layout.activate()
    before = second.mapTo(page.form_page, second.rect().topLeft())
    _tap_save(qtbot, page)
    assert page.tax_rate_rows[0].message.text() == NO_RATE_NAME
    layout.activate()
    assert second.mapTo(page.form_page, second.rect().topLeft()) == before


def test_store_settings_page_saves_the_tip_buttons(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Four tip buttons typed (in any order) are kept smallest first and shown so again."""
    _type(qtbot, page, page.tip_presets[3], "5")
    _erase(qtbot, page, page.tip_presets[1])
    _type(qtbot, page, page.tip_presets[1], "25")
    _save_and_reload(qtbot, page)
    assert _stored(server).tip_presets == [5, 10, 20, 25]
    assert [field.text() for field in page.tip_presets] == ["5", "10", "20", "25"]


def test_store_settings_page_refuses_a_tip_button_given_twice(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """15 % twice is said next to the tip buttons, and the store keeps its own."""
    _type(qtbot, page, page.tip_presets[3], "15")
    _tap_save(qtbot, page)
    assert page.messages["tip_presets"].text() == tip_twice(15)
    assert page.status.text() == FIX_FIELDS
    assert _stored(server).tip_presets == [10, 15, 20]


def test_store_settings_page_saves_which_actions_need_a_managers_pin(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Void and Open the drawer tapped on are saved, and shown on after a reload."""
    _tap(qtbot, page, "approvalVoidTicket")
    _tap(qtbot, page, "approvalOpenDrawer")
    assert page.approvals[ApprovalAction.VOID_TICKET].text().startswith("✓")
    _save_and_reload(qtbot, page)
    assert _stored(server).approvals == ["void_ticket", "open_drawer"]
    on = {action for action, toggle in page.approvals.items() if toggle.isChecked()}
    assert on == {ApprovalAction.VOID_TICKET, ApprovalAction.OPEN_DRAWER}


def test_store_settings_page_refuses_a_cleared_largest_card(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """The largest card cleared on its keypad is refused next to it, not silently kept."""
    before = _stored(server).max_card_amount
    keypad = page.findChild(QWidget, "maxCardKeypad")
    assert keypad is not None
    page.move(OFFSCREEN_WIDTH - PAGE_SIZE[0] - 20, page.y())  # the keypad on the screen
    page.scroll_area.ensureWidgetVisible(keypad)
    qtbot.mouseClick(button(keypad, "keypadClear"), TAP)
    assert page.max_card.amount() is None
    _tap_save(qtbot, page)
    assert page.messages["max_card_amount"].text() == NO_MAX_CARD
    assert page.messages["max_card_amount"].isVisible()
    assert page.status.text() == FIX_FIELDS
    assert _stored(server).max_card_amount == before


def test_store_settings_page_takes_no_taps_while_saving(
    qtbot: QtBot, page: StoreSettingsPage
) -> None:
    """From Save until the answer, the form and its buttons are disabled; then usable again."""
    _type(qtbot, page, page.phone, "5550100")
    _tap_save(qtbot, page)
    assert not page.form_page.isEnabled()
    assert not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: page.status.text() == SAVED)
    assert page.form_page.isEnabled() and page.save_button.isEnabled()


def test_store_settings_service_names_the_tax_rate_the_server_refuses(
    manager_client: ServerClient,
) -> None:
    """The server's refusals name the setting, and a tax rate's its row, for the page to show
    the message there."""
    service = StoreSettingsService(manager_client)
    before = service.load()
    with pytest.raises(StoreSettingsRefused) as twice:
        service.save(before, replace(before, tax_rates=(("VAT", 2000), ("vat", 550))))
    with pytest.raises(StoreSettingsRefused) as too_high:
        service.save(before, replace(before, tax_rates=(("VAT", 2000), ("Luxury", 10_001))))
    assert set(twice.value.errors) == {"tax_rates"}
    assert set(too_high.value.errors) == {"tax_rates.1"}


def _key_into(qtbot: QtBot, page: StoreSettingsPage, field: QWidget, keys: tuple[str, ...]) -> None:
    """Tap an amount ``field``, then ``keys`` on the page's keypad."""
    keypad = page.findChild(QWidget, "maxCardKeypad")
    assert keypad is not None
    page.move(OFFSCREEN_WIDTH - PAGE_SIZE[0] - 20, page.y())  # the keypad on the screen
    scrolled_into_view(field)
    qtbot.mouseClick(field, TAP)
    _hide_keys(qtbot, page)
    page.scroll_area.ensureWidgetVisible(keypad)
    for key in keys:
        qtbot.mouseClick(button(keypad, key), TAP)


def test_store_settings_page_saves_the_gift_card_rules(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """The smallest card and the cash-out law typed on the keypad, and a gift card allowed to
    pay for one, reach the server; the registers follow them."""
    _key_into(qtbot, page, page.min_card, ("keypadClear", "keypadKey5", "keypadKey0", "keypadKey0"))
    _key_into(
        qtbot, page, page.cash_out_below, ("keypadKey1", "keypadKey0", "keypadKey0", "keypadKey0")
    )
    _tap(qtbot, page, "giftcardPaysGiftcard")

    _save_and_reload(qtbot, page)

    store = _stored(server)
    assert (store.min_card_amount, store.cash_out_below) == (5_00, 10_00)
    assert store.giftcard_pays_giftcard
    assert page.card_for_card.isChecked()
    assert page.cash_out_below.amount() is not None


def test_store_settings_page_makes_the_cards_chain_wide_and_back(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """A tap on the chain toggle, saved, lets the chain's other stores redeem the store's
    cards; a second tap, saved, keeps them here again."""
    assert not page.chain_wide.isChecked()
    _tap(qtbot, page, "cardsChainWide")
    assert page.chain_wide.text().startswith("✓ ")
    _save_and_reload(qtbot, page)
    assert _stored(server).cards_chain_wide
    assert page.chain_wide.isChecked()

    _tap(qtbot, page, "cardsChainWide")
    _save_and_reload(qtbot, page)
    assert not _stored(server).cards_chain_wide


def test_store_settings_page_cleared_cash_out_means_no_such_law(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    _key_into(
        qtbot, page, page.cash_out_below, ("keypadKey1", "keypadKey0", "keypadKey0", "keypadKey0")
    )
    _save_and_reload(qtbot, page)
    _key_into(qtbot, page, page.cash_out_below, ("keypadClear",))

    _save_and_reload(qtbot, page)

    assert _stored(server).cash_out_below is None
    assert page.cash_out_below.amount() is None


def test_store_settings_page_refuses_a_smallest_card_above_the_largest(
    qtbot: QtBot, page: StoreSettingsPage, server: EmbeddedServer
) -> None:
    """Said next to the smallest card, before anything is sent."""
    keys = ("keypadClear", "keypadKey9", "keypadKey9", "keypadKey9", "keypadKey0", "keypadKey0")
    _key_into(qtbot, page, page.min_card, keys)

    _tap_save(qtbot, page)

    assert page.messages["min_card_amount"].text() == MIN_OVER_MAX
    assert _stored(server).min_card_amount == 100
