"""The Back Office audit log: every change a manager makes, recorded with the change itself,
and every approval a manager gave on the spot at a register (pushed with the register's
tickets)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from pos_desktop.contracts import ApprovalRecord
from pos_desktop.domain.roles import OWNER
from pos_desktop.server.context import EmployeeCaller, RegisterCaller
from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.models import AuditEntry, Employee

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
    # A manager sent a card's e-gift mail again, or changed where it goes.
    EGIFT_RESENT = "giftcard.egift_resent"
    RECIPIENT_CHANGED = "giftcard.recipient_changed"
    # A manager's PIN allowed a cashier's action at a register (domain.approvals).
    APPROVAL_GIVEN = "approval.given"


class TargetKind(StrEnum):
    STORE = "store"
    EMPLOYEE = "employee"
    REGISTER = "register"
    ENROLL_CODE = "enroll_code"
    PRODUCT = "product"
    CATEGORY = "category"
    TICKET = "ticket"
    GIFT_CARD = "gift_card"


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


def record_approvals(
    db: Session,
    register: RegisterCaller,
    approvals: Sequence[tuple[ApprovalRecord, uuid.UUID | None]],
) -> None:
    """An entry for each approval ``register`` pushed, with the ticket it was on (or None),
    by the approving manager; an approval already in the log is not written again (its id is
    its entry's id), so pushing it twice records it once.

    ``changes``: ``{"action", "ticket_id", "detail", "cashier_id"}``, and ``"manager_id"``
    when the employee named is no manager of the store (the entry then names nobody): the
    register checked the PIN, but the log takes nobody's word that a cashier is a manager."""
    if not approvals:
        return
    store_id = register.store.id
    named = {approval.manager_id for approval, _ in approvals}
    known = set(
        db.execute(
            select(Employee.id).where(
                Employee.id.in_(named),
                or_(
                    and_(Employee.store_id == store_id, Employee.role == "manager"),
                    Employee.role == OWNER,  # an owner approves in every store
                ),
            )
        ).scalars()
    )
    for approval, ticket_id in approvals:
        changes: dict[str, Any] = {
            "action": approval.action.value,
            "ticket_id": str(ticket_id) if ticket_id is not None else None,
            "detail": approval.detail,
            "cashier_id": str(approval.cashier_id) if approval.cashier_id is not None else None,
        }
        manager_known = approval.manager_id in known
        if not manager_known:
            changes["manager_id"] = str(approval.manager_id)
        target = (
            (TargetKind.TICKET, ticket_id)
            if ticket_id is not None
            else (TargetKind.REGISTER, register.register_id)
        )
        db.execute(
            insert_or_skip(db, AuditEntry).values(
                id=approval.id,
                store_id=store_id,
                at=approval.at,
                employee_id=approval.manager_id if manager_known else None,
                register_id=register.register_id,
                action=AuditAction.APPROVAL_GIVEN.value,
                target_kind=target[0].value,
                target_id=target[1],
                changes=changes,
            )
        )
