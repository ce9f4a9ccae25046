"""Registers' closed drawer shifts, kept once each, with their tenders and cash movements as
rows. Written in the push's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.shifts import ShiftConflict
from pos_desktop.server.context import RegisterCaller
from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.models import ShiftMovementRow, ShiftTenderRow, SyncedShift

OTHER_REGISTER = "This shift was pushed by another register; a shift is its register's own."


def keep(db: Session, register: RegisterCaller, shift: c.Shift, now: datetime) -> bool:
    """Keep ``shift`` (True), or find it kept already (False: a push whose answer was lost);
    refused when its id is another register's, or its Z number another shift's."""
    currency = shift.opening_float.currency or register.store.currency
    kept = db.execute(
        insert_or_skip(db, SyncedShift)
        .values(
            id=shift.id,
            register_id=register.register_id,
            store_id=register.store.id,
            z_number=shift.z_number,
            opened_at=shift.opened_at,
            closed_at=shift.closed_at,
            opened_by=shift.opened_by,
            opened_by_name=shift.opened_by_name,
            closed_by=shift.closed_by,
            closed_by_name=shift.closed_by_name,
            currency=currency,
            opening_float=shift.opening_float.amount,
            tickets=shift.tickets,
            goods=shift.goods.amount,
            tax=shift.tax.amount,
            tips=shift.tips.amount,
            taken=shift.taken.amount,
            cash_sales=shift.cash_tendered.amount - shift.change_given.amount,
            voids=shift.voids.count,
            refunded=shift.refunds.amount.amount,
            no_sales=shift.no_sales,
            expected=shift.expected.amount,
            counted=shift.counted.amount,
            difference=shift.difference.amount,
            note=shift.note,
            body=shift.model_dump_json(),
            received_at=now,
        )
        .returning(SyncedShift.id)
    ).first()
    if kept is None:
        holder = db.execute(
            select(SyncedShift.register_id).where(SyncedShift.id == shift.id)
        ).scalar_one_or_none()
        if holder is None:
            raise ShiftConflict(
                f"Z report #{shift.z_number} of this register is another shift's already."
            )
        if holder != register.register_id:
            raise ShiftConflict(OTHER_REGISTER)
        return False
    _rows(db, register, shift)
    return True


def _rows(db: Session, register: RegisterCaller, shift: c.Shift) -> None:
    tenders = [
        {
            "shift_id": shift.id,
            "position": position,
            "tender": tender.tender,
            "label": tender.label,
            "cash": tender.cash,
            "count": tender.count,
            "amount": tender.amount.amount,
        }
        for position, tender in enumerate(shift.tenders)
    ]
    movements = [
        {
            "shift_id": shift.id,
            "id": movement.id,
            "store_id": register.store.id,
            "kind": movement.kind,
            "amount": movement.amount.amount,
            "reason": movement.reason,
            "employee_id": movement.employee_id,
            "employee_name": movement.employee_name,
            "approved_by": movement.approved_by,
            "card_last4": movement.card_last4,
            "at": movement.at,
        }
        for movement in shift.movements
    ]
    if tenders:
        db.execute(insert(ShiftTenderRow), tenders)
    if movements:
        db.execute(insert(ShiftMovementRow), movements)
