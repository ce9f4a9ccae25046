"""The Back Office's registers, the register's side: list them, make an enrollment code,
rename and revoke them on the server.

Refusals the manager can act on (an empty name, a register already revoked, the register in
use) come back as ``RegisterRefused``; any other failure (no connection, a session the server
no longer accepts) is raised as it is. Blocking (network): presenters call it on their worker.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pos_desktop import contracts as c
from pos_desktop.services.results import EnrollCode, RegisterEntry, RegisterRefused
from pos_desktop.sync.errors import ServerError

if TYPE_CHECKING:
    from pos_desktop.sync.client import ServerClient

EMPTY_NAME = "Enter a name for the register."
LONG_NAME = "A register's name is at most 80 characters."


def _entry(info: c.RegisterInfo) -> RegisterEntry:
    return RegisterEntry(
        id=info.id,
        name=info.name,
        enrolled_at=info.enrolled_at,
        last_seen_at=info.last_seen_at,
        app_version=info.app_version,
        revoked_at=info.revoked_at,
        tickets_waiting=info.tickets_waiting,
        this_register=info.this_register,
    )


def _refusal(error: ServerError) -> RegisterRefused | None:
    """The refusal in the manager's terms, or None: any other failure takes the presenter's
    one road as it is."""
    field = str(error.details.get("field", "")).rsplit(".", 1)[-1]
    if error.status == 422 and field == "name":
        return RegisterRefused("name", error.message)
    if error.status in (404, 409):
        return RegisterRefused("", error.message)
    return None


def _checked_name(name: str) -> c.RegisterUpdate:
    name = name.strip()
    if not name:
        raise RegisterRefused("name", EMPTY_NAME)
    try:
        return c.RegisterUpdate(name=name)
    except ValidationError as exc:
        raise RegisterRefused("name", LONG_NAME) from exc


class RegisterService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    def list(self) -> tuple[RegisterEntry, ...]:
        return tuple(_entry(info) for info in self._client.list_registers().items)

    def new_code(self) -> EnrollCode:
        made = self._client.create_enroll_code()
        return EnrollCode(code=made.code, expires_at=made.expires_at)

    def rename(self, register_id: uuid.UUID, name: str) -> RegisterEntry:
        change = _checked_name(name)
        try:
            return _entry(self._client.rename_register(register_id, change.name))
        except ServerError as exc:
            refusal = _refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc

    def revoke(self, register_id: uuid.UUID) -> RegisterEntry:
        try:
            return _entry(self._client.revoke_register(register_id))
        except ServerError as exc:
            refusal = _refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc
