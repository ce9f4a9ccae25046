"""Gift cards and reloads sold on a ticket's lines (``card_sales``): any employee sells them,
since no value exists until the ticket that pays for it completes."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.server import card_sales, ledger, views
from pos_desktop.server.deps import ConfigDep, EmployeeDep, KeysDep
from pos_desktop.server.idempotency import OnceDep
from pos_desktop.server.ratelimit import unknown_cards_counted

router = APIRouter(prefix="/card-loads", tags=["gift cards"])


@router.post("/sale", response_model=c.CardLoadOut, status_code=201)
def sell(
    body: c.CardSaleRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """A gift card on a line of an open ticket, pending until the ticket completes; the
    answer is the only one with the full number, and is stored sealed for a replay. A blank
    card's number already in use counts as an unknown card: the route is no number oracle."""
    if body.number is not None:
        body = body.model_copy(update={"number": validate_card_number(body.number)})

    def operation(db: Session, now: datetime) -> c.CardLoadOut:
        if body.number is None:
            sold = card_sales.sell_card(db, employee, body, keys.numbers, now)
        else:
            with unknown_cards_counted(db, employee, now=now, limit=config.unknown_cards):
                sold = card_sales.sell_card(db, employee, body, keys.numbers, now)
        return views.card_load_out(db, sold)

    return once(body, operation, status_code=201, seal=True)


@router.post("/reload", response_model=c.CardLoadOut, status_code=201)
def reload(
    body: c.CardReloadRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """A reload of the card at the counter on a line of an open ticket; a wrong number is
    answered, and counted, as an unknown card."""
    presented = ledger.Presented(body.card_id, validate_card_number(body.number), keys.numbers)

    def operation(db: Session, now: datetime) -> c.CardLoadOut:
        with unknown_cards_counted(db, employee, now=now, limit=config.unknown_cards):
            sold = card_sales.reload_card(db, employee, body, presented, now)
        return views.card_load_out(db, sold)

    return once(body, operation, status_code=201)


@router.post("/cancel", response_model=c.CardLoadOut)
def cancel(body: c.CardLoadRef, employee: EmployeeDep, once: OnceDep) -> Response:
    """The line left the open ticket, or the ticket was voided: its card or reload is off."""

    def operation(db: Session, now: datetime) -> c.CardLoadOut:
        return views.card_load_out(db, card_sales.cancel_line(db, employee, body, now))

    return once(body, operation)
