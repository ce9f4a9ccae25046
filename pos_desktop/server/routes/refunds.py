"""Refunds of completed sales onto gift cards (``refunds``): a gift-card payment back to its
card, or any sale as store credit on a card at the counter or a new one."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.server import ledger, refunds, views
from pos_desktop.server.deps import ConfigDep, EmployeeDep, KeysDep
from pos_desktop.server.idempotency import OnceDep
from pos_desktop.server.logs import log_value
from pos_desktop.server.ratelimit import unknown_cards_counted

router = APIRouter(prefix="/refunds", tags=["gift cards"])


@router.post("/tender", response_model=c.RefundOut)
def refund_tender(body: c.TenderRefundRequest, employee: EmployeeDep, once: OnceDep) -> Response:
    """A completed sale's gift-card payment, or part of it, back onto the card that paid."""
    amount = ledger.to_money(body.amount.amount, body.amount.currency, employee.store)

    def operation(db: Session, now: datetime) -> c.RefundOut:
        refunds.ensure_approved(db, employee, body.approved_by)
        activity, card = refunds.refund_tender(
            db, employee, body.activity_id, amount, body.reason, once.key, now
        )
        log_value("refund", employee, card.id, amount.minor)
        return c.RefundOut(
            card=views.card_out(db, card),
            activity=views.activity_by(activity, card.currency, employee),
        )

    return once(body, operation)


@router.post("/store-credit", response_model=c.RefundOut, status_code=201)
def store_credit(
    body: c.StoreCreditRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """A completed sale refunded onto a card at the counter or a new card; a new card's
    number is in the answer, so the answer is stored sealed."""
    amount = ledger.to_money(body.amount.amount, body.amount.currency, employee.store)
    onto = (
        ledger.Presented(body.card.card_id, validate_card_number(body.card.number), keys.numbers)
        if body.card is not None
        else None
    )
    sale = (body.register_id or employee.register.register_id, body.ticket_id)

    def operation(db: Session, now: datetime) -> c.RefundOut:
        refunds.ensure_approved(db, employee, body.approved_by)
        with unknown_cards_counted(db, employee, now=now, limit=config.unknown_cards):
            activity, card, number = refunds.store_credit(
                db, employee, sale, amount, onto, body.reason, keys.numbers, once.key, now
            )
        log_value("store_credit", employee, card.id, amount.minor)
        return c.RefundOut(
            card=views.card_out(db, card),
            activity=views.activity_by(activity, card.currency, employee),
            number=number,
        )

    return once(body, operation, status_code=201, seal=True)
