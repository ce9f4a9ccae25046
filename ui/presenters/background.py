"""The base of presenters whose service calls run on a worker and answer by signal, and the one
road every failed call takes to the screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.errors import DomainError
from ui.presenters.error_text import cashier_message, ends_session
from ui.workers import Worker


class BackgroundPresenter(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._worker = Worker(self, pool)
        self._worker.busy_changed.connect(self.busy_changed)

    @property
    def busy(self) -> bool:
        return self._worker.busy

    @staticmethod
    def _passes(check: Callable[[], object], say: Callable[[str], None]) -> bool:
        """Run a field check that needs no network; its refusal is said through ``say``."""
        try:
            check()
        except DomainError as exc:
            say(exc.message)
            return False
        return True

    def _on_failed(self, error: Exception, say: Callable[[str], None]) -> None:
        """A failed call, in the cashier's words (``cashier_message``), said through ``say``:
        the signal of the screen's place for it. A presenter words the refusals it knows
        better itself (a wrong code, a field to fix) and hands the rest here."""
        say(cashier_message(error))


class EmployeePresenter(BackgroundPresenter):
    """A presenter whose calls the server answers for the logged-in employee: when it no longer
    accepts the session, the session ends (the window locks and says why) instead of the
    failure being said where the call was made."""

    session_ended = Signal(str)

    def _on_failed(self, error: Exception, say: Callable[[str], None]) -> None:
        if ends_session(error):
            self.session_ended.emit(cashier_message(error))
        else:
            super()._on_failed(error, say)
