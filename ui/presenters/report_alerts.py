"""The Back Office's alert: registers past a threshold right now (unknown card numbers, wrong
PINs), asked of the server when the Back Office comes into view and every ``interval_ms``
while it shows, on a worker; never while the last question is still out.

A failed poll changes nothing on screen and is only logged: the alert is a hint, and the
pages say the server is unreachable where it matters. A session the server ended still locks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from pos_desktop.services.report_results import AlertKind, RegisterAlert
from ui.presenters.background import EmployeePresenter
from ui.presenters.error_text import ends_session

if TYPE_CHECKING:
    from pos_desktop.services.reports import ReportsService

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 60_000
WHAT = {
    AlertKind.UNKNOWN_CARDS: ("unknown card number", "unknown card numbers"),
    AlertKind.WRONG_PINS: ("wrong PIN", "wrong PINs"),
}


def alert_line(alert: RegisterAlert) -> str:
    """ "Front counter: 7 unknown card numbers in the last 10 minutes (the alert is at 5)."""
    one, many = WHAT[alert.kind]
    what = one if alert.count == 1 else many
    return (
        f"{alert.register_name}: {alert.count} {what} in the last {alert.window_minutes} "
        f"minutes (the alert is at {alert.threshold})."
    )


def alerts_text(alerts: tuple[RegisterAlert, ...]) -> str:
    """The banner's words, one line a register and kind; empty when nothing is past."""
    return "\n".join(alert_line(alert) for alert in alerts)


class AlertsPresenter(EmployeePresenter):
    changed = Signal(str)  # the alerts' words, "" when none

    def __init__(
        self,
        service: ReportsService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
        *,
        interval_ms: int = POLL_INTERVAL_MS,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    @property
    def polling(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """The Back Office came into view: ask now, and again at the interval."""
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        """The manager left: nothing of theirs shows to the next employee."""
        self.stop()
        self._worker.forget_pending()
        self._show("")

    def poll(self) -> None:
        if not self.busy:
            self._worker.submit(self._service.alerts, self._answered, self._failed)

    def _answered(self, alerts: tuple[RegisterAlert, ...]) -> None:
        self._show(alerts_text(alerts))

    def _show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.changed.emit(text)

    def _failed(self, error: Exception) -> None:
        if ends_session(error):
            self._on_failed(error, lambda _message: None)
        else:
            log.warning("alerts not read: %s", error)
