"""The Back Office's reports and alerts (managers only), computed on the server in the
store's time zone (``reports``, ``sales_report``, ``giftcard_report``, ``exceptions_report``).

A range is ``?start=YYYY-MM-DD&end=YYYY-MM-DD``: the store's calendar days, both included;
an end before the start, or more than ``MAX_REPORT_DAYS`` days, is 422 ``invalid_range``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.report_range import ReportDays, report_days
from pos_desktop.server import reports
from pos_desktop.server.chain_report import chain_report
from pos_desktop.server.deps import ClockDep, ConfigDep, ManagerDep, OwnerDep, SessionsDep
from pos_desktop.server.exceptions_report import alerts as alerts_now
from pos_desktop.server.exceptions_report import exceptions_report
from pos_desktop.server.giftcard_report import giftcard_report
from pos_desktop.server.models import Store
from pos_desktop.server.replica import ReadingDep
from pos_desktop.server.sales_report import sales_report
from pos_desktop.server.views import money

router = APIRouter(prefix="/backoffice", tags=["back office"])

Start = Annotated[date, Query(description="the first day, store time (YYYY-MM-DD)")]
End = Annotated[date, Query(description="the last day, included (YYYY-MM-DD)")]


def _store_days(
    db: Session, manager: ManagerDep, start: date, end: date
) -> tuple[Store, ReportDays]:
    store = db.get_one(Store, manager.store.id)
    return store, report_days(start, end, ZoneInfo(store.timezone))


@router.get("/reports/chain", response_model=c.ChainReportOut)
def chain(
    owner: OwnerDep, sessions: SessionsDep, clock: ClockDep, start: Start, end: End
) -> c.ChainReportOut:
    """Every store of the chain (owners only): sales over each store's own calendar days, and
    what its cards owed at the end."""
    with sessions() as db:
        zone = ZoneInfo(db.get_one(Store, owner.store.id).timezone)
        report = chain_report(db, start, end, clock.now(), zone)
        db.commit()  # the liability's day sums, kept for the next report
    return report


@router.get("/reports/liability", response_model=c.LiabilityOut)
def liability(
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
    at: Annotated[AwareDatetime | None, Query()] = None,
) -> c.LiabilityOut:
    """The store's outstanding gift-card balance at ``at`` (now when left out), exact from
    the ledger, and the number of cards holding value then."""
    instant = at or clock.now()
    with sessions() as db:
        owed = reports.liability(db, manager.store.id, instant, clock.now())
        db.commit()  # the days it summed, kept for the next report
    return c.LiabilityOut(
        at=instant, outstanding=money(owed.outstanding, manager.store.currency), cards=owed.cards
    )


@router.get("/reports/sales", response_model=c.SalesReportOut)
def sales(manager: ManagerDep, reading: ReadingDep, start: Start, end: End) -> c.SalesReportOut:
    """Completed tickets' sales by day, hour, employee, product, category and tender; gift
    cards sold apart, never revenue (definitions in ``server.sales_report``)."""
    with reading.session() as (db, lag):
        store, days = _store_days(db, manager, start, end)
        report = sales_report(db, store, days)
    report.replica_lag_ms = lag
    return report


@router.get("/reports/gift-cards", response_model=c.GiftCardReportOut)
def gift_cards(
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
    start: Start,
    end: End,
    dormant_months: Annotated[int, Query(ge=1, le=120)] = 12,
) -> c.GiftCardReportOut:
    """The liability at the range's start and end, its flows, aging, dormant cards and a
    daily series (definitions in ``server.giftcard_report``)."""
    with sessions() as db:
        store, days = _store_days(db, manager, start, end)
        report = giftcard_report(db, store, days, dormant_months, clock.now())
        db.commit()  # the days it summed, kept for the next report
        return report


@router.get("/reports/exceptions", response_model=c.ExceptionsReportOut)
def exceptions(
    manager: ManagerDep, reading: ReadingDep, clock: ClockDep, start: Start, end: End
) -> c.ExceptionsReportOut:
    """Unsettled redemptions, voids, blocks, adjustments and refunds by employee, unknown
    cards and wrong PINs by register, and mail given up (``server.exceptions_report``)."""
    with reading.session() as (db, lag):
        store, days = _store_days(db, manager, start, end)
        report = exceptions_report(db, store, days, clock.now())
    report.replica_lag_ms = lag
    return report


@router.get("/alerts", response_model=c.AlertsOut)
def alerts(
    manager: ManagerDep, sessions: SessionsDep, clock: ClockDep, config: ConfigDep
) -> c.AlertsOut:
    """Registers past a threshold of unknown card numbers or wrong PINs right now."""
    with sessions() as db:
        return alerts_now(db, manager.store.id, config, clock.now())
