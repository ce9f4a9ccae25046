from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.server import ledger, views
from pos_desktop.server.clock import Clock
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import (
    ClockDep,
    ConfigDep,
    EmployeeDep,
    ManagerDep,
    SealerDep,
    SessionsDep,
)
from pos_desktop.server.errors import ApiError, card_not_found
from pos_desktop.server.idempotency import IdempotencyKey, run_once
from pos_desktop.server.models import GiftCard
from pos_desktop.server.ratelimit import Attempt, ensure_allowed, record_failure
from pos_desktop.server.routes import deductions as deduction_routes

router = APIRouter(prefix="/giftcards", tags=["gift cards"])


EmailQuery = Annotated[str | None, Query(min_length=1, max_length=254, pattern=r"^[^\x00]+$")]


def _search_filter(
    recipient_email: str | None, buyer_email: str | None, last4: str | None
) -> ColumnElement[bool]:
    given = [value for value in (recipient_email, buyer_email, last4) if value is not None]
    if len(given) != 1:
        raise ApiError(
            422,
            "invalid_search",
            "Search by exactly one of recipient_email, buyer_email or last4.",
        )
    if recipient_email is not None:
        return GiftCard.recipient_email == recipient_email.strip().lower()
    if buyer_email is not None:
        return GiftCard.buyer_email == buyer_email.strip().lower()
    digits = (last4 or "").strip()
    if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
        raise ApiError(422, "invalid_search", "last4 is the last 4 digits of a card number.")
    return GiftCard.last4 == digits


@router.get("", response_model=c.CardList)
def search(
    employee: EmployeeDep,
    sessions: SessionsDep,
    recipient_email: EmailQuery = None,
    buyer_email: EmailQuery = None,
    last4: Annotated[str | None, Query(max_length=64)] = None,
) -> c.CardList:
    """Cards of this store by recipient e-mail, buyer e-mail or the number's last 4 digits."""
    matches = _search_filter(recipient_email, buyer_email, last4)
    with sessions() as db:
        cards = (
            db.execute(
                select(GiftCard)
                .where(GiftCard.store_id == employee.store.id, matches)
                .order_by(GiftCard.created_at.desc())
                .limit(100)
            )
            .scalars()
            .all()
        )
        return views.card_list(db, cards)


@router.get("/lookup", response_model=c.CardOut)
def lookup_by_number(
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
    number: Annotated[str, Query(min_length=1, max_length=64)],
) -> c.CardOut:
    with sessions() as db:
        register_id = employee.register.register_id
        now = clock.now()
        ensure_allowed(
            db,
            register_id,
            Attempt.UNKNOWN_CARD,
            now=now,
            limit=config.unknown_card_limit,
            window_seconds=config.rate_window_seconds,
        )
        card = db.execute(
            select(GiftCard).where(
                GiftCard.store_id == employee.store.id,
                GiftCard.number == validate_card_number(number),
            )
        ).scalar()
        if card is None:
            record_failure(db, register_id, Attempt.UNKNOWN_CARD, now=now)
            db.commit()
            raise card_not_found()
        return views.card_out(db, card)


@router.get("/{card_id}", response_model=c.CardDetail)
def card_detail(card_id: uuid.UUID, employee: EmployeeDep, sessions: SessionsDep) -> c.CardDetail:
    with sessions() as db:
        card = db.get(GiftCard, card_id)
        if card is None or card.store_id != employee.store.id:
            raise card_not_found()
        return views.card_detail(db, card)


@router.post("", response_model=c.IssuedCard, status_code=201)
def issue(
    body: c.IssueCardRequest,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    new = ledger.NewCard(
        amount=ledger.to_money(body.amount.amount, body.amount.currency, employee.store),
        buyer_email=body.buyer_email,
        recipient_email=body.recipient_email,
        recipient_name=body.recipient_name,
        message=body.message,
        deliver_at=body.deliver_at,
    )
    return run_once(
        sessions,
        clock,
        register_id=employee.register.register_id,
        key=idempotency_key,
        request=request,
        body=body,
        operation=lambda db, now: views.issued_card(
            ledger.issue_card(db, employee, employee.store, new, now, idempotency_key)
        ),
        status_code=201,
    )


def _card_action(
    request: Request,
    employee: EmployeeCaller,
    sessions: sessionmaker[Session],
    clock: Clock,
    key: str,
    action: ledger.CardAction,
) -> Response:
    """Run a state change of one card under its idempotency key and answer with the card."""
    return run_once(
        sessions,
        clock,
        register_id=employee.register.register_id,
        key=key,
        request=request,
        body=None,
        operation=lambda db, now: views.card_out(db, action(db, employee, now)),
    )


@router.post("/{card_id}/send", response_model=c.CardOut)
def send(
    card_id: uuid.UUID,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    return _card_action(
        request,
        employee,
        sessions,
        clock,
        idempotency_key,
        lambda s, e, now: ledger.send_card(s, e, e.store, card_id, now),
    )


@router.post("/{card_id}/redeem", response_model=c.RedemptionOut)
def redeem(
    card_id: uuid.UUID,
    body: c.RedeemRequest,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    amount, tip = ledger.to_amount_and_tip(body.amount, body.tip, employee.store)

    def operation(db: Session, now: datetime) -> c.RedemptionOut:
        done = ledger.redeem(
            db, employee, card_id, amount, tip, body.ticket_id, idempotency_key, now
        )
        return views.redemption_out(done, employee.store.currency, employee)

    return run_once(
        sessions,
        clock,
        register_id=employee.register.register_id,
        key=idempotency_key,
        request=request,
        body=body,
        operation=operation,
    )


@router.post("/{card_id}/deduction-codes", response_model=c.DeductionChallengeOut, status_code=201)
def request_deduction_code(
    card_id: uuid.UUID,
    body: c.DeductionCodeRequest,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
    sealer: SealerDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    """Deduct Funds (seed 000): e-mail a code the buyer reads out; nothing is deducted yet."""
    return deduction_routes.request_code(
        card_id, body, request, employee, sessions, clock, config, sealer, idempotency_key
    )


class ManagerAction(StrEnum):
    BLOCK = "block"
    UNBLOCK = "unblock"
    VOID = "void"


# Declared last: its {action} segment would otherwise shadow /send, /redeem and
# /deduction-codes.
@router.post("/{card_id}/{action}", response_model=c.CardOut)
def manage(
    card_id: uuid.UUID,
    action: ManagerAction,
    request: Request,
    manager: ManagerDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    """Block (reversible), unblock, or void (final, empties the card); managers only."""
    change: ledger.CardAction
    if action is ManagerAction.VOID:
        change = lambda s, e, now: ledger.void_card(s, e, card_id, now)  # noqa: E731
    else:
        blocked = action is ManagerAction.BLOCK
        change = lambda s, e, now: ledger.set_blocked(s, e, card_id, blocked, now)  # noqa: E731
    return _card_action(request, manager, sessions, clock, idempotency_key, change)
