"""The Back Office audit log: every change a manager makes, recorded with the change itself."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.models import AuditEntry

# What ``changes`` says for a PIN: that it changed, never the PIN or its hash.
PIN_CHANGED = "PIN changed"


class AuditAction(StrEnum):
    STORE_CREATED = "store.created"
    STORE_UPDATED = "store.updated"
    EMPLOYEE_CREATED = "employee.created"
    EMPLOYEE_UPDATED = "employee.updated"
    EMPLOYEE_PIN_CHANGED = "employee.pin_changed"
    EMPLOYEE_DEACTIVATED = "employee.deactivated"
    EMPLOYEE_REACTIVATED = "employee.reactivated"
    REGISTER_RENAMED = "register.renamed"
    REGISTER_REVOKED = "register.revoked"
    ENROLL_CODE_CREATED = "enroll_code.created"
    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    CATEGORY_CREATED = "category.created"
    CATEGORY_UPDATED = "category.updated"


class TargetKind(StrEnum):
    STORE = "store"
    EMPLOYEE = "employee"
    REGISTER = "register"
    ENROLL_CODE = "enroll_code"
    PRODUCT = "product"
    CATEGORY = "category"


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"field": {"old", "new"}}`` for each field whose value differs."""
    return {
        name: {"old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def entry_values(
    *,
    store_id: uuid.UUID,
    by: EmployeeCaller | None,
    action: AuditAction,
    target: tuple[TargetKind, uuid.UUID],
    changes: Mapping[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """An entry's columns. ``by`` is the manager and register of the request; None for the
    init-store command."""
    kind, target_id = target
    return {
        "id": uuid.uuid4(),
        "store_id": store_id,
        "at": at,
        "employee_id": by.employee_id if by is not None else None,
        "register_id": by.register.register_id if by is not None else None,
        "action": action.value,
        "target_kind": kind.value,
        "target_id": target_id,
        "changes": dict(changes),
    }


def record(
    db: Session,
    *,
    store_id: uuid.UUID,
    by: EmployeeCaller | None,
    action: AuditAction,
    target: tuple[TargetKind, uuid.UUID],
    changes: Mapping[str, Any],
    at: datetime,
) -> AuditEntry:
    """Add an entry to ``db``'s transaction: it commits, or rolls back, with the change."""
    entry = AuditEntry(
        **entry_values(
            store_id=store_id, by=by, action=action, target=target, changes=changes, at=at
        )
    )
    db.add(entry)
    return entry


def record_many(db: Session, entries: Sequence[Mapping[str, Any]]) -> None:
    """Entries made by ``entry_values``, in one statement (a CSV import writes thousands)."""
    if entries:
        db.execute(insert(AuditEntry), list(entries))
