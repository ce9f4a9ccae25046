"""The register's window: login screen or the tab frame, and locking between them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from pos_desktop.services.register_services import RegisterServices
from pos_desktop.services.session import Employee
from pos_desktop.services.store_profile import StoreProfile
from ui.balance_check_view import BalanceCheckView
from ui.gift_cards_view import GiftCardsView
from ui.idle_lock import IdleLock
from ui.login_view import LoginView
from ui.presenters.card_lookup import BalanceCheckPresenter, RecipientSearchPresenter
from ui.presenters.session import SessionPresenter
from ui.presenters.store_profile import StoreProfilePresenter
from ui.tab_frame import TabFrame
from ui.theme import theme_stylesheet

log = logging.getLogger(__name__)

DEFAULT_IDLE_LOCK_SECONDS = 300
WINDOW_SIZE = (1280, 800)
# Worst case the window waits this long on close for requests still running (they time out).
_CLOSE_WAIT_MS = 15_000


def idle_lock_message(seconds: float) -> str:
    if seconds >= 60:
        minutes = round(seconds / 60)
        span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    else:
        span = f"{round(seconds)} seconds"
    return f"Locked after {span} without use. Enter your PIN to continue."


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: RegisterServices,
        *,
        demo: bool = False,
        idle_lock_seconds: float = DEFAULT_IDLE_LOCK_SECONDS,
        on_close: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``on_close`` releases what the window's requests used (client, embedded server) once
        they are done; the window holds it, so it lives exactly as long as the window."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("POS Desktop")
        self.setStyleSheet(theme_stylesheet())
        self.resize(*WINDOW_SIZE)
        self._idle_lock_seconds = idle_lock_seconds
        self._on_close = on_close

        # The window's own pool: closing it waits for exactly this window's requests.
        self._pool = QThreadPool(self)
        self.session = SessionPresenter(services.session, self, self._pool)
        self.store = StoreProfilePresenter(services.store, self, self._pool)
        self.balance = BalanceCheckPresenter(services.cards, self, self._pool)
        self.search = RecipientSearchPresenter(services.cards, self, self._pool)

        self.login_view = LoginView(self.session, demo=demo)
        self.tab_frame = TabFrame(BalanceCheckView(self.balance), GiftCardsView(self.search))
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("screens")
        self.stack.addWidget(self.login_view)
        self.stack.addWidget(self.tab_frame)
        self.setCentralWidget(self.stack)

        self.idle_lock = IdleLock(self, idle_lock_seconds)

        self.session.logged_in.connect(self._on_logged_in)
        self.session.locked.connect(self._on_locked)
        self.tab_frame.lock_requested.connect(lambda: self.session.lock())
        self.idle_lock.timed_out.connect(self._on_idle)
        for presenter in (self.balance, self.search):
            presenter.session_ended.connect(self.session.lock)
        self.store.profile_changed.connect(self._show_store)
        self.store.refresh_if_needed()

    @property
    def logged_in(self) -> bool:
        return self.stack.currentWidget() is self.tab_frame

    def _on_logged_in(self, employee: Employee) -> None:
        log.info("%s (%s) logged in", employee.name, employee.role)
        self.tab_frame.show_employee(employee)
        self.stack.setCurrentWidget(self.tab_frame)
        self.tab_frame.balance_view.number_input.setFocus()
        self.idle_lock.start()
        self.store.refresh_if_needed()

    def _on_locked(self, reason: str) -> None:
        self.idle_lock.stop()
        self.tab_frame.reset()
        self.stack.setCurrentWidget(self.login_view)
        self.login_view.reset(reason)

    def _on_idle(self) -> None:
        if self.logged_in:
            log.info("locking after %s s without input", self._idle_lock_seconds)
            self.session.lock(idle_lock_message(self._idle_lock_seconds))

    def _show_store(self, profile: StoreProfile) -> None:
        self.login_view.show_store(profile)
        self.tab_frame.show_store(profile)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle_lock.stop()
        self._pool.waitForDone(_CLOSE_WAIT_MS)
        if self._on_close is not None:
            self._on_close()
        super().closeEvent(event)
