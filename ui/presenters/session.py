"""Log in, lock and "who is logged in" for the screens."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.errors import InvalidPin
from pos_desktop.services.results import ActiveSession, Employee
from ui.presenters.background import BackgroundPresenter
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.services.session import SessionService

log = logging.getLogger(__name__)

# A session opened on the register while the server was away is unknown to the server: once it
# answers again, gift cards need a log-in it has seen.
SERVER_BACK = "The server is back. Enter your PIN again to use gift cards."
DEACTIVATED = "A manager deactivated this employee. Another employee can log in."


class SessionPresenter(BackgroundPresenter):
    logged_in = Signal(object)  # Employee
    # Why the register locked, for the login screen; "" when the cashier pressed Lock.
    locked = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        service: SessionService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        # Its own worker: a check running never makes a log-in wait or look busy.
        self._checks = Worker(self, pool)

    @property
    def employee(self) -> Employee | None:
        return self._service.employee

    @property
    def offline(self) -> bool:
        """The session was opened on the register, the server being away."""
        current = self._service.current
        return current is not None and current.offline

    def log_in(self, pin: str) -> None:
        if self._worker.busy:
            return
        try:
            self._service.check_pin(pin)
        except InvalidPin as exc:
            self.failed.emit(exc.message)
            return
        self._worker.submit(
            lambda: self._service.log_in(pin),
            self._on_logged_in,
            lambda error: self._on_failed(error, self.failed.emit),
        )

    def lock(self, reason: str = "") -> None:
        self._worker.forget_pending()
        self._checks.forget_pending()  # an answer about this employee must not lock the next
        self._service.lock()
        self.locked.emit(reason)

    def check_still_active(self) -> None:
        """After the staff changed on the server: lock if the logged-in employee was
        deactivated, whether or not they touch anything that asks the server."""
        if self._service.current is None:
            return
        self._checks.submit(self._service.still_active, self._checked, self._check_failed)

    def _checked(self, active: bool) -> None:
        if not active:
            self.lock(DEACTIVATED)

    def _check_failed(self, error: Exception) -> None:
        log.warning("could not check the employee is still active: %s", error)

    def refused(self, server_says: str) -> None:
        """The server refused the employee's session (401): lock, saying why."""
        self.lock(SERVER_BACK if self.offline else server_says)

    def _on_logged_in(self, session: ActiveSession) -> None:
        self.logged_in.emit(session.employee)
