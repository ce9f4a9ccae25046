"""Managers' approvals as the register keeps them: on a ticket (``sales`` reads them with it),
or in the approval outbox until the relay has pushed them. Callers commit, so an approval is
written in the transaction of the action it allowed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db.models import ApprovalOutbox
from pos_desktop.db.models import TicketApproval as TicketApprovalRow
from pos_desktop.domain.approvals import Approval, ApprovalAction

MAX_ERROR_LENGTH = 500


def ticket_row(approval: Approval) -> TicketApprovalRow:
    """The row of an approval recorded on its ticket (``approval.ticket_id``)."""
    if approval.ticket_id is None:
        raise ValueError("an approval on a ticket names the ticket")
    return TicketApprovalRow(
        id=approval.id,
        ticket_id=approval.ticket_id,
        action=approval.action.value,
        manager_id=approval.manager_id,
        manager_name=approval.manager_name,
        cashier_id=approval.cashier_id,
        at=approval.at,
        detail=approval.detail,
    )


def from_ticket_row(row: TicketApprovalRow) -> Approval:
    return Approval(
        id=row.id,
        action=ApprovalAction(row.action),
        manager_id=row.manager_id,
        manager_name=row.manager_name,
        at=row.at,
        cashier_id=row.cashier_id,
        ticket_id=row.ticket_id,
        detail=row.detail,
    )


def to_wire(approval: Approval, *, with_ticket: bool = True) -> c.ApprovalRecord:
    """``with_ticket=False``: on its ticket's own list, which says the ticket already."""
    return c.ApprovalRecord(
        id=approval.id,
        action=approval.action,
        manager_id=approval.manager_id,
        at=approval.at,
        cashier_id=approval.cashier_id,
        ticket_id=approval.ticket_id if with_ticket else None,
        detail=approval.detail,
    )


# -- the approval outbox ---------------------------------------------------------------------


def enqueue(db: Session, approval: Approval) -> None:
    """Queue an approval given outside a ticket's changes; committed with its action."""
    db.add(
        ApprovalOutbox(
            id=approval.id,
            action=approval.action.value,
            manager_id=approval.manager_id,
            manager_name=approval.manager_name,
            cashier_id=approval.cashier_id,
            ticket_id=approval.ticket_id,
            at=approval.at,
            detail=approval.detail,
            attempts=0,
        )
    )


def waiting(db: Session, limit: int) -> list[c.ApprovalRecord]:
    """Approvals the server has not confirmed yet, oldest first, as a push carries them."""
    rows = db.execute(
        select(ApprovalOutbox)
        .where(ApprovalOutbox.sent_at.is_(None))
        .order_by(ApprovalOutbox.at, ApprovalOutbox.id)
        .limit(limit)
    ).scalars()
    return [
        c.ApprovalRecord(
            id=row.id,
            action=ApprovalAction(row.action),
            manager_id=row.manager_id,
            at=row.at,
            cashier_id=row.cashier_id,
            ticket_id=row.ticket_id,
            detail=row.detail,
        )
        for row in rows
    ]


def waiting_count(db: Session) -> int:
    return int(
        db.execute(
            select(func.count()).select_from(ApprovalOutbox).where(ApprovalOutbox.sent_at.is_(None))
        ).scalar_one()
    )


def mark_sent(db: Session, ids: Sequence[uuid.UUID], now: datetime) -> None:
    if ids:
        db.execute(update(ApprovalOutbox).where(ApprovalOutbox.id.in_(ids)).values(sent_at=now))


def mark_failed(db: Session, ids: Sequence[uuid.UUID], error: str) -> None:
    if ids:
        db.execute(
            update(ApprovalOutbox)
            .where(ApprovalOutbox.id.in_(ids))
            .values(attempts=ApprovalOutbox.attempts + 1, last_error=error[:MAX_ERROR_LENGTH])
        )
