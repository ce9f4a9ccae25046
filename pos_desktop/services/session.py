"""Who is at the register: log in by PIN, the current employee and role, lock."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_desktop.contracts import Role, SessionResponse
from pos_desktop.domain.pin import validate_pin
from pos_desktop.sync.client import ServerClient

ROLE_LABELS: dict[Role, str] = {"cashier": "Cashier", "manager": "Manager"}


@dataclass(frozen=True, slots=True)
class Employee:
    id: uuid.UUID
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True, slots=True)
class ActiveSession:
    employee: Employee
    expires_at: datetime


class SessionService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client
        # log_in runs on a worker while lock() runs on the GUI thread.
        self._lock = threading.Lock()
        self._session: ActiveSession | None = None

    @property
    def current(self) -> ActiveSession | None:
        return self._session

    @property
    def employee(self) -> Employee | None:
        session = self._session
        return session.employee if session else None

    def check_pin(self, pin: str) -> str:
        """Refuse a malformed PIN without asking the server (and without using up a try)."""
        return validate_pin(pin)

    def log_in(self, pin: str) -> ActiveSession:
        """Open the session of the employee with this PIN, or raise ``InvalidPin``/a server error.

        Blocking: presenters call it on a worker."""
        response = self._client.open_session(self.check_pin(pin))
        session = _session_from(response)
        with self._lock:
            self._session = session
        return session

    def lock(self) -> None:
        """End the employee's session on this register: the next action needs a PIN again."""
        with self._lock:
            self._session = None
            self._client.forget_session()


def _session_from(response: SessionResponse) -> ActiveSession:
    employee = Employee(
        id=response.employee.id, name=response.employee.name, role=response.employee.role
    )
    return ActiveSession(employee=employee, expires_at=response.expires_at)
