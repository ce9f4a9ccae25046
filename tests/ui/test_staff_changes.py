"""A manager's staff changes reach the counter: a deactivated cashier is locked out on the
register at its next pull, whether or not they touch anything that asks the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import CASHIER_PIN
from pos_desktop.server.deps import DEACTIVATED_MESSAGE
from pos_desktop.server.models import Employee
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import MakeWindow, child
from ui.presenters.session import DEACTIVATED

WAIT_MS = 10_000


def test_deactivated_cashier_is_locked_out_at_the_next_pull(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, tap_pin: Callable[..., None]
) -> None:
    """The cashier is logged in when a manager deactivates them: the register's next pull
    locks it, saying why, and their PIN no longer opens it."""
    server = start_server(tmp_path / "store.sqlite3")
    try:
        enrolled = server.enroll_local_register("Front counter")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(client, data_dir=tmp_path / "r")
            tap_pin(window, CASHIER_PIN)
            qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
            with make_session_factory(server.engine)() as server_db:
                casey = server_db.execute(
                    select(Employee).where(Employee.name == "Casey Cashier")
                ).scalar_one()
                casey.active = False
                casey.sync_version = next_sync_version(server_db)
                server_db.commit()

            # What the sync loop does on its next round.
            database = RegisterDatabase.in_folder(tmp_path / "r")
            try:
                assert CatalogSync(database, client).pull_once().employees == 1
            finally:
                database.close()
            window.catalog_changed.emit()

            qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)
            banner = child(window.login_view, QLabel, "errorBannerText")
            assert banner.text() == DEACTIVATED
            tap_pin(window, CASHIER_PIN)
            # The server's own refusal, not the lock's message: the PIN was tried and refused.
            qtbot.waitUntil(lambda: banner.text() == DEACTIVATED_MESSAGE, timeout=WAIT_MS)
            assert not window.logged_in
            window.close()
    finally:
        server.stop()
