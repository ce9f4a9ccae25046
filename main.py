"""Composition root: the window first, then the register behind it.

``build()`` returns the main window with its login screen at once and connects the register
(``pos_desktop.startup``) on a thread; the window gets its services when they are ready and
says on screen what went wrong if they never are. Tests and ``tools/screenshots.py`` drive
the same application ``main()`` runs.

Only Qt and the window's own light modules are imported at the top: the rest (SQLAlchemy,
httpx, the embedded server) takes seconds to load, and a cashier should see the register
while it does.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow, fit_to_screen

if TYPE_CHECKING:
    from pos_desktop.config import Settings
    from pos_desktop.services.first_start import FirstStartService
    from pos_desktop.services.register_services import RegisterServices
    from pos_desktop.startup import Register
    from ui.first_start_view import FirstStartView

log = logging.getLogger("pos_desktop.main")

CANNOT_START = "The register could not start. Call a manager; the log has the details."


class RegisterStartup(QObject):
    """Connects the register on a thread and hands the result to the window; a data folder
    that has not said what it is first asks (``ui.first_start_view``)."""

    _done = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._register: Register | None = None
        self._settings: Settings | None = None
        self._asking: FirstStartService | None = None
        self._first_start: FirstStartView | None = None
        self._answered_first_start = False
        self._error = ""
        self._closing = False
        self._thread: threading.Thread | None = None
        self._done.connect(self._deliver)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="register-startup", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from pos_desktop.config import Settings
            from pos_desktop.services.first_start import FirstStartService, needs_first_start
            from pos_desktop.startup import SetupError, start_register

            if self._settings is None:
                self._settings = Settings()
                logging.getLogger().setLevel(self._settings.log_level.upper())
            settings = self._settings
            if not self._answered_first_start and needs_first_start(settings):
                self._asking = FirstStartService(settings)
            else:
                self._register = start_register(
                    settings,
                    on_catalog_changed=lambda _change: self._window.catalog_changed.emit(),
                    on_waiting=self._window.sync_waiting.emit,
                )
        except SetupError as exc:
            log.error("%s", exc)
            self._error = str(exc)
        except Exception:
            # E.g. the data folder is not writable or the embedded database is damaged: say so
            # on screen (a register often has no terminal) and keep the details in the log.
            log.exception("startup failed")
            self._error = CANNOT_START
        # Queued to the GUI thread, where the window is.
        self._done.emit()

    def _deliver(self) -> None:
        if self._closing:
            return
        try:
            if self._asking is not None and self._settings is not None:
                self._ask(self._asking, self._settings)
            elif self._register is not None:
                self._window.attach(self._register.services, demo=self._register.demo)
                if self._register.scanner is not None:
                    self._window.use_serial_scanner(self._register.scanner)
                self._register.start_sync()
                self._prepare_receipts(self._register.services)
            else:
                self._window.show_startup_error(self._error)
        finally:
            resume_collector()

    @staticmethod
    def _prepare_receipts(services: RegisterServices) -> None:
        """The first receipt's PDF library and fonts, loaded on a thread of their own once the
        PIN pad takes a PIN: before it, they would hold it up; at the first sale, the receipt."""

        def prepare() -> None:
            try:
                services.receipts.prepare()
            except Exception:
                log.exception("could not load the receipt fonts")

        threading.Thread(target=prepare, name="receipt-fonts", daemon=True).start()

    def _ask(self, service: FirstStartService, settings: Settings) -> None:
        from ui.first_start_view import FirstStartView
        from ui.presenters.first_start import FirstStartPresenter

        self._asking = None
        presenter = FirstStartPresenter(service, self)
        view = FirstStartView(presenter)
        self._first_start = view
        presenter.done.connect(self._answered)
        self._window.show_first_start(view, settings.onscreen_keyboard)

    def _answered(self) -> None:
        """The folder says what it is now: start the register it describes."""
        view, self._first_start = self._first_start, None
        if self._closing or view is None:
            return
        self._answered_first_start = True
        self._window.end_first_start(view)
        self.start()

    def close(self) -> None:
        """Wait for a start still running, then let go of what it started."""
        self._closing = True
        if self._thread is not None:
            self._thread.join()
        if self._register is not None:
            self._register.close()


def pause_collector() -> None:
    """The cyclic garbage collector off while the register starts: start-up allocates what
    lives as long as the process (modules, classes, the screens), and the collector's full
    passes over it free nothing. About 0.1 s of the wait for the PIN pad (bench/startup.py)."""
    gc.disable()


def resume_collector() -> None:
    """The collector on again once the window has its register (or says why it has none);
    what start-up made is set aside for good (``gc.freeze``), as ``serve`` does. Nothing to
    do when it was never paused (``build()`` without ``main()``: tests, screenshots)."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


def build() -> MainWindow:
    """The main window, login screen showing, register connecting; a QApplication must exist."""
    window = MainWindow()
    startup = RegisterStartup(window)
    window.set_on_close(startup.close)
    startup.start()
    app = QCoreApplication.instance()
    if app is not None:
        # Quitting without closing the window (e.g. a session logout) still stops the server.
        app.aboutToQuit.connect(window.close)
    return window


def quiet_request_logs() -> None:
    """httpx logs every URL at INFO, and a card look-up's URL holds the full card number;
    numbers are never written anywhere but the screen at the moment of entry."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


def main() -> int:
    # The settings load with the rest of the register; until then the environment decides.
    level = os.environ.get("POS_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        level=level if level in logging.getLevelNamesMapping() else "INFO",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_request_logs()
    pause_collector()
    app = QApplication(sys.argv)
    app.setApplicationName("POS Desktop")
    window = build()
    screen = app.primaryScreen()
    if screen is not None:
        fit_to_screen(window, screen.availableGeometry())
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
