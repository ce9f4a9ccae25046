"""The owner's Chain report on the Reports page, by taps at a 1024x768 register of the demo
store, against the real embedded server holding a second store: an owner sees every store
and the chain's total; a manager is never offered the report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.provisioning import create_employee, create_store, the_store
from pos_desktop.services.report_results import ReportKind
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import CLIENT_TIMEOUT_S, start_server
from tests.ui.back_office_support import WAIT_MS, tap
from tests.ui.catalog_support import open_page
from tests.ui.support import MakeWindow, child, tap_pin
from ui.main_window import MainWindow
from ui.reports_page import ReportsPage

OWNER_PIN = "864200"


@pytest.fixture
def chain_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """The demo store, a second store (Downtown) and an owner of both."""
    server = start_server(tmp_path / "server.sqlite3")
    try:
        with make_session_factory(server.engine)() as db:
            now = the_store(db).created_at + timedelta(seconds=1)
            create_store(db, "Downtown", now, currency="USD", timezone="America/Chicago")
            create_employee(db, the_store(db), "Olive Owner", "owner", OWNER_PIN, now)
            db.commit()
        yield server
    finally:
        server.stop()


@contextmanager
def logged_in(
    qtbot: QtBot, make_window: MakeWindow, server: EmbeddedServer, pin: str
) -> Iterator[MainWindow]:
    enrolled = server.enroll_local_register("Counter")
    with ServerClient(server.base_url, enrolled.token, timeout=CLIENT_TIMEOUT_S) as client:
        window = make_window(client)
        window.resize(1024, 768)
        tap_pin(qtbot, window, pin)
        qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
        yield window


def reports_page(qtbot: QtBot, window: MainWindow) -> ReportsPage:
    open_page(qtbot, window, "Reports")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    return child(back_office, ReportsPage, "reportsPage")


def rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(column) for column in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def test_chain_report_shows_every_store_and_the_total_to_the_owner(
    qtbot: QtBot, make_window: MakeWindow, chain_server: EmbeddedServer
) -> None:
    with logged_in(qtbot, make_window, chain_server, OWNER_PIN) as window:
        assert "Olive Owner · Owner" in window.tab_frame.employee_label.text()
        page = reports_page(qtbot, window)
        chain = page.kind_buttons[ReportKind.CHAIN]
        assert chain.isVisible()
        tap(qtbot, chain)
        qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.kind is ReportKind.CHAIN)
        table = child(page, QTreeWidget, "reportTable")
        qtbot.waitUntil(lambda: table.topLevelItemCount() == 2)
        stores = rows(table)
        assert [row[0] for row in stores] == ["Demo Gift Shop", "Downtown"]
        # The demo store's cards owe what they hold; Downtown has sold nothing.
        assert stores[1][1:] == ["$0.00", "0", "$0.00", "0"]
        assert stores[0][3].startswith("$") and stores[0][3] != "$0.00"
        assert page.period.text().startswith("Chain report: ")
        assert window.width() == 1024  # the fifth report button leaves the row on screen


def test_chain_report_is_not_offered_to_a_manager(
    qtbot: QtBot, make_window: MakeWindow, chain_server: EmbeddedServer
) -> None:
    with logged_in(qtbot, make_window, chain_server, MANAGER_PIN) as window:
        page = reports_page(qtbot, window)
        qtbot.waitUntil(lambda: page.sheet is not None)
        assert not page.kind_buttons[ReportKind.CHAIN].isVisible()
        assert page.kind_buttons[ReportKind.SALES].isVisible()
