"""The Back Office's reports (managers only), computed on the server (``reports``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from pos_desktop import contracts as c
from pos_desktop.server import reports
from pos_desktop.server.deps import ClockDep, ManagerDep, SessionsDep
from pos_desktop.server.views import money

router = APIRouter(prefix="/backoffice/reports", tags=["back office"])


@router.get("/liability", response_model=c.LiabilityOut)
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
        owed = reports.liability(db, manager.store.id, instant)
    return c.LiabilityOut(
        at=instant, outstanding=money(owed.outstanding, manager.store.currency), cards=owed.cards
    )
