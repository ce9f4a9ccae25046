"""The Store page in the register's window, and the store's settings at the counter: the page
empties when the register locks and loads afresh when it comes into view, and the Pay screen's
tip buttons follow the store's presets once a pull brings them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, MakeWindow, button, pay_for
from ui.main_window import MainWindow
from ui.store_settings_page import StoreSettingsPage
from ui.widgets.onscreen_keyboard import OnscreenKeyboard

WAIT_MS = 10_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    # A store of these tests' own: they change its settings.
    server = start_server(tmp_path / "store.sqlite3")
    yield server
    server.stop()


@pytest.fixture
def client(server: EmbeddedServer) -> Iterator[ServerClient]:
    enrolled = server.enroll_local_register("Front counter")
    with ServerClient(server.base_url, enrolled.token) as client:
        yield client


def change_store(server: EmbeddedServer, **values: object) -> None:
    """What another manager's save does on the server: new values and a new sync version."""
    with make_session_factory(server.engine)() as db:
        store = db.execute(select(Store)).scalar_one()
        for name, value in values.items():
            setattr(store, name, value)
        store.sync_version = next_sync_version(db)
        db.commit()


def pull(tmp_path: Path, client: ServerClient, window: MainWindow) -> None:
    """What the sync loop does on its next round: pull, then tell the window."""
    database = RegisterDatabase.in_folder(tmp_path / "r")
    try:
        CatalogSync(database, client).pull_once()
    finally:
        database.close()
    window.catalog_changed.emit()


def open_store_page(qtbot: QtBot, window: MainWindow) -> StoreSettingsPage:
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    window.tab_frame.tabs.setCurrentWidget(back_office)
    back_office.show_page("Store")
    page = back_office.pages.currentWidget()
    assert isinstance(page, StoreSettingsPage)
    qtbot.waitUntil(
        lambda: page.name_input.text() != "" and not window.store_settings.busy, timeout=WAIT_MS
    )
    return page


def test_store_page_empties_on_lock_and_loads_afresh_for_the_next_manager(
    qtbot: QtBot,
    make_window: MakeWindow,
    client: ServerClient,
    server: EmbeddedServer,
    tmp_path: Path,
    log_in: Callable[..., None],
) -> None:
    """A manager types a phone number and locks without saving: nothing of it stays; logged in
    again, the page shows the store as the server has it now, another save included."""
    window = make_window(client, data_dir=tmp_path / "r")
    log_in(window, MANAGER_PIN)
    page = open_store_page(qtbot, window)
    page.scroll_area.ensureWidgetVisible(page.phone)
    qtbot.mouseClick(page.phone, TAP)
    keyboard = window.findChild(OnscreenKeyboard)
    assert keyboard is not None and keyboard.isVisible()
    for digit in "555":
        qtbot.mouseClick(button(keyboard, f"keyboardKey{digit}"), TAP)
    assert page.phone.text() == "555"

    qtbot.mouseClick(button(window.tab_frame, "lockButton"), TAP)
    qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)
    assert (page.name_input.text(), page.phone.text(), page.status.text()) == ("", "", "")
    change_store(server, name="Corner Shop")

    log_in(window, MANAGER_PIN)
    page = open_store_page(qtbot, window)
    assert page.name_input.text() == "Corner Shop"
    assert page.phone.text() == ""


def test_store_page_loads_again_when_it_comes_back_into_view(
    qtbot: QtBot,
    make_window: MakeWindow,
    client: ServerClient,
    server: EmbeddedServer,
    tmp_path: Path,
    log_in: Callable[..., None],
) -> None:
    """Another manager's save shows when the page is opened again; edits not saved yet are
    kept through a look at another page."""
    window = make_window(client, data_dir=tmp_path / "r")
    log_in(window, MANAGER_PIN)
    page = open_store_page(qtbot, window)
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    change_store(server, receipt_footer="See you soon")
    back_office.show_page("Employees")
    back_office.show_page("Store")
    qtbot.waitUntil(lambda: page.receipt_footer.toPlainText() == "See you soon", timeout=WAIT_MS)

    page.tip_presets[3].setText("25")  # an edit not saved
    change_store(server, receipt_footer="Thank you")
    back_office.show_page("Employees")
    back_office.show_page("Store")
    assert not window.store_settings.busy  # no load started
    assert page.tip_presets[3].text() == "25"
    assert page.receipt_footer.toPlainText() == "See you soon"


@pytest.mark.parametrize("size", [QSize(1024, 768)], ids=["1024x768"])
def test_pay_tip_buttons_follow_the_stores_presets_after_a_pull(
    qtbot: QtBot,
    make_window: MakeWindow,
    client: ServerClient,
    server: EmbeddedServer,
    tmp_path: Path,
    log_in: Callable[..., None],
    size: QSize,
) -> None:
    """The store's presets change on the server; at the register's next pull Pay shows "No
    tip" and the new ones, which tip the ticket, and the row still fits the screen."""
    window = make_window(client, data_dir=tmp_path / "r")
    window.resize(size)
    log_in(window, CASHIER_PIN)
    tender = pay_for(qtbot, window, "Cappuccino", "4.87")
    assert list(tender.tip_buttons) == [0, 10, 15, 20]

    change_store(server, tip_presets=[5, 12, 18, 100])
    pull(tmp_path, client, window)

    qtbot.waitUntil(lambda: list(tender.tip_buttons) == [0, 5, 12, 18, 100], timeout=WAIT_MS)
    assert [b.text() for b in tender.tip_buttons.values()] == ["No tip", "5%", "12%", "18%", "100%"]
    assert tender.findChild(type(tender.tip_buttons[0]), "tip15") is None
    qtbot.mouseClick(button(tender, "tip12"), TAP)
    # 12 % of the cappuccino's $4.50 before tax.
    qtbot.waitUntil(lambda: tender.sale is not None and tender.sale.tip_amount.minor == 54)
    assert button(tender, "tip12").isChecked()
    qtbot.wait(50)  # a layout pass
    assert layout_problems(window, size) == []
