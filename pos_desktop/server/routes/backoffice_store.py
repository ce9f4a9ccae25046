"""The Back Office's store settings and audit log (managers only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from pos_desktop import contracts as c
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.server import audit
from pos_desktop.server.deps import ClockDep, ManagerDep, SessionsDep, forget_callers
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import AuditEntry, Employee, Register, Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.server.store_settings import (
    apply_settings,
    check_card_range,
    check_settings,
    currency_is_locked,
    currency_locked,
    settings_of,
)
from pos_desktop.server.views import money

router = APIRouter(prefix="/backoffice", tags=["back office"])


def _store_out(db: Session, store: Store) -> c.BackOfficeStore:
    values = settings_of(store)
    return c.BackOfficeStore(
        id=store.id,
        **{
            **values,
            "max_card_amount": money(store.max_card_amount, store.currency),
            "min_card_amount": money(store.min_card_amount, store.currency),
            "cash_out_below": (
                money(store.cash_out_below, store.currency) if store.cash_out_below else None
            ),
        },
        currency_locked=currency_locked(db, store.id),
    )


@router.get("/store", response_model=c.BackOfficeStore)
def get_store(manager: ManagerDep, sessions: SessionsDep) -> c.BackOfficeStore:
    with sessions() as db:
        store = db.execute(select(Store).where(Store.id == manager.store.id)).scalar_one()
        return _store_out(db, store)


@router.patch("/store", response_model=c.BackOfficeStore)
def update_store(
    body: c.StoreUpdate,
    request: Request,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
) -> c.BackOfficeStore:
    wanted = check_settings(body.model_dump(exclude_none=True))
    with sessions() as db:
        store = db.execute(
            select(Store).where(Store.id == manager.store.id).with_for_update()
        ).scalar_one()
        check_card_range(store, wanted)
        changes = audit.diff(settings_of(store), wanted)
        if "currency" in changes and currency_locked(db, store.id):
            raise currency_is_locked(store.currency)
        if changes:
            apply_settings(store, {field: change["new"] for field, change in changes.items()})
            # A new version: every register pulls the settings at its next sync.
            store.sync_version = next_sync_version(db)
            audit.record(
                db,
                store_id=store.id,
                by=manager,
                action=audit.AuditAction.STORE_UPDATED,
                target=(audit.TargetKind.STORE, store.id),
                changes=changes,
                at=clock.now(),
            )
            db.commit()
            # Callers carry the store's name, currency and card maximum.
            forget_callers(request)
        return _store_out(db, store)


@router.get("/audit", response_model=c.AuditList)
def list_audit(
    manager: ManagerDep,
    sessions: SessionsDep,
    before: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> c.AuditList:
    """The store's audit log, newest first; ``before`` (the last entry of a page) pages back
    from that entry: by time then id, so entries written at the same instant are neither
    lost nor repeated between pages."""
    by = aliased(Employee)
    at = aliased(Register)
    query = (
        select(AuditEntry, by, at)
        .outerjoin(by, by.id == AuditEntry.employee_id)
        .outerjoin(at, at.id == AuditEntry.register_id)
        .where(AuditEntry.store_id == manager.store.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id)
        .limit(limit)
    )
    with sessions() as db:
        if before is not None:
            last = db.execute(
                select(AuditEntry.at).where(
                    AuditEntry.id == before, AuditEntry.store_id == manager.store.id
                )
            ).scalar()
            if last is None:
                raise ApiError(
                    422, ErrorCode.INVALID_CURSOR, "No entry of this store's audit log has this id."
                )
            query = query.where(
                or_(
                    AuditEntry.at < last,
                    and_(AuditEntry.at == last, AuditEntry.id > before),
                )
            )
        rows = db.execute(query).all()
    return c.AuditList(
        items=[
            c.AuditEntryOut(
                id=entry.id,
                at=entry.at,
                employee=c.EmployeeRef(id=who.id, name=who.name) if who is not None else None,
                register_ref=c.RegisterRef(id=where.id, name=where.name)
                if where is not None
                else None,
                action=entry.action,
                target_kind=entry.target_kind,
                target_id=entry.target_id,
                changes=entry.changes,
            )
            for entry, who, where in rows
        ]
    )
