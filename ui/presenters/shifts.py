"""The cash drawer's shifts: every call (SQLite, the PDF, the print queue) runs on a worker and
answers by signal, so the screen never waits on the disk or the printer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import DrawerCount
from pos_desktop.services.results import Employee
from ui.presenters.background import BackgroundPresenter

if TYPE_CHECKING:
    from pos_desktop.services.shifts import ShiftService

NOBODY = "Log in to use the drawer."
T = TypeVar("T")


class ShiftPresenter(BackgroundPresenter):
    state_changed = Signal(object)  # DrawerState
    moved = Signal(object)  # DrawerState, after a pay in, pay out or no sale
    report_ready = Signal(object)  # ShiftPrinted: an X, or a past Z printed again
    closed = Signal(object)  # ShiftPrinted: the close's Z
    past_listed = Signal(object)  # tuple[PastShift, ...], the latest Z first
    refused = Signal(str)  # said as it is; what was entered stays

    def __init__(
        self,
        service: ShiftService,
        employee: Callable[[], Employee | None],
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        """``employee``: who is at the register now (None: nobody)."""
        super().__init__(parent, pool)
        self._service = service
        self._employee = employee

    def load(self) -> None:
        self._run(self._service.state, self.state_changed.emit)

    def open_shift(self, count: DrawerCount) -> None:
        self._as_employee(lambda who: self._service.open(who, count), self.state_changed.emit)

    def pay_in(self, amount: Money, reason: str) -> None:
        self._as_employee(lambda who: self._service.pay_in(who, amount, reason), self.moved.emit)

    def pay_out(self, amount: Money, reason: str) -> None:
        self._as_employee(lambda who: self._service.pay_out(who, amount, reason), self.moved.emit)

    def no_sale(self, reason: str, approval: Approval | None) -> None:
        self._as_employee(lambda who: self._service.no_sale(who, reason, approval), self.moved.emit)

    def x_report(self, *, print_it: bool = False) -> None:
        self._as_employee(
            lambda who: self._service.x_report(who, print_it=print_it), self.report_ready.emit
        )

    def close_shift(self, shift_id: uuid.UUID, count: DrawerCount, note: str) -> None:
        self._as_employee(
            lambda who: self._service.close(who, shift_id, count, note), self.closed.emit
        )

    def list_past(self) -> None:
        self._run(self._service.past, self.past_listed.emit)

    def reprint(self, shift_id: uuid.UUID) -> None:
        self._run(lambda: self._service.reprint(shift_id), self.report_ready.emit)

    def forget(self) -> None:
        """Answers still coming are not heard (the screen closed, the register locked)."""
        self._worker.forget_pending()

    def _as_employee(self, job: Callable[[Employee], T], done: Callable[[T], None]) -> None:
        employee = self._employee()
        if employee is None:
            self.refused.emit(NOBODY)
            return
        self._run(lambda: job(employee), done)

    def _run(self, job: Callable[[], T], done: Callable[[T], None]) -> None:
        if self.busy:
            return  # one call at a time: a second tap while the first runs does nothing
        self._worker.submit(job, done, lambda error: self._on_failed(error, self.refused.emit))
