from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import select

from pos_desktop import contracts as c
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.roles import role_named
from pos_desktop.server.deps import (
    DEACTIVATED_MESSAGE,
    ClockDep,
    ConfigDep,
    RegisterDep,
    SessionsDep,
)
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import Employee, EmployeeSession, Store
from pos_desktop.server.provisioning import next_sync_version, owner_with_pin
from pos_desktop.server.ratelimit import Attempt, ensure_allowed, record_failure
from pos_desktop.server.security import (
    digest,
    hash_pin,
    new_token,
    pin_lookup,
    pin_needs_rehash,
    verify_pin,
)

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", response_model=c.SessionResponse)
def open_session(
    body: c.SessionRequest,
    register: RegisterDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
) -> c.SessionResponse:
    with sessions() as db:
        now = clock.now()
        ensure_allowed(
            db,
            register.register_id,
            Attempt.WRONG_PIN,
            now=now,
            limit=config.wrong_pin_limit,
            window_seconds=config.rate_window_seconds,
        )
        pepper = db.execute(
            select(Store.pin_pepper).where(Store.id == register.store.id)
        ).scalar_one()
        employee = db.execute(
            select(Employee).where(
                Employee.store_id == register.store.id,
                Employee.pin_lookup == pin_lookup(pepper, body.pin),
            )
        ).scalar()
        if employee is None:
            employee = owner_with_pin(db, body.pin)
        if employee is None or not verify_pin(employee.pin_hash, body.pin):
            record_failure(db, register.register_id, Attempt.WRONG_PIN, now=now)
            db.commit()
            raise ApiError(401, ErrorCode.WRONG_PIN, "Wrong PIN. Try again.")
        if not employee.active:
            raise ApiError(403, ErrorCode.EMPLOYEE_INACTIVE, DEACTIVATED_MESSAGE)
        if pin_needs_rehash(employee.pin_hash):
            # Only now is the PIN at hand: store a verifier in today's profile, and a new
            # version so registers pull it in place of the old, cheaper one.
            employee.pin_hash = hash_pin(body.pin)
            employee.sync_version = next_sync_version(db)
        token = new_token()
        expires_at = now + timedelta(seconds=config.session_ttl_seconds)
        db.add(
            EmployeeSession(
                id=uuid.uuid4(),
                token_hash=digest(token),
                employee_id=employee.id,
                register_id=register.register_id,
                created_at=now,
                expires_at=expires_at,
            )
        )
        db.commit()
        return c.SessionResponse(
            token=token,
            employee=c.EmployeeOut(
                id=employee.id, name=employee.name, role=role_named(employee.role)
            ),
            expires_at=expires_at,
        )
