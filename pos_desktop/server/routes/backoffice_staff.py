"""The Back Office's employees (managers only): list, rename, role, PIN, deactivate.

Adding an employee stays ``POST /employees`` (older registers call it); it is audited too.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.roles import OWNER, staff_role_named
from pos_desktop.server import audit
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import (
    ClockDep,
    ManagerDep,
    SessionsDep,
    caller_session_hash,
    forget_callers,
)
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import Employee, Store
from pos_desktop.server.provisioning import change_pin, end_sessions, next_sync_version

router = APIRouter(prefix="/backoffice", tags=["back office"])


def _staff_member(employee: Employee) -> c.StaffMember:
    return c.StaffMember(
        id=employee.id,
        name=employee.name,
        role=staff_role_named(employee.role),
        active=employee.active,
        created_at=employee.created_at,
    )


@router.get("/employees", response_model=c.StaffList)
def list_employees(manager: ManagerDep, sessions: SessionsDep) -> c.StaffList:
    with sessions() as db:
        rows = db.execute(
            select(Employee)
            .where(Employee.store_id == manager.store.id, Employee.role != OWNER)
            .order_by(Employee.active.desc(), Employee.name, Employee.id)
        ).scalars()
        return c.StaffList(items=[_staff_member(row) for row in rows])


def _ensure_another_manager(db: Session, employee: Employee) -> None:
    """A store keeps one active manager at least, or nobody could reach the Back Office."""
    others = db.execute(
        select(func.count()).where(
            Employee.store_id == employee.store_id,
            Employee.role == "manager",
            Employee.active.is_(True),
            Employee.id != employee.id,
        )
    ).scalar_one()
    if others == 0:
        raise ApiError(
            409,
            ErrorCode.LAST_MANAGER,
            f"{employee.name} is the store's last active manager: make another employee "
            "a manager first.",
        )


def _record(
    db: Session,
    manager: EmployeeCaller,
    employee: Employee,
    action: audit.AuditAction,
    changes: dict[str, Any],
    at: datetime,
) -> None:
    audit.record(
        db,
        store_id=employee.store_id,
        by=manager,
        action=action,
        target=(audit.TargetKind.EMPLOYEE, employee.id),
        changes=changes,
        at=at,
    )


@router.patch("/employees/{employee_id}", response_model=c.StaffMember)
def update_employee(
    employee_id: uuid.UUID,
    body: c.EmployeeUpdate,
    request: Request,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.StaffMember:
    with sessions() as db:
        # The store row's lock makes "is another manager left?" hold until this commits.
        store = db.execute(
            select(Store).where(Store.id == manager.store.id).with_for_update()
        ).scalar_one()
        now = clock.now()
        employee = db.execute(
            select(Employee).where(
                Employee.id == employee_id,
                Employee.store_id == store.id,
                Employee.role != OWNER,  # owners are the chain's, changed on the server only
            )
        ).scalar()
        if employee is None:
            raise ApiError(
                404, ErrorCode.EMPLOYEE_NOT_FOUND, "No employee of this store has this id."
            )
        before = {"name": employee.name, "role": employee.role, "active": employee.active}
        wanted = body.model_dump(exclude_none=True, include={"name", "role", "active"})
        changes = audit.diff(before, wanted)
        was_manager = employee.role == "manager" and employee.active
        if was_manager and (changes.get("role") or changes.get("active")):
            _ensure_another_manager(db, employee)
        details = {field: change for field, change in changes.items() if field != "active"}
        if details:
            employee.name = wanted.get("name", employee.name)
            employee.role = wanted.get("role", employee.role)
            _record(db, manager, employee, audit.AuditAction.EMPLOYEE_UPDATED, details, now)
        if body.pin is not None:
            change_pin(db, store, employee, body.pin)
            # Whoever learnt the old PIN keeps no session opened with it; a manager changing
            # their own stays logged in here.
            mine = employee.id == manager.employee_id
            end_sessions(db, employee, now, keep=caller_session_hash(request) if mine else None)
            _record(
                db,
                manager,
                employee,
                audit.AuditAction.EMPLOYEE_PIN_CHANGED,
                {"pin": audit.PIN_CHANGED},
                now,
            )
        if "active" in changes:
            employee.active = bool(wanted["active"])
            if not employee.active:
                # Their sessions end now, so reactivating them later revives none of them.
                end_sessions(db, employee, now)
            action = (
                audit.AuditAction.EMPLOYEE_REACTIVATED
                if employee.active
                else audit.AuditAction.EMPLOYEE_DEACTIVATED
            )
            _record(db, manager, employee, action, {"active": changes["active"]}, now)
        if details or body.pin is not None or "active" in changes:
            # Registers pull the change (a deactivated employee's verifier goes with it).
            employee.sync_version = next_sync_version(db)
            db.commit()
            # A session proves its employee's role and activity again at its next request.
            forget_callers(request)
        return _staff_member(employee)
