"""Deduct Funds by e-mailed code (seed 000): resend and verify a code.

Asking for the first code is ``POST /giftcards/{id}/deduction-codes`` (in ``giftcards``,
which calls ``request_code`` here). Every POST runs under its Idempotency-Key: a retried
verify replays its first answer, so it neither deducts twice nor counts a wrong code twice.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop import contracts as c
from pos_desktop.contracts import ErrorBody
from pos_desktop.server import deductions, ledger, views
from pos_desktop.server.clock import Clock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import ClockDep, ConfigDep, EmployeeDep, SealerDep, SessionsDep
from pos_desktop.server.idempotency import IdempotencyKey, run_once
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.models import DeductionChallenge

router = APIRouter(prefix="/deduction-codes", tags=["deduct funds"])

GONE: dict[int | str, dict[str, Any]] = {
    410: {"model": ErrorBody, "description": "code_cancelled, code_expired or code_used"}
}


def challenge_out(
    challenge: DeductionChallenge, limits: deductions.SendLimits
) -> c.DeductionChallengeOut:
    return c.DeductionChallengeOut(
        challenge_id=challenge.id,
        expires_at=challenge.expires_at,
        sent_to=challenge.sent_to,
        attempts_left=deductions.attempts_left(challenge),
        resend_after=challenge.last_sent_at + limits.resend_cooldown,
    )


def with_retry_after(response: Response) -> Response:
    """A 429 answered through ``run_once`` (stored, or replayed) gets its Retry-After header
    back from the body, where the refusal keeps it."""
    if response.status_code == 429:
        error = json.loads(bytes(response.body)).get("error", {})
        if isinstance(error.get("retry_after"), int):
            response.headers["Retry-After"] = str(error["retry_after"])
    return response


def _gate(
    sessions: sessionmaker[Session],
    caller: EmployeeCaller,
    key: str,
    clock: Clock,
    limits: deductions.SendLimits,
    **target: uuid.UUID,
) -> None:
    with sessions() as db:
        deductions.gate_send(db, caller, key, clock.now(), limits, **target)


def request_code(
    card_id: uuid.UUID,
    body: c.DeductionCodeRequest,
    request: Request,
    employee: EmployeeCaller,
    sessions: sessionmaker[Session],
    clock: Clock,
    config: ServerConfig,
    sealer: Sealer,
    idempotency_key: str,
) -> Response:
    store = employee.store
    code_request = deductions.CodeRequest(
        amount=ledger.to_money(body.amount.amount, body.amount.currency, store),
        tip=(
            ledger.to_money(body.tip.amount, body.tip.currency, store, allow_zero=True)
            if body.tip
            else store.money(0)
        ),
        ticket_id=body.ticket_id,
    )
    limits = deductions.SendLimits.from_config(config)
    _gate(sessions, employee, idempotency_key, clock, limits, card_id=card_id)

    def operation(db: Session, now: datetime) -> c.DeductionChallengeOut:
        challenge = deductions.request_code(
            db, employee, card_id, code_request, now, limits=limits, sealer=sealer
        )
        return challenge_out(challenge, limits)

    return with_retry_after(
        run_once(
            sessions,
            clock,
            register_id=employee.register.register_id,
            key=idempotency_key,
            request=request,
            body=body,
            operation=operation,
            status_code=201,
        )
    )


@router.post("/{challenge_id}/resend", response_model=c.DeductionChallengeOut, responses=GONE)
def resend(
    challenge_id: uuid.UUID,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    config: ConfigDep,
    sealer: SealerDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    """A new code for the same deduction; the old code stops working."""
    limits = deductions.SendLimits.from_config(config)
    _gate(sessions, employee, idempotency_key, clock, limits, challenge_id=challenge_id)

    def operation(db: Session, now: datetime) -> c.DeductionChallengeOut:
        challenge = deductions.resend_code(
            db, employee, challenge_id, now, limits=limits, sealer=sealer
        )
        return challenge_out(challenge, limits)

    return with_retry_after(
        run_once(
            sessions,
            clock,
            register_id=employee.register.register_id,
            key=idempotency_key,
            request=request,
            body=None,
            operation=operation,
        )
    )


@router.post("/{challenge_id}/verify", response_model=c.RedemptionOut, responses=GONE)
def verify(
    challenge_id: uuid.UUID,
    body: c.VerifyCodeRequest,
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey,
) -> Response:
    """The code the buyer read out: right, the amount is deducted at once."""
    currency = employee.store.currency

    def operation(db: Session, now: datetime) -> c.RedemptionOut:
        done = deductions.verify_code(db, employee, challenge_id, body.code, idempotency_key, now)
        return c.RedemptionOut(
            activity=views.activity_by(done.activity, currency, employee),
            redeemed=views.money(done.plan.redeemed.minor, currency),
            tip_covered=views.money(done.plan.tip_covered.minor, currency),
            balance_after=views.money(done.plan.balance_after.minor, currency),
        )

    return run_once(
        sessions,
        clock,
        register_id=employee.register.register_id,
        key=idempotency_key,
        request=request,
        body=body,
        operation=operation,
    )
