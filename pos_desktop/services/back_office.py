"""The Back Office's employees, the register's side: list, add and change them on the server.

Every change is the server's to accept (PIN rules, a PIN in use, the last manager); its
refusals come back as ``StaffRefused`` naming the field to fix. Blocking (network):
presenters call it on their worker.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pos_desktop import contracts as c
from pos_desktop.services.results import StaffEntry, StaffRefused
from pos_desktop.sync.errors import ServerError

if TYPE_CHECKING:
    from pos_desktop.contracts import StaffRole
    from pos_desktop.sync.client import ServerClient

EMPTY_NAME = "Enter a name."
# Server codes whose refusal the manager fixes in one field.
_FIELD_OF_CODE = {"pin_taken": "pin", "invalid_pin": "pin"}


def _entry(member: c.StaffMember) -> StaffEntry:
    return StaffEntry(id=member.id, name=member.name, role=member.role, active=member.active)


def _refusal(error: ServerError) -> StaffRefused | None:
    """The refusal in the manager's terms, or None: any other failure takes the presenter's
    one road as it is."""
    if error.code in _FIELD_OF_CODE:
        return StaffRefused(_FIELD_OF_CODE[error.code], error.message)
    field = str(error.details.get("field", "")).rsplit(".", 1)[-1]
    if error.status in (409, 422) and field in ("name", "pin", "role"):
        return StaffRefused(field, error.message)
    if error.status == 409:
        return StaffRefused("", error.message)
    return None


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise StaffRefused("name", EMPTY_NAME)
    return name


class StaffService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    def list(self) -> tuple[StaffEntry, ...]:
        return tuple(_entry(member) for member in self._client.list_staff().items)

    def add(self, name: str, role: StaffRole, pin: str) -> StaffEntry:
        try:
            request = c.CreateEmployeeRequest(name=_checked_name(name), role=role, pin=pin)
        except ValidationError as exc:
            raise StaffRefused("name", EMPTY_NAME) from exc
        try:
            added = self._client.add_employee(request)
        except ServerError as exc:
            refusal = _refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc
        return StaffEntry(id=added.id, name=added.name, role=role, active=True)

    def rename(self, employee_id: uuid.UUID, name: str) -> StaffEntry:
        return self._update(employee_id, name=_checked_name(name))

    def set_role(self, employee_id: uuid.UUID, role: StaffRole) -> StaffEntry:
        return self._update(employee_id, role=role)

    def set_pin(self, employee_id: uuid.UUID, pin: str) -> StaffEntry:
        return self._update(employee_id, pin=pin)

    def set_active(self, employee_id: uuid.UUID, active: bool) -> StaffEntry:
        return self._update(employee_id, active=active)

    def _update(
        self,
        employee_id: uuid.UUID,
        *,
        name: str | None = None,
        role: StaffRole | None = None,
        pin: str | None = None,
        active: bool | None = None,
    ) -> StaffEntry:
        try:
            change = c.EmployeeUpdate(name=name, role=role, pin=pin, active=active)
        except ValidationError as exc:
            raise StaffRefused("name", EMPTY_NAME) from exc
        try:
            return _entry(self._client.update_staff(employee_id, change))
        except ServerError as exc:
            refusal = _refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc
