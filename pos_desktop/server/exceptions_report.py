"""The exceptions report and the Back Office's alerts: what a manager should look into.

- **Unsettled redemptions**: value taken off a card (a redemption or a deduction by code) for
  a ticket that no register has reported completed, and that was not reversed. A ticket still
  being paid has such a redemption for a while, so only redemptions older than
  ``UNSETTLED_AFTER`` (an hour) are listed. A register that was offline pushes its completed
  tickets later; their redemptions leave the list then.
- **By employee**: tickets voided (pushed as voided, by the ticket's employee), cards voided,
  blocks, adjustments (their signed sum) and refunds (the sum given back), by who did them.
- **By register**: unknown card numbers and wrong PINs (server.ratelimit's failed attempts,
  kept two years for this report), on registers that had any.
- **Mail failures**: messages about the store's cards queued in the range that the mail
  sender gave up on (tried, not sent, no further try planned).
- **Alerts** (not ranged): each register now past a threshold (``ServerConfig``
  ``alert_unknown_cards`` and ``alert_wrong_pins``: 5 in 10 minutes by default).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from pos_desktop import contracts as c
from pos_desktop.domain.email_mask import mask_email
from pos_desktop.domain.giftcard import DEDUCTION_KINDS, ActivityKind
from pos_desktop.domain.report_range import ReportDays
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.server.config import Limit, ServerConfig
from pos_desktop.server.models import (
    CardActivity,
    Employee,
    FailedAttempt,
    GiftCard,
    MailOutbox,
    Register,
    Store,
    SyncedTicket,
)
from pos_desktop.server.ratelimit import Attempt
from pos_desktop.server.report_time import range_out
from pos_desktop.server.sales_report import employee_names
from pos_desktop.server.views import money

UNSETTLED_AFTER = timedelta(hours=1)
UNSETTLED_LISTED = 500
MAIL_FAILURES_LISTED = 500
NO_EMPLOYEE = "No employee"


def _unsettled(
    db: Session, store: Store, days: ReportDays, now: datetime
) -> list[c.UnsettledRedemption]:
    until = min(days.end_at, now - UNSETTLED_AFTER)
    if until <= days.start_at:
        return []
    reversal = aliased(CardActivity)
    rows = db.execute(
        select(
            CardActivity.id,
            GiftCard.last4,
            CardActivity.amount + CardActivity.tip,
            CardActivity.ticket_id,
            Register.name,
            Employee.name,
            CardActivity.created_at,
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .outerjoin(Register, Register.id == CardActivity.register_id)
        .outerjoin(Employee, Employee.id == CardActivity.employee_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.kind.in_([kind.value for kind in DEDUCTION_KINDS]),
            CardActivity.ticket_id.is_not(None),
            CardActivity.created_at >= days.start_at,
            CardActivity.created_at < until,
            ~exists().where(reversal.reverses_id == CardActivity.id),
            ~exists().where(
                SyncedTicket.register_id == CardActivity.register_id,
                SyncedTicket.id == CardActivity.ticket_id,
                SyncedTicket.status == SaleStatus.COMPLETED.value,
            ),
        )
        .order_by(CardActivity.created_at, CardActivity.id)
        .limit(UNSETTLED_LISTED)
    ).all()
    return [
        c.UnsettledRedemption(
            activity_id=activity_id,
            card_last4=last4,
            amount=money(int(amount), store.currency),
            ticket_id=ticket_id,
            register_name=register_name or "",
            employee_name=employee_name or "",
            at=at,
        )
        for activity_id, last4, amount, ticket_id, register_name, employee_name, at in rows
    ]


@dataclass(slots=True)
class _EmployeeCounts:
    ticket_voids: int = 0
    card_voids: int = 0
    blocks: int = 0
    adjustments: int = 0
    adjusted: int = 0
    refunds: int = 0
    refunded: int = 0


def _count(kind: ActivityKind) -> ColumnElement[int]:
    return func.sum(case((CardActivity.kind == kind.value, 1), else_=0))


def _by_employee(db: Session, store: Store, days: ReportDays) -> list[c.EmployeeExceptions]:
    counted: dict[uuid.UUID | None, _EmployeeCounts] = defaultdict(_EmployeeCounts)
    voids = db.execute(
        select(SyncedTicket.employee_id, func.count())
        .where(
            SyncedTicket.store_id == store.id,
            SyncedTicket.status == SaleStatus.VOIDED.value,
            SyncedTicket.completed_at >= days.start_at,
            SyncedTicket.completed_at < days.end_at,
        )
        .group_by(SyncedTicket.employee_id)
    ).all()
    for employee_id, count in voids:
        counted[employee_id].ticket_voids = int(count)
    adjust = CardActivity.kind == ActivityKind.ADJUST.value
    refund = CardActivity.kind == ActivityKind.REFUND.value
    rows = db.execute(
        select(
            CardActivity.employee_id,
            _count(ActivityKind.VOID),
            _count(ActivityKind.BLOCK),
            _count(ActivityKind.ADJUST),
            func.sum(case((adjust, CardActivity.delta), else_=0)),
            _count(ActivityKind.REFUND),
            func.sum(case((refund, CardActivity.amount), else_=0)),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.kind.in_(
                [
                    ActivityKind.VOID.value,
                    ActivityKind.BLOCK.value,
                    ActivityKind.ADJUST.value,
                    ActivityKind.REFUND.value,
                ]
            ),
            CardActivity.created_at >= days.start_at,
            CardActivity.created_at < days.end_at,
        )
        .group_by(CardActivity.employee_id)
    ).all()
    for employee_id, voided, blocks, adjustments, adjusted, refunds, refunded in rows:
        counts = counted[employee_id]
        counts.card_voids, counts.blocks = int(voided), int(blocks)
        counts.adjustments, counts.adjusted = int(adjustments), int(adjusted)
        counts.refunds, counts.refunded = int(refunds), int(refunded)
    names = employee_names(db, store.id)

    def name(employee_id: uuid.UUID | None) -> str:
        return names.get(employee_id, NO_EMPLOYEE) if employee_id else NO_EMPLOYEE

    return [
        c.EmployeeExceptions(
            employee_id=employee_id,
            name=name(employee_id),
            ticket_voids=counts.ticket_voids,
            card_voids=counts.card_voids,
            blocks=counts.blocks,
            adjustments=counts.adjustments,
            adjusted=money(counts.adjusted, store.currency),
            refunds=counts.refunds,
            refunded=money(counts.refunded, store.currency),
        )
        for employee_id, counts in sorted(counted.items(), key=lambda item: name(item[0]))
    ]


def _attempts(kind: Attempt) -> ColumnElement[int]:
    return func.sum(case((FailedAttempt.kind == kind.value, 1), else_=0))


def _by_register(db: Session, store: Store, days: ReportDays) -> list[c.RegisterExceptions]:
    rows = db.execute(
        select(
            Register.id,
            Register.name,
            _attempts(Attempt.UNKNOWN_CARD),
            _attempts(Attempt.WRONG_PIN),
        )
        .join(FailedAttempt, FailedAttempt.register_id == Register.id)
        .where(
            Register.store_id == store.id,
            FailedAttempt.kind.in_([Attempt.UNKNOWN_CARD.value, Attempt.WRONG_PIN.value]),
            FailedAttempt.created_at >= days.start_at,
            FailedAttempt.created_at < days.end_at,
        )
        .group_by(Register.id, Register.name)
        .order_by(Register.name, Register.id)
    ).all()
    return [
        c.RegisterExceptions(
            register_id=register_id, name=name, unknown_cards=int(unknown), wrong_pins=int(pins)
        )
        for register_id, name, unknown, pins in rows
    ]


def _mail_failures(db: Session, store: Store, days: ReportDays) -> list[c.MailFailure]:
    rows = db.execute(
        select(
            MailOutbox.created_at,
            MailOutbox.kind,
            MailOutbox.to_address,
            MailOutbox.attempts,
            MailOutbox.last_error,
        )
        .join(GiftCard, GiftCard.id == MailOutbox.card_id)
        .where(
            GiftCard.store_id == store.id,
            # Given up, as server.mail.sender leaves a row: tried, not sent, no try planned.
            MailOutbox.sent_at.is_(None),
            MailOutbox.next_attempt_at.is_(None),
            MailOutbox.attempts > 0,
            MailOutbox.created_at >= days.start_at,
            MailOutbox.created_at < days.end_at,
        )
        .order_by(MailOutbox.created_at.desc(), MailOutbox.id)
        .limit(MAIL_FAILURES_LISTED)
    ).all()
    return [
        c.MailFailure(
            queued_at=queued_at,
            kind=kind,
            to=mask_email(to_address),
            attempts=attempts,
            error=error or "",
        )
        for queued_at, kind, to_address, attempts, error in rows
    ]


def exceptions_report(
    db: Session, store: Store, days: ReportDays, now: datetime
) -> c.ExceptionsReportOut:
    return c.ExceptionsReportOut(
        range=range_out(days),
        unsettled=_unsettled(db, store, days, now),
        by_employee=_by_employee(db, store, days),
        by_register=_by_register(db, store, days),
        mail_failures=_mail_failures(db, store, days),
    )


def alerts(db: Session, store_id: uuid.UUID, config: ServerConfig, now: datetime) -> c.AlertsOut:
    """Each register of the store past a threshold now, unknown card numbers first."""
    watched: tuple[tuple[c.AlertKind, Attempt, Limit], ...] = (
        ("unknown_cards", Attempt.UNKNOWN_CARD, config.alert_unknown_cards),
        ("wrong_pins", Attempt.WRONG_PIN, config.alert_wrong_pins),
    )
    windows = [
        and_(
            FailedAttempt.kind == attempt.value,
            FailedAttempt.created_at > now - timedelta(seconds=limit.window_seconds),
        )
        for _, attempt, limit in watched
    ]
    rows = db.execute(
        select(
            Register.id,
            Register.name,
            FailedAttempt.kind,
            func.count(),
            func.max(FailedAttempt.created_at),
        )
        .join(FailedAttempt, FailedAttempt.register_id == Register.id)
        .where(
            Register.store_id == store_id,
            Register.revoked_at.is_(None),
            FailedAttempt.created_at <= now,
            or_(*windows),
        )
        .group_by(Register.id, Register.name, FailedAttempt.kind)
        .order_by(Register.name, Register.id)
    ).all()
    found = {
        (register_id, kind): (name, count, last) for register_id, name, kind, count, last in rows
    }
    items = []
    for alert_kind, attempt, limit in watched:
        for (register_id, kind), (name, count, last) in found.items():
            if kind == attempt.value and count >= limit.count:
                items.append(
                    c.Alert(
                        register_id=register_id,
                        register_name=name,
                        kind=alert_kind,
                        count=int(count),
                        threshold=limit.count,
                        window_minutes=limit.window_seconds // 60,
                        last_at=last,
                    )
                )
    return c.AlertsOut(items=items)
