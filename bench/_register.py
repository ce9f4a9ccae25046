"""What the GUI benches share: the register they run, driven by taps as a cashier drives it.

``register_window`` starts the embedded server with demo data (uvicorn in a thread, SQLite in a
temporary folder), enrolls a register with its own database, pulls the catalog and shows the
real ``MainWindow``, as ``./dev run`` does; ``log_in`` taps a PIN on the pad. Not a benchmark:
bench/event_loop_stall.py, bench/scan_to_line.py and bench/scan_pty.py import it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.register_services import RegisterServices
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from ui.main_window import MainWindow

TAP = Qt.MouseButton.LeftButton
# Generous: a step that takes this long is a broken run, not a slow one.
WAIT_TIMEOUT_S = 20.0


class BenchError(RuntimeError):
    """The run could not go on; the message says what was on screen."""


@dataclass
class BenchRegister:
    window: MainWindow
    server: EmbeddedServer
    register_token: str


# Given the started server and the stack that closes everything, the URL the register's client
# talks to (a proxy in front of the server, say, closed by the stack).
Route = Callable[[EmbeddedServer, contextlib.ExitStack], str]


def direct(server: EmbeddedServer, stack: contextlib.ExitStack) -> str:
    return server.base_url


@contextlib.contextmanager
def register_window(folder: Path, route: Route = direct) -> Iterator[BenchRegister]:
    """The demo server, a register enrolled on it with the catalog pulled, and its window shown;
    all closed again in the reverse order (the window first, so no request outlives the
    client)."""
    with contextlib.ExitStack() as stack:
        server = EmbeddedServer(f"sqlite:///{folder / 'server.sqlite3'}")
        server.start()
        stack.callback(server.stop)
        url = route(server, stack)
        enrolled = server.enroll_local_register("Bench")
        client = stack.enter_context(ServerClient(url, enrolled.token, timeout=5))
        data_dir = folder / "register"
        database = RegisterDatabase.in_folder(data_dir)
        stack.callback(database.close)
        CatalogSync(database, client).pull_once()
        services = RegisterServices.over(client, database, data_dir)
        services.receipts.prepare()  # as start_register does
        window = MainWindow(services, demo=True)
        stack.callback(window.close)
        window.show()
        yield BenchRegister(window, server, enrolled.token)


def wait_until(done: Callable[[], bool], what: str, timeout_s: float = WAIT_TIMEOUT_S) -> None:
    """Run the event loop until ``done()``; only for the untimed steps of a bench."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        QTest.qWait(5)  # waits in an event loop: no busy loop taking the GIL from the workers


def button(parent: QWidget, name: str, accessible_name: str | None = None) -> QPushButton:
    for found in parent.findChildren(QPushButton, name):
        if accessible_name is None or found.accessibleName() == accessible_name:
            return found
    raise BenchError(f"no button {name!r} {accessible_name or ''} in {parent.objectName()}")


def tap(parent: QWidget, name: str, accessible_name: str | None = None) -> None:
    found = button(parent, name, accessible_name)
    wait_until(lambda: found.isVisible() and found.isEnabled(), f"{name} to take a tap")
    QTest.mouseClick(found, TAP)


def log_in(window: MainWindow, pin: str) -> None:
    wait_until(lambda: window.is_ready, "the PIN pad")
    for digit in pin:
        tap(window.login_view.pin_pad, f"keypadKey{digit}")
    tap(window.login_view.pin_pad, "keypadEnter")
    wait_until(lambda: window.logged_in, "the log-in")
    # The catalog and the cashier's open ticket load in the background after a log-in; a scan
    # or a tap before the catalog is there is refused, which is not what is measured here.
    view = window.tab_frame.checkout_view
    wait_until(lambda: bool(view.findChildren(QPushButton, "productButton")), "the catalog")
    wait_until(lambda: not window.sale.busy, "the open ticket")


def start_app() -> QApplication:
    """The application, offscreen when there is no display, without the offscreen platform's
    warning on every dialog that it cannot size windows to their hints: that says nothing about
    the register, and would bury the figures."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication(sys.argv[:1])

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)
    return app
