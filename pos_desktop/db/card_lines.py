"""Gift cards sold or reloaded on ticket lines: rows in, plain values out. Callers commit.

A card line is asked of the server with a key committed first (``ask``); the ticket line is
added only with the server's answer (``sold``). A line that leaves the ticket, or whose
ticket is voided, owes the server a cancel (``owe_cancel``) until it is confirmed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pos_desktop.db.models import CardLine as CardLineRow
from pos_desktop.db.models import Ticket as TicketRow
from pos_desktop.db.models import TicketLine as LineRow
from pos_desktop.domain.card_sale import CardLine, CardLineKind, CardLineState, card_line_name
from pos_desktop.domain.giftcard import Delivery

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Asked:
    """A card line's request as it was first sent: the same key and body are sent again."""

    line_id: uuid.UUID
    ticket_id: uuid.UUID
    kind: CardLineKind
    key: str
    body: str


@dataclass(frozen=True, slots=True)
class OwedCancel:
    line_id: uuid.UUID
    ticket_id: uuid.UUID
    key: str


def card_of(row: CardLineRow) -> CardLine | None:
    """What a sold line holds, for the ticket; None until the server has answered."""
    if row.card_id is None or row.last4 is None:
        return None
    return CardLine(
        kind=CardLineKind(row.kind),
        card_id=row.card_id,
        last4=row.last4,
        delivery=Delivery(row.delivery) if row.delivery else None,
        recipient_name=row.recipient_name,
        recipient_email=row.recipient_email,
        deliver_at=row.deliver_at,
    )


def ask(
    db: Session,
    *,
    ticket_id: uuid.UUID,
    line_id: uuid.UUID,
    kind: CardLineKind,
    amount: int,
    body: str,
    now: datetime,
    delivery: Delivery | None = None,
    recipient_name: str | None = None,
    recipient_email: str | None = None,
    deliver_at: datetime | None = None,
) -> Asked:
    key = f"card-{kind.value}-{line_id}"
    db.add(
        CardLineRow(
            line_id=line_id,
            ticket_id=ticket_id,
            kind=kind.value,
            state=CardLineState.REQUESTING.value,
            amount=amount,
            sale_key=key,
            request=body,
            delivery=delivery.value if delivery else None,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            deliver_at=deliver_at,
            attempts=0,
            created_at=now,
        )
    )
    return Asked(line_id, ticket_id, kind, key, body)


def asked(db: Session, line_id: uuid.UUID) -> Asked | None:
    """The request of a card line still waiting for its answer."""
    row = db.get(CardLineRow, line_id)
    if row is None or row.state != CardLineState.REQUESTING or row.request is None:
        return None
    return Asked(row.line_id, row.ticket_id, CardLineKind(row.kind), row.sale_key, row.request)


def _row(db: Session, line_id: uuid.UUID) -> CardLineRow:
    row = db.get(CardLineRow, line_id)
    if row is None:
        raise LookupError(f"card line {line_id}")
    return row


def sold(db: Session, line_id: uuid.UUID, card_id: uuid.UUID, last4: str) -> None:
    """The server holds the card pending: the line joins the ticket, after its other lines."""
    row = _row(db, line_id)
    row.state = CardLineState.SOLD.value
    row.card_id = card_id
    row.last4 = last4
    row.request = None
    row.last_error = None
    ticket = db.get(TicketRow, row.ticket_id)
    if ticket is None:
        raise LookupError(f"ticket {row.ticket_id}")
    kind = CardLineKind(row.kind)
    delivery = Delivery(row.delivery) if row.delivery else None
    ticket.lines.append(
        LineRow(
            id=line_id,
            position=max((line.position for line in ticket.lines), default=0) + 1,
            product_id=None,
            name=card_line_name(kind, last4, delivery),
            unit_price=row.amount,
            quantity=1,
            tax_rate_bp=0,  # a gift card's value is not revenue: no tax on it
        )
    )


def refused(db: Session, line_id: uuid.UUID, error: str, now: datetime) -> None:
    """The server refused the card: nothing exists there, nothing is owed."""
    row = _row(db, line_id)
    row.state = CardLineState.CANCELLED.value
    row.request = None
    row.last_error = error[:MAX_ERROR_LENGTH]
    row.settled_at = now


def owe_cancel(db: Session, line_id: uuid.UUID, ticket_id: uuid.UUID | None = None) -> bool:
    """The line left the ticket (or never got there: its answer was lost): the server is to
    cancel its card. False when the line (of ``ticket_id``, if given) holds no card to cancel."""
    row = db.get(CardLineRow, line_id)
    if row is None or row.state not in (CardLineState.SOLD, CardLineState.REQUESTING):
        return False
    if ticket_id is not None and row.ticket_id != ticket_id:
        return False
    row.state = CardLineState.CANCELLING.value
    row.cancel_key = f"card-cancel-{line_id}"
    row.request = None
    return True


def owe_cancels_of_ticket(db: Session, ticket_id: uuid.UUID) -> None:
    """The ticket is voided: every card it asked for is to be cancelled."""
    rows = db.execute(select(CardLineRow.line_id).where(CardLineRow.ticket_id == ticket_id))
    for line_id in rows.scalars().all():
        owe_cancel(db, line_id)


def owed_cancels(db: Session, unanswered_before: datetime, limit: int = 100) -> list[OwedCancel]:
    """Cancels owed to the server, oldest first. A request with no answer since before
    ``unanswered_before`` (the register stopped during the call) is owed one too."""
    stale = (CardLineRow.state == CardLineState.REQUESTING) & (
        CardLineRow.created_at < unanswered_before
    )
    rows = (
        db.execute(
            select(CardLineRow)
            .where(or_(CardLineRow.state == CardLineState.CANCELLING, stale))
            .order_by(CardLineRow.created_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    owed = []
    for row in rows:
        if row.state == CardLineState.REQUESTING:
            owe_cancel(db, row.line_id)
        owed.append(OwedCancel(row.line_id, row.ticket_id, row.cancel_key or ""))
    return owed


def owed_count(db: Session) -> int:
    return int(
        db.execute(
            select(func.count())
            .select_from(CardLineRow)
            .where(CardLineRow.state == CardLineState.CANCELLING)
        ).scalar_one()
    )


def cancelled(db: Session, line_id: uuid.UUID, now: datetime) -> None:
    row = _row(db, line_id)
    row.state = CardLineState.CANCELLED.value
    row.settled_at = now
    row.last_error = None


def cancel_failed(db: Session, line_id: uuid.UUID, error: str) -> None:
    row = _row(db, line_id)
    row.attempts += 1
    row.last_error = error[:MAX_ERROR_LENGTH]
