"""The Back Office's registers (managers only): list, rename, revoke.

A manager cannot revoke the register they are using: it would lock them out mid-change and
leave the store without the register that could enroll it again.

A new enrollment code stays ``POST /registers/enroll-codes`` (registers call it); it is
audited too.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.server import audit
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import ClockDep, ManagerDep, SessionsDep, forget_callers
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import Register

router = APIRouter(prefix="/backoffice", tags=["back office"])


OWN_REGISTER_MESSAGE = (
    "This is the register you are using. Revoke it from another register of the store."
)


def _register_info(register: Register, caller: EmployeeCaller) -> c.RegisterInfo:
    return c.RegisterInfo(
        id=register.id,
        name=register.name,
        enrolled_at=register.created_at,
        last_seen_at=register.last_seen_at,
        app_version=register.app_version,
        revoked_at=register.revoked_at,
        tickets_waiting=register.tickets_waiting,
        this_register=register.id == caller.register.register_id,
    )


@router.get("/registers", response_model=c.RegisterList)
def list_registers(manager: ManagerDep, sessions: SessionsDep) -> c.RegisterList:
    with sessions() as db:
        rows = db.execute(
            select(Register)
            .where(Register.store_id == manager.store.id)
            .order_by(Register.revoked_at.is_not(None), Register.name, Register.id)
        ).scalars()
        return c.RegisterList(items=[_register_info(row, manager) for row in rows])


def _store_register(db: Session, store_id: uuid.UUID, register_id: uuid.UUID) -> Register:
    register = db.execute(
        select(Register)
        .where(Register.id == register_id, Register.store_id == store_id)
        .with_for_update()
    ).scalar()
    if register is None:
        raise ApiError(404, ErrorCode.REGISTER_NOT_FOUND, "No register of this store has this id.")
    if register.revoked_at is not None:
        raise ApiError(409, ErrorCode.REGISTER_REVOKED, f"{register.name} is already revoked.")
    return register


@router.patch("/registers/{register_id}", response_model=c.RegisterInfo)
def rename_register(
    register_id: uuid.UUID,
    body: c.RegisterUpdate,
    request: Request,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.RegisterInfo:
    with sessions() as db:
        register = _store_register(db, manager.store.id, register_id)
        changes = audit.diff({"name": register.name}, {"name": body.name})
        if changes:
            register.name = body.name
            audit.record(
                db,
                store_id=register.store_id,
                by=manager,
                action=audit.AuditAction.REGISTER_RENAMED,
                target=(audit.TargetKind.REGISTER, register.id),
                changes=changes,
                at=clock.now(),
            )
            db.commit()
            forget_callers(request)  # callers carry their register's name
        return _register_info(register, manager)


@router.post("/registers/{register_id}/revoke", response_model=c.RegisterInfo)
def revoke_register(
    register_id: uuid.UUID,
    request: Request,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.RegisterInfo:
    """The register's token is refused from its next request; enrolling again needs a code."""
    with sessions() as db:
        register = _store_register(db, manager.store.id, register_id)
        if register.id == manager.register.register_id:
            raise ApiError(409, ErrorCode.OWN_REGISTER, OWN_REGISTER_MESSAGE)
        register.revoked_at = clock.now()
        audit.record(
            db,
            store_id=register.store_id,
            by=manager,
            action=audit.AuditAction.REGISTER_REVOKED,
            target=(audit.TargetKind.REGISTER, register.id),
            changes={"revoked_at": {"old": None, "new": register.revoked_at.isoformat()}},
            at=register.revoked_at,
        )
        db.commit()
        forget_callers(request)
        return _register_info(register, manager)
