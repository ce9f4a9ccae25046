from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.server import ledger, views
from pos_desktop.server.deps import EmployeeDep
from pos_desktop.server.idempotency import OnceDep
from pos_desktop.server.logs import log_value

router = APIRouter(prefix="/activities", tags=["activities"])


@router.post("/{activity_id}/reverse", response_model=c.ActivityOut)
def reverse(
    activity_id: uuid.UUID, body: c.ReverseRequest, employee: EmployeeDep, once: OnceDep
) -> Response:
    """Undo a redemption of a ticket still open on this register: the card gets its money
    back. Refused on another register, and once the ticket was reported completed."""

    def operation(db: Session, now: datetime) -> c.ActivityOut:
        activity, card = ledger.reverse(db, employee, activity_id, body.ticket_id, once.key, now)
        log_value("reverse", employee, card.id, activity.delta)
        return views.activity_by(activity, card.currency, employee)

    return once(body, operation)
