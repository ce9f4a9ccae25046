"""The Back Office's Employees page: the staff listed, added and changed on a worker.

Every change is the server's to accept; a refusal the manager fixes in one field comes back as
``refused`` (the field, why), any other failure as ``failed``, and the page keeps what was
typed either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.services.results import StaffEntry, StaffRefused
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.contracts import StaffRole
    from pos_desktop.services.back_office import StaffService

PINS_DIFFER = "The two PINs differ. Enter the new PIN again, twice."
PIN_TWICE = "Enter the PIN twice on the pad."
ROLE_CHOICES: tuple[tuple[str, StaffRole], ...] = (("Cashier", "cashier"), ("Manager", "manager"))
ACTIVE, INACTIVE = "Active", "Deactivated"


def added(entry: StaffEntry) -> str:
    return f"{entry.name} added as {entry.role_label.lower()}. Their PIN logs in now."


def renamed(entry: StaffEntry) -> str:
    return f"Name saved: {entry.name}."


def role_set(entry: StaffEntry) -> str:
    return f"{entry.name} is now a {entry.role_label.lower()}."


def pin_set(entry: StaffEntry) -> str:
    return f"New PIN saved for {entry.name}."


def activity_set(entry: StaffEntry) -> str:
    if entry.active:
        return f"{entry.name} is active again and can log in."
    return f"{entry.name} is deactivated and can no longer log in."


def deactivate_question(entry: StaffEntry) -> str:
    return (
        f"Deactivate {entry.name}? They are logged out on every register and cannot log in "
        "until a manager reactivates them."
    )


def row_text(entry: StaffEntry) -> str:
    return f"{entry.name} · {entry.role_label} · {ACTIVE if entry.active else INACTIVE}"


class StaffPresenter(EmployeePresenter):
    listed = Signal(object)  # tuple[StaffEntry, ...]
    saved = Signal(object, str)  # the StaffEntry as now stored, and the word on it
    refused = Signal(str, str)  # the field to fix ("name", "pin", or "" for none), and why
    failed = Signal(str)  # not about a field: the page's message room

    role_choices = ROLE_CHOICES

    def __init__(
        self, service: StaffService, parent: QObject | None = None, pool: QThreadPool | None = None
    ) -> None:
        super().__init__(parent, pool)
        self._service = service

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()

    def load(self) -> None:
        self._worker.submit(self._service.list, self.listed.emit, self._failed)

    def add(self, name: str, role: StaffRole, pin: str, pin_again: str) -> None:
        if self._pins_refused(pin, pin_again):
            return
        self._save(lambda: self._service.add(name, role, pin), added)

    def rename(self, employee_id: uuid.UUID, name: str) -> None:
        self._save(lambda: self._service.rename(employee_id, name), renamed)

    def set_role(self, employee_id: uuid.UUID, role: StaffRole) -> None:
        self._save(lambda: self._service.set_role(employee_id, role), role_set)

    def set_pin(self, employee_id: uuid.UUID, pin: str, pin_again: str) -> None:
        if self._pins_refused(pin, pin_again):
            return
        self._save(lambda: self._service.set_pin(employee_id, pin), pin_set)

    def set_active(self, employee_id: uuid.UUID, active: bool) -> None:
        self._save(lambda: self._service.set_active(employee_id, active), activity_set)

    def _pins_refused(self, pin: str, pin_again: str) -> bool:
        if not pin or not pin_again:
            self.refused.emit("pin", PIN_TWICE)
        elif pin != pin_again:
            self.refused.emit("pin", PINS_DIFFER)
        else:
            return False
        return True

    def _save(self, job: Callable[[], StaffEntry], word: Callable[[StaffEntry], str]) -> None:
        def done(entry: StaffEntry) -> None:
            self.saved.emit(entry, word(entry))
            self.load()

        self._worker.submit(job, done, self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, StaffRefused):
            self.refused.emit(error.field, error.message)
        else:
            self._on_failed(error, self.failed.emit)
