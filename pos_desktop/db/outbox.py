"""The outbox: finished tickets waiting for the relay to push them to the server."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_desktop.contracts import Ticket as WireTicket
from pos_desktop.db.models import Outbox

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    ticket_id: uuid.UUID
    body: str  # the ticket as the server's /sync/push takes it (JSON)
    attempts: int


def enqueue(db: Session, ticket: WireTicket, now: datetime) -> None:
    """Queue a finished ticket; the caller commits it together with the ticket's last change."""
    db.add(
        Outbox(
            ticket_id=ticket.id,
            body=ticket.model_dump_json(exclude_none=True),
            created_at=now,
            attempts=0,
        )
    )


def waiting(db: Session, limit: int, ticket_id: uuid.UUID | None = None) -> list[OutboxItem]:
    """Tickets not yet confirmed by the server, oldest first; or only ``ticket_id``'s."""
    query = select(Outbox).where(Outbox.sent_at.is_(None))
    if ticket_id is not None:
        query = query.where(Outbox.ticket_id == ticket_id)
    rows = db.execute(query.order_by(Outbox.id).limit(limit)).scalars()
    return [OutboxItem(r.id, r.ticket_id, r.body, r.attempts) for r in rows]


def waiting_count(db: Session) -> int:
    return int(
        db.execute(
            select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))
        ).scalar_one()
    )


def mark_sent(db: Session, ids: Sequence[int], now: datetime) -> None:
    if ids:
        db.execute(update(Outbox).where(Outbox.id.in_(ids)).values(sent_at=now))


def mark_failed(db: Session, ids: Sequence[int], error: str) -> None:
    if ids:
        db.execute(
            update(Outbox)
            .where(Outbox.id.in_(ids))
            .values(attempts=Outbox.attempts + 1, last_error=error[:MAX_ERROR_LENGTH])
        )


def was_sent(db: Session, ticket_id: uuid.UUID) -> bool:
    """Whether the server confirmed this finished ticket."""
    sent = db.execute(
        select(Outbox.sent_at).where(Outbox.ticket_id == ticket_id)
    ).scalar_one_or_none()
    return sent is not None
