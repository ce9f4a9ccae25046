from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.server import ledger, views
from pos_desktop.server.deps import ClockDep, EmployeeDep, SessionsDep
from pos_desktop.server.idempotency import IdempotencyKey, run_once

router = APIRouter(prefix="/activities", tags=["activities"])


@router.post(
    "/{activity_id}/reverse",
    response_model=c.ActivityOut,
)
def reverse(
    activity_id: uuid.UUID,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    """Undo a redemption of a ticket that was not completed; the card gets its money back."""

    def operation(db: Session, now: datetime) -> c.ActivityOut:
        activity, card = ledger.reverse(db, employee, activity_id, idempotency_key, now)
        return views.activity_by(activity, card.currency, employee)

    return run_once(
        sessions,
        clock,
        register_id=employee.register.register_id,
        key=idempotency_key,
        request=request,
        body=None,
        operation=operation,
    )
