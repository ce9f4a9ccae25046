from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import select

from pos_desktop import contracts as c
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.server import audit
from pos_desktop.server.deps import ClockDep, ConfigDep, ManagerDep, SessionsDep
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import EnrollCode
from pos_desktop.server.provisioning import create_enroll_code, enroll_register
from pos_desktop.server.security import digest, normalize_enroll_code

router = APIRouter(prefix="/registers", tags=["registers"])


@router.post("/enroll", response_model=c.EnrollResponse)
def enroll(body: c.EnrollRequest, sessions: SessionsDep, clock: ClockDep) -> c.EnrollResponse:
    with sessions() as db:
        now = clock.now()
        code = db.execute(
            select(EnrollCode)
            .where(EnrollCode.code_hash == digest(normalize_enroll_code(body.code)))
            .with_for_update()
        ).scalar()
        if code is None or code.used_at is not None or code.expires_at <= now:
            raise ApiError(
                401,
                ErrorCode.INVALID_ENROLL_CODE,
                "This enrollment code is not valid, used or expired.",
            )
        register_id, token = enroll_register(db, code, body.name, now)
        db.commit()
        return c.EnrollResponse(register_id=register_id, token=token)


@router.post("/enroll-codes", response_model=c.EnrollCodeResponse)
def new_enroll_code(
    manager: ManagerDep, sessions: SessionsDep, clock: ClockDep, config: ConfigDep
) -> c.EnrollCodeResponse:
    with sessions() as db:
        now = clock.now()
        ttl = timedelta(seconds=config.enroll_code_ttl_seconds)
        code, row = create_enroll_code(db, manager.store.id, manager.employee_id, now, ttl)
        audit.record(
            db,
            store_id=manager.store.id,
            by=manager,
            action=audit.AuditAction.ENROLL_CODE_CREATED,
            target=(audit.TargetKind.ENROLL_CODE, row.id),
            # The code itself enrolls a register: only when it stops working is kept.
            changes={"expires_at": {"old": None, "new": row.expires_at.isoformat()}},
            at=now,
        )
        db.commit()
        return c.EnrollCodeResponse(code=code, expires_at=row.expires_at)
