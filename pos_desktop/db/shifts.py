"""Drawer shifts as the register keeps them (``models.Shift``): one open at most, closed once
with a Z number, and the closed ones waiting for the relay to push them. Callers commit.

A Z counts every ticket, cash movement and refund onto a card finished since the Z before:
its close *claims* them (``claim``), so nothing finished while no shift was open falls
between two Z reports, and nothing is counted twice. The close runs in one transaction whose
first write takes SQLite's write lock, so the Z number (the highest so far plus one) is never
given twice nor skipped: a close that fails leaves no number taken.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import cash, payouts, sales
from pos_desktop.db.models import Shift as ShiftRow
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.shifts import (
    NO_SHIFT,
    SHIFT_ALREADY_OPEN,
    DrawerCount,
    Movement,
    ShiftRefused,
    ShiftReport,
    Tally,
    TenderTotal,
)

OPEN, CLOSED = "open", "closed"
# What was finished before this register had shifts (migration 0014): in no Z.
BEFORE_SHIFTS = uuid.UUID(int=0)
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class OpenShift:
    id: uuid.UUID
    currency: str
    opening_float: Money
    float_counts: tuple[tuple[int, int], ...]
    opened_at: datetime
    opened_by: uuid.UUID | None
    opened_by_name: str


@dataclass(frozen=True, slots=True)
class ClosedShift:
    """A closed shift as it was pushed (``record``); ``sent``: the server has it."""

    record: c.Shift
    sent: bool


@dataclass(frozen=True, slots=True)
class ShiftFacts:
    """What a shift's report is made of."""

    sales: list[Sale]
    movements: list[cash.CashMoved]
    refunds: list[Money]


def _counts(text: str | None) -> tuple[tuple[int, int], ...]:
    if not text:
        return ()
    return tuple((int(value), int(count)) for value, count in json.loads(text))


def _open(row: ShiftRow) -> OpenShift:
    return OpenShift(
        id=row.id,
        currency=row.currency,
        opening_float=Money(row.opening_float, row.currency),
        float_counts=_counts(row.float_counts),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        opened_by_name=row.opened_by_name,
    )


def open_shift(db: Session) -> OpenShift | None:
    row = db.execute(select(ShiftRow).where(ShiftRow.state == OPEN)).scalar_one_or_none()
    return _open(row) if row is not None else None


def ensure_open(db: Session, message: str = NO_SHIFT) -> OpenShift:
    """The open shift; ``message`` refuses when none is (cash goes in a counted drawer)."""
    shift = open_shift(db)
    if shift is None:
        raise ShiftRefused(message)
    return shift


def start(
    db: Session,
    *,
    opening: DrawerCount,
    employee_id: uuid.UUID | None,
    employee_name: str,
    now: datetime,
) -> OpenShift:
    """Open a shift with ``opening`` as its float; refused while one is open (the unique
    index refuses a second one a racing call would add)."""
    if open_shift(db) is not None:
        raise ShiftRefused(SHIFT_ALREADY_OPEN)
    row = ShiftRow(
        id=uuid.uuid4(),
        state=OPEN,
        currency=opening.total.currency,
        opening_float=opening.total.minor,
        float_counts=json.dumps([list(piece) for piece in opening.pieces])
        if opening.pieces
        else None,
        opened_at=now,
        opened_by=employee_id,
        opened_by_name=employee_name[:80],
        attempts=0,
    )
    db.add(row)
    db.flush()
    return _open(row)


def facts(db: Session, shift_id: uuid.UUID | None) -> ShiftFacts:
    """What the Z of ``shift_id`` counted, or (None) what the next Z will count."""
    return ShiftFacts(
        sales=sales.of_shift(db, shift_id),
        movements=cash.of_shift(db, shift_id),
        refunds=payouts.refunds_of_shift(db, shift_id),
    )


def lock_for_close(db: Session, shift_id: uuid.UUID) -> None:
    """Begin the close: this write takes the database's write lock for the close's
    transaction; refused when the shift is not open (closed already, by this screen or
    another)."""
    done = db.execute(
        update(ShiftRow)
        .where(ShiftRow.id == shift_id, ShiftRow.state == OPEN)
        .values(attempts=ShiftRow.attempts)
    )
    if done.rowcount == 1:  # type: ignore[attr-defined]
        return
    row = db.get(ShiftRow, shift_id)
    if row is None:
        raise ShiftRefused(NO_SHIFT)
    raise ShiftRefused(f"This shift was closed already: its Z report is #{row.z_number}.")


def claim(db: Session, shift_id: uuid.UUID) -> None:
    """Everything finished that no Z has counted yet is this shift's Z's."""
    sales.claim_for_shift(db, shift_id)
    cash.claim_for_shift(db, shift_id)
    payouts.claim_for_shift(db, shift_id)


def next_z_number(db: Session) -> int:
    """The highest Z number so far plus one; read inside the close's transaction, after its
    first write, so no other close can take it meanwhile."""
    highest = db.execute(select(func.max(ShiftRow.z_number))).scalar_one()
    return (highest or 0) + 1


def close(db: Session, record: c.Shift) -> None:
    """Close the shift as ``record`` says (its Z number, time and report); the relay pushes it."""
    db.execute(
        update(ShiftRow)
        .where(ShiftRow.id == record.id, ShiftRow.state == OPEN)
        .values(
            state=CLOSED,
            z_number=record.z_number,
            closed_at=record.closed_at,
            record=record.model_dump_json(exclude_none=True),
        )
    )


def closed(db: Session, limit: int) -> list[ClosedShift]:
    """Closed shifts, the latest Z first."""
    rows = db.execute(
        select(ShiftRow.record, ShiftRow.sent_at)
        .where(ShiftRow.state == CLOSED)
        .order_by(ShiftRow.z_number.desc())
        .limit(limit)
    ).all()
    return [
        ClosedShift(c.Shift.model_validate_json(record or ""), sent is not None)
        for record, sent in rows
    ]


def closed_one(db: Session, shift_id: uuid.UUID) -> ClosedShift | None:
    row = db.execute(
        select(ShiftRow.record, ShiftRow.sent_at).where(
            ShiftRow.id == shift_id, ShiftRow.state == CLOSED
        )
    ).first()
    if row is None or row.record is None:
        return None
    return ClosedShift(c.Shift.model_validate_json(row.record), row.sent_at is not None)


# -- the outbox of closed shifts -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaitingShift:
    id: uuid.UUID
    z_number: int
    body: str  # contracts.Shift as JSON


def waiting(db: Session, limit: int) -> list[WaitingShift]:
    """Closed shifts the server has not confirmed yet, the oldest Z first."""
    rows = db.execute(
        select(ShiftRow.id, ShiftRow.z_number, ShiftRow.record)
        .where(ShiftRow.state == CLOSED, ShiftRow.sent_at.is_(None))
        .order_by(ShiftRow.z_number)
        .limit(limit)
    ).all()
    return [WaitingShift(row.id, row.z_number or 0, row.record or "") for row in rows]


def waiting_count(db: Session) -> int:
    return int(
        db.execute(
            select(func.count())
            .select_from(ShiftRow)
            .where(ShiftRow.state == CLOSED, ShiftRow.sent_at.is_(None))
        ).scalar_one()
    )


def mark_sent(db: Session, ids: Sequence[uuid.UUID], now: datetime) -> None:
    if ids:
        db.execute(update(ShiftRow).where(ShiftRow.id.in_(ids)).values(sent_at=now))


def mark_failed(db: Session, ids: Sequence[uuid.UUID], error: str) -> None:
    if ids:
        db.execute(
            update(ShiftRow)
            .where(ShiftRow.id.in_(ids))
            .values(attempts=ShiftRow.attempts + 1, last_error=error[:MAX_ERROR_LENGTH])
        )


# -- the wire form of a closed shift, and back -----------------------------------------------


def _tally(tally: Tally) -> c.ShiftTally:
    return c.ShiftTally(count=tally.count, amount=c.MoneyBody.of(tally.amount))


def _counts_out(pieces: tuple[tuple[int, int], ...]) -> list[c.ShiftCount]:
    return [c.ShiftCount(value=value, count=count) for value, count in pieces]


def _movement_out(moved: cash.CashMoved) -> c.ShiftMovement:
    return c.ShiftMovement(
        id=moved.id or uuid.uuid4(),
        kind=moved.kind,  # type: ignore[arg-type]
        amount=c.MoneyBody.of(moved.amount),
        reason=moved.reason,
        employee_id=moved.employee_id,
        employee_name=moved.employee_name[:80],
        approved_by=moved.approved_by,
        card_last4=moved.card_last4,
        at=moved.at,
    )


@dataclass(frozen=True, slots=True)
class Closing:
    """Who closed the shift, when, what the drawer held and what they noted."""

    z_number: int
    at: datetime
    employee_id: uuid.UUID | None
    employee_name: str
    count: DrawerCount
    note: str | None


def to_wire(
    shift: OpenShift, report: ShiftReport, movements: Sequence[cash.CashMoved], closing: Closing
) -> c.Shift:
    """The closed shift as it is stored, pushed and printed again; ``report`` has its count."""
    if report.counted is None or report.difference is None:
        raise ValueError("a closed shift's report has its count")
    money = c.MoneyBody.of
    return c.Shift(
        id=shift.id,
        z_number=closing.z_number,
        opened_at=shift.opened_at,
        closed_at=closing.at,
        opened_by=shift.opened_by,
        opened_by_name=shift.opened_by_name[:80],
        closed_by=closing.employee_id,
        closed_by_name=closing.employee_name[:80],
        opening_float=money(report.opening_float),
        float_counts=_counts_out(shift.float_counts),
        tickets=report.tickets,
        goods=money(report.goods),
        tax=money(report.tax),
        tips=money(report.tips),
        taken=money(report.taken),
        gift_cards_sold=_tally(report.gift_cards_sold),
        tenders=[
            c.ShiftTender(
                tender=t.tender[:40],
                label=t.label[:40],
                cash=t.cash,
                count=t.count,
                amount=money(t.amount),
            )
            for t in report.tenders
        ],
        cash_tendered=money(report.cash_tendered),
        change_given=money(report.change_given),
        voids=_tally(report.voids),
        refunds=_tally(report.refunds),
        no_sales=report.no_sales,
        pay_ins=_tally(report.pay_ins),
        pay_outs=_tally(report.pay_outs),
        cash_outs=_tally(report.cash_outs),
        expected=money(report.expected),
        counted=money(report.counted),
        difference=money(report.difference),
        counts=_counts_out(closing.count.pieces),
        note=closing.note,
        movements=[_movement_out(moved) for moved in movements],
    )


def report_of(record: c.Shift) -> ShiftReport:
    """The Z report a closed shift was closed with, as it was."""
    currency = record.opening_float.currency or "USD"

    def money(body: c.MoneyBody) -> Money:
        return Money(body.amount, body.currency or currency)

    def tally(body: c.ShiftTally) -> Tally:
        return Tally(body.count, money(body.amount))

    return ShiftReport(
        currency=currency,
        opening_float=money(record.opening_float),
        tickets=record.tickets,
        goods=money(record.goods),
        tax=money(record.tax),
        gift_cards_sold=tally(record.gift_cards_sold),
        tips=money(record.tips),
        taken=money(record.taken),
        tenders=tuple(
            TenderTotal(t.tender, t.label, t.cash, t.count, money(t.amount)) for t in record.tenders
        ),
        cash_tendered=money(record.cash_tendered),
        change_given=money(record.change_given),
        voids=tally(record.voids),
        refunds=tally(record.refunds),
        no_sales=record.no_sales,
        pay_ins=tally(record.pay_ins),
        pay_outs=tally(record.pay_outs),
        cash_outs=tally(record.cash_outs),
        expected=money(record.expected),
        counted=money(record.counted),
        difference=money(record.difference),
    )


def movements_of(record: c.Shift) -> tuple[Movement, ...]:
    currency = record.opening_float.currency or "USD"
    return tuple(
        cash.CashMoved(
            kind=m.kind,
            amount=Money(m.amount.amount, m.amount.currency or currency),
            card_last4=m.card_last4,
            employee_name=m.employee_name,
            at=m.at,
            reason=m.reason,
        ).movement
        for m in record.movements
    )


def pieces_of(counts: Sequence[c.ShiftCount]) -> tuple[tuple[int, int], ...]:
    return tuple((count.value, count.count) for count in counts)
