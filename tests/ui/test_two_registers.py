"""Two registers of one store on a real uvicorn server over PostgreSQL: what a manager does by
taps in the Back Office on one reaches the other at its next sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_desktop.db.catalog import CatalogChange
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.server.deps import DEACTIVATED_MESSAGE
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.fixtures.databases import create_postgres_database, drop_postgres_database
from tests.ui.back_office_support import open_employees, pick, tap, wait_idle
from tests.ui.catalog_support import (
    checkout_products,
    open_products,
    pick_in_combo,
    show_checkout,
    wait_saved,
)
from tests.ui.support import MakeWindow, scan, tap_pin, type_into
from ui.main_window import MainWindow
from ui.presenters.session import DEACTIVATED
from ui.widgets.banner import Banner
from ui.widgets.confirm import ConfirmDialog

pytestmark = pytest.mark.postgres
WAIT_MS = 10_000


@pytest.fixture
def pg_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """The demo store on uvicorn over a throwaway PostgreSQL database."""
    url = create_postgres_database("pos_two_registers")
    server = EmbeddedServer(url, data_dir=tmp_path / "server")
    server.start()
    yield server
    server.stop()
    drop_postgres_database(url)


def synced(window: MainWindow, folder: Path, client: ServerClient) -> CatalogChange:
    """What the register's sync loop does on its next round: pull, then tell the window."""
    database = RegisterDatabase.in_folder(folder)
    try:
        change = CatalogSync(database, client).pull_once()
    finally:
        database.close()
    window.catalog_changed.emit()
    return change


def test_two_registers_deactivated_cashier_refused_on_the_other(
    qtbot: QtBot, make_window: MakeWindow, pg_server: EmbeddedServer, tmp_path: Path
) -> None:
    """A manager deactivates the cashier on the back counter by taps; the front counter,
    where the cashier is logged in, locks at its next sync and refuses their PIN."""
    back_token = pg_server.enroll_local_register("Back counter").token
    front_token = pg_server.enroll_local_register("Front counter").token
    with (
        ServerClient(pg_server.base_url, back_token) as back_client,
        ServerClient(pg_server.base_url, front_token) as front_client,
    ):
        front = make_window(front_client, data_dir=tmp_path / "front")
        tap_pin(qtbot, front, CASHIER_PIN)
        qtbot.waitUntil(lambda: front.logged_in, timeout=WAIT_MS)
        back = make_window(back_client, data_dir=tmp_path / "back")
        tap_pin(qtbot, back, MANAGER_PIN)
        qtbot.waitUntil(lambda: back.logged_in, timeout=WAIT_MS)

        page = open_employees(qtbot, back)
        pick(qtbot, page, "Casey Cashier")
        tap(qtbot, page.active_button)
        dialog = back.findChild(ConfirmDialog)
        assert isinstance(dialog, ConfirmDialog)
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
        tap(qtbot, dialog.yes_button)
        wait_idle(qtbot, back)
        qtbot.waitUntil(lambda: page.active_button.text() == "Reactivate", timeout=WAIT_MS)

        assert synced(front, tmp_path / "front", front_client).employees == 1
        qtbot.waitUntil(lambda: not front.logged_in, timeout=WAIT_MS)
        banner = front.login_view.findChild(Banner, "errorBanner")
        assert isinstance(banner, Banner)
        assert banner.text() == DEACTIVATED
        tap_pin(qtbot, front, CASHIER_PIN)
        # The server's own refusal, not the lock's message: the PIN was tried and refused.
        qtbot.waitUntil(lambda: banner.text() == DEACTIVATED_MESSAGE, timeout=WAIT_MS)
        assert not front.logged_in


def test_two_registers_product_added_on_one_sells_on_the_other(
    qtbot: QtBot, make_window: MakeWindow, pg_server: EmbeddedServer, tmp_path: Path
) -> None:
    """A manager adds a product by taps on the back counter; the front counter, where a
    cashier is selling, shows it on its grid after its next sync and rings it up by its
    barcode."""
    back_token = pg_server.enroll_local_register("Back counter").token
    front_token = pg_server.enroll_local_register("Front counter").token
    with (
        ServerClient(pg_server.base_url, back_token) as back_client,
        ServerClient(pg_server.base_url, front_token) as front_client,
    ):
        front = make_window(front_client, data_dir=tmp_path / "front")
        tap_pin(qtbot, front, CASHIER_PIN)
        qtbot.waitUntil(lambda: front.logged_in, timeout=WAIT_MS)
        back = make_window(back_client, data_dir=tmp_path / "back")
        back.resize(1024, 768)
        tap_pin(qtbot, back, MANAGER_PIN)
        qtbot.waitUntil(lambda: back.logged_in, timeout=WAIT_MS)

        page = open_products(qtbot, back)
        tap(qtbot, page.add_button)
        editor = page.editor
        type_into(qtbot, back, editor.name_input, "flat white")
        pick_in_combo(qtbot, editor.category_input, "Coffee")
        type_into(qtbot, back, editor.price_input, "4.25")
        type_into(qtbot, back, editor.barcodes_input, "770001")
        tap(qtbot, editor.save_button)
        wait_saved(qtbot, back)
        assert editor.banner.text().startswith("flat white added.")

        assert "flat white" not in checkout_products(front)
        assert synced(front, tmp_path / "front", front_client).products == 1
        show_checkout(front)
        qtbot.waitUntil(lambda: "flat white" in checkout_products(front), timeout=WAIT_MS)
        scan(front, "770001")
        qtbot.waitUntil(
            lambda: (
                (sale := front.tab_frame.checkout_view.sale) is not None
                and [line.name for line in sale.lines] == ["flat white"]
            ),
            timeout=WAIT_MS,
        )
