"""Gift cards: find, read, issue, send, redeem, ask for a Deduct Funds code.

Value leaves a card only with proof that the card is at the counter (its full number in the
body) or a verified e-mailed code (``deductions``); value is created only by a manager with
a reason, until a paid ticket can create it. A card number never travels in a URL.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.domain.card_search import normalize_email
from pos_desktop.domain.errors import CardNotFound, ErrorCode
from pos_desktop.server import ledger, redemption_trip, views
from pos_desktop.server.card_sales import ensure_ticket_sells_no_card
from pos_desktop.server.deps import (
    WITHOUT_NUL,
    ClockDep,
    ConfigDep,
    EmployeeDep,
    KeysDep,
    ManagerDep,
    SessionsDep,
)
from pos_desktop.server.errors import ApiError, CommittedRefusal
from pos_desktop.server.idempotency import OnceDep
from pos_desktop.server.logs import log_value
from pos_desktop.server.models import GiftCard
from pos_desktop.server.ratelimit import (
    Attempt,
    ensure_employee_allowed,
    record_failure,
    unknown_cards_counted,
)
from pos_desktop.server.routes import deductions as deduction_routes

router = APIRouter(prefix="/giftcards", tags=["gift cards"])


EmailQuery = Annotated[str | None, Query(min_length=1, max_length=254, pattern=r"^[^\x00]+$")]


def _exact_email(text: str) -> str:
    """A whole address (``InvalidSearch`` otherwise), compared case-insensitively."""
    return normalize_email(text).lower()


def _search_filter(
    recipient_email: str | None, buyer_email: str | None, last4: str | None
) -> ColumnElement[bool]:
    given = [value for value in (recipient_email, buyer_email, last4) if value is not None]
    if len(given) != 1:
        raise ApiError(
            422,
            ErrorCode.INVALID_SEARCH,
            "Search by exactly one of recipient_email, buyer_email or last4.",
        )
    if recipient_email is not None:
        return GiftCard.recipient_email == _exact_email(recipient_email)
    if buyer_email is not None:
        return GiftCard.buyer_email == _exact_email(buyer_email)
    digits = (last4 or "").strip()
    if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
        raise ApiError(
            422, ErrorCode.INVALID_SEARCH, "last4 is the last 4 digits of a card number."
        )
    return GiftCard.last4 == digits


@router.get("", response_model=c.CardList, responses={429: {"model": c.ErrorBody}})
def search(
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
    recipient_email: EmailQuery = None,
    buyer_email: EmailQuery = None,
    last4: Annotated[str | None, Query(max_length=64, pattern=WITHOUT_NUL)] = None,
) -> c.CardList:
    """Cards of this store by exact recipient e-mail, exact buyer e-mail or the number's last
    4 digits, masked. Every search counts against the register's and the employee's limit."""
    matches = _search_filter(recipient_email, buyer_email, last4)
    with sessions() as db:
        now = clock.now()
        ensure_employee_allowed(
            db, employee, Attempt.CARD_SEARCH, now=now, limit=config.card_searches
        )
        record_failure(
            db,
            employee.register.register_id,
            Attempt.CARD_SEARCH,
            now=now,
            employee_id=employee.employee_id,
        )
        cards = (
            db.execute(
                select(GiftCard)
                .where(ledger.within_reach(employee.store.id), matches)
                .order_by(GiftCard.created_at.desc())
                .limit(100)
            )
            .scalars()
            .all()
        )
        found = views.card_list(db, cards)
        db.commit()
        return found


@router.post("/lookup", response_model=c.CardOut)
def lookup_by_number(
    body: c.LookupRequest,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
    keys: KeysDep,
) -> c.CardOut:
    """The card with this full number (in the body: a URL would put it in access logs)."""
    number = validate_card_number(body.number)
    with sessions() as db:
        try:
            with unknown_cards_counted(db, employee, now=clock.now(), limit=config.unknown_cards):
                card = ledger.find_by_number(db, keys.numbers, employee.store.id, number)
                if card is None:
                    raise CardNotFound()
        except CommittedRefusal:
            db.commit()
            raise
        return views.card_out(db, card)


@router.get("/lookup", include_in_schema=False)
def lookup_retired() -> None:
    """The old form put the number in the URL; it answers nothing but where to go."""
    raise ApiError(
        410,
        ErrorCode.ENDPOINT_RETIRED,
        "Look a card up with POST /api/v1/giftcards/lookup and the number in the body.",
    )


@router.get("/{card_id}", response_model=c.CardDetail)
def card_detail(card_id: uuid.UUID, employee: EmployeeDep, sessions: SessionsDep) -> c.CardDetail:
    with sessions() as db:
        card = db.execute(
            select(GiftCard).where(GiftCard.id == card_id, ledger.within_reach(employee.store.id))
        ).scalar()
        if card is None:
            raise CardNotFound()
        return views.card_detail(db, card)


@router.post("", response_model=c.IssuedCard, status_code=201)
def issue(body: c.IssueCardRequest, manager: ManagerDep, keys: KeysDep, once: OnceDep) -> Response:
    """A manager issues a card, with a reason, until a paid ticket can issue one; the answer
    is the only one with the full number, and is stored sealed for a replay."""
    new = ledger.NewCard(
        amount=ledger.to_money(body.amount.amount, body.amount.currency, manager.store),
        buyer_email=body.buyer_email,
        recipient_email=body.recipient_email,
        recipient_name=body.recipient_name,
        message=body.message,
        deliver_at=body.deliver_at,
    )

    def operation(db: Session, now: datetime) -> c.IssuedCard:
        issued = ledger.issue_card(
            db,
            manager,
            manager.store,
            new,
            now,
            keys.numbers,
            idempotency_key=once.key,
            reason=body.reason,
        )
        log_value("issue", manager, issued.card.id, new.amount.minor)
        return views.issued_card(issued)

    return once(body, operation, status_code=201, seal=True)


@router.post("/{card_id}/send", response_model=c.CardOut)
def send(
    card_id: uuid.UUID, body: c.SendCardRequest, manager: ManagerDep, keys: KeysDep, once: OnceDep
) -> Response:
    """A manager sends the card to its recipient now, which activates it; with a reason."""

    def operation(db: Session, now: datetime) -> c.CardOut:
        card = ledger.send_card(db, manager, manager.store, card_id, now, keys, reason=body.reason)
        log_value("send", manager, card.id, card.balance)
        return views.card_out(db, card)

    return once(body, operation)


@router.post("/{card_id}/redeem", response_model=c.RedemptionOut)
def redeem(
    card_id: uuid.UUID,
    body: c.RedeemRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """Pay with the card at the counter: its full number proves it is there. A wrong number
    is answered as an unknown card, and counted as one."""
    amount, tip = ledger.to_amount_and_tip(body.amount, body.tip, employee.store)
    presented = ledger.Presented(card_id, validate_card_number(body.number), keys.numbers)
    paid = redemption_trip.redeem(
        once, body, employee, presented, amount, tip, config.unknown_cards
    )
    if paid is not None:
        log_value("redeem", employee, card_id, paid.debited)
        return paid.answer

    def operation(db: Session, now: datetime) -> c.RedemptionOut:
        ensure_ticket_sells_no_card(
            db, employee.store, employee.register.register_id, body.ticket_id
        )
        with unknown_cards_counted(db, employee, now=now, limit=config.unknown_cards):
            done = ledger.redeem(
                db, employee, presented, amount, tip, body.ticket_id, once.key, now
            )
        log_value("redeem", employee, card_id, done.plan.total_debit.minor)
        return views.redemption_out(done, employee.store.currency, employee)

    return once(body, operation)


@router.post("/{card_id}/deduction-codes", response_model=c.DeductionChallengeOut, status_code=201)
def request_deduction_code(
    card_id: uuid.UUID,
    body: c.DeductionCodeRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    once: OnceDep,
) -> Response:
    """Deduct Funds (seed 000): e-mail a code the buyer reads out; nothing is deducted yet."""
    return deduction_routes.request_code(card_id, body, employee, config, once)
