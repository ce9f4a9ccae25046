"""Manager approval on the spot: whether the employee at the register must get a manager's PIN
before an action, and checking that PIN (argon2, on a worker: the screen never waits)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.approvals import ApprovalAction, asks_manager
from pos_desktop.domain.errors import InvalidPin
from pos_desktop.services.results import Employee
from ui.presenters.background import BackgroundPresenter

if TYPE_CHECKING:
    from pos_desktop.services.approvals import ApprovalService


class ApprovalPresenter(BackgroundPresenter):
    approved = Signal(object)  # an Approval
    refused = Signal(str)  # why the PIN did not approve, in the cashier's words
    # The register locked (or the employee changed): an approval asked for is dropped.
    withdrawn = Signal()

    def __init__(
        self,
        service: ApprovalService,
        employee: Callable[[], Employee | None],
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        """``employee``: who is at the register now (None: nobody)."""
        super().__init__(parent, pool)
        self._service = service
        self._employee = employee
        self._required: frozenset[ApprovalAction] = frozenset()

    def set_required(self, actions: Collection[ApprovalAction]) -> None:
        """The store's rules as this register last pulled them."""
        self._required = frozenset(actions)

    def needed(self, action: ApprovalAction) -> bool:
        """Whether ``action`` waits for a manager's PIN: the store asks it, and the employee
        at the register is not a manager."""
        employee = self._employee()
        return employee is not None and asks_manager(self._required, action, employee.role)

    def verify(self, action: ApprovalAction, pin: str) -> None:
        """Check ``pin``; ``approved`` or ``refused`` answers."""
        if self.busy:
            return
        try:
            self._service.check_pin(pin)
        except InvalidPin as exc:
            self.refused.emit(exc.message)
            return
        cashier = self._employee()
        self._worker.submit(
            lambda: self._service.approve(action, pin, cashier),
            self.approved.emit,
            lambda error: self._on_failed(error, self.refused.emit),
        )

    def forget(self) -> None:
        """An answer still coming is not heard (its dialog closed)."""
        self._worker.forget_pending()

    def withdraw(self) -> None:
        """Drop the approval being asked for: its dialog closes, nothing is done."""
        self.forget()
        self.withdrawn.emit()
