"""Screens against the real embedded server (uvicorn on loopback, SQLite in tmp), offscreen."""

from __future__ import annotations

import contextlib
import dataclasses
import os

# Before anything imports Qt: no display on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.demo import DEMO_CARDS, MANAGER_PIN, DemoCard
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import RegisterServices, utc_now
from pos_desktop.services.reports import ReportsService
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerUnreachable
from tests.fixtures.printer import PrinterServer
from tests.fixtures.register import CLIENT_TIMEOUT_S, start_server
from tests.fixtures.shifts import open_drawer_shift
from tests.ui.card_actions_support import Counter
from tests.ui.catalog_support import WAIT_MS, Store
from tests.ui.support import MakeWindow, button
from tests.ui.support import tap_pin as tap_pin_on
from ui.gift_cards_view import GiftCardsView
from ui.main_window import MainWindow
from ui.tab_frame import GIFT_CARDS_TAB


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeWindow]:
    """The register's window over a client, with its own database holding the catalog
    pulled from that client's server (as the sync loop does at start)."""
    made: list[MainWindow] = []
    databases: list[RegisterDatabase] = []
    all_services: list[RegisterServices] = []

    def make(
        client: ServerClient,
        *,
        demo: bool = True,
        idle_lock_seconds: float | None = None,
        data_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        printing: Callable[[RegisterDatabase], PrintService] | None = None,
        reports: Callable[[Path], ReportsService] | None = None,
        shift_open: bool = True,
    ) -> MainWindow:
        """``printing`` makes the register's print queue over its database (a printer);
        ``reports`` the reports service over the register's data folder (a stand-in client
        until the server answers reports); ``shift_open``: the drawer's shift is open already,
        so cash is taken (the drawer's own tests open it by taps)."""
        folder = data_dir or tmp_path / f"register-{len(made)}"
        database = RegisterDatabase.in_folder(folder)
        databases.append(database)
        with contextlib.suppress(ServerUnreachable):  # as the sync loop: retried later
            CatalogSync(database, client).pull_once()
        if shift_open:
            open_drawer_shift(database)
        services = RegisterServices.over(
            client,
            database,
            folder,
            clock=clock or utc_now,
            printing=printing(database) if printing is not None else None,
        )
        if reports is not None:
            services = dataclasses.replace(services, reports=reports(folder))
        all_services.append(services)
        window = MainWindow(services, demo=demo, idle_lock_seconds=idle_lock_seconds)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    # Close before the client closes, so no request of the window outlives it.
    for window in made:
        window.close()
    for services in all_services:
        services.devices.close()  # a print queue the Settings tab started
    for database in databases:
        database.close()


@pytest.fixture
def window(make_window: MakeWindow, register_client: ServerClient) -> MainWindow:
    return make_window(register_client)


@pytest.fixture
def active_card() -> DemoCard:
    return next(card for card in DEMO_CARDS if card.state == "active")


@pytest.fixture
def tap() -> Callable[[QtBot, QWidget, str], None]:
    """Tap the button with this objectName inside a widget, as a finger would."""

    def do(qtbot: QtBot, parent: QWidget, name: str) -> None:
        qtbot.mouseClick(button(parent, name), Qt.MouseButton.LeftButton)

    return do


@pytest.fixture
def tap_pin(qtbot: QtBot) -> Callable[..., None]:
    return lambda window, pin, **options: tap_pin_on(qtbot, window, pin, **options)


@pytest.fixture
def log_in(qtbot: QtBot, tap_pin: Callable[..., None]) -> Callable[..., None]:
    def do(window: MainWindow, pin: str = "1111") -> None:
        tap_pin(window, pin)
        qtbot.waitUntil(lambda: window.logged_in)

    return do


@pytest.fixture
def cards_view(window: MainWindow, log_in: Callable[..., None]) -> GiftCardsView:
    """The Gift Cards tab of a register a cashier is logged in on."""
    log_in(window)
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    return window.tab_frame.gift_cards_view


@pytest.fixture
def till(
    make_window: MakeWindow, register_client: ServerClient, log_in: Callable[..., None]
) -> MainWindow:
    """A register window with the demo cashier logged in."""
    window = make_window(register_client)
    log_in(window)
    return window


@pytest.fixture
def catalog_store(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Store]:
    """A demo store of the test's own (the Back Office catalog tests change it), the manager
    logged in at a 1024x768 register of it."""
    # The import lists .csv files in the home folder too: the test's own, empty one.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    server = start_server(tmp_path / "server.sqlite3")
    try:
        enrolled = server.enroll_local_register("Counter")
        with ServerClient(server.base_url, enrolled.token, timeout=CLIENT_TIMEOUT_S) as client:
            data_dir = tmp_path / "register"
            window = make_window(client, data_dir=data_dir)
            window.resize(1024, 768)
            tap_pin_on(qtbot, window, MANAGER_PIN)
            qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
            yield Store(server, client, window, data_dir)
            window.close()
    finally:
        server.stop()


@pytest.fixture
def counter(tmp_path: Path, make_window: MakeWindow) -> Iterator[Counter]:
    """A demo store of the test's own (the card actions change its cards) and a register of
    it with a receipt printer on loopback: ``counter.window(qtbot, pin)`` opens it."""
    server = start_server(tmp_path / "server.sqlite3")
    printer = PrinterServer()
    try:
        enrolled = server.enroll_local_register("Counter")
        with ServerClient(server.base_url, enrolled.token, timeout=CLIENT_TIMEOUT_S) as client:
            store = Counter(server, client, printer, tmp_path / "register", make_window)
            try:
                yield store
            finally:
                for window in QApplication.topLevelWidgets():
                    if isinstance(window, MainWindow):
                        window.close()
                store.close()
    finally:
        server.stop()
