"""Deduct Funds by e-mailed code (seed 000): resend and verify a code.

Asking for the first code is ``POST /giftcards/{id}/deduction-codes`` (in ``giftcards``,
which calls ``request_code`` here). Every POST runs under its Idempotency-Key: a retried
verify replays its first answer, so it neither deducts twice nor counts a wrong code twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.contracts import ErrorBody
from pos_desktop.server import deductions, ledger, views
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import ConfigDep, EmployeeDep
from pos_desktop.server.idempotency import Once, OnceDep
from pos_desktop.server.logs import log_value
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


def _send_once(
    employee: EmployeeCaller,
    config: ServerConfig,
    once: Once,
    body: BaseModel | None,
    send: Callable[[Session, datetime, deductions.SendLimits], DeductionChallenge],
    *,
    status_code: int = 200,
    **target: uuid.UUID,
) -> Response:
    """Run a code send (a first code or a resend) under its key, after the read-only limits
    check (``gate_send``), and answer with the challenge."""
    limits = deductions.SendLimits.from_config(config)
    with once.sessions() as db:
        deductions.gate_send(db, employee, once.key, once.clock.now(), limits, **target)
    return once(
        body,
        lambda db, now: challenge_out(send(db, now, limits), limits),
        status_code=status_code,
    )


def request_code(
    card_id: uuid.UUID,
    body: c.DeductionCodeRequest,
    employee: EmployeeCaller,
    config: ServerConfig,
    once: Once,
) -> Response:
    amount, tip = ledger.to_amount_and_tip(body.amount, body.tip, employee.store)
    code_request = deductions.CodeRequest(amount=amount, tip=tip, ticket_id=body.ticket_id)
    return _send_once(
        employee,
        config,
        once,
        body,
        lambda db, now, limits: deductions.request_code(
            db, employee, card_id, code_request, now, limits=limits, keys=once.keys
        ),
        status_code=201,
        card_id=card_id,
    )


@router.post("/{challenge_id}/resend", response_model=c.DeductionChallengeOut, responses=GONE)
def resend(
    challenge_id: uuid.UUID, employee: EmployeeDep, config: ConfigDep, once: OnceDep
) -> Response:
    """A new code for the same deduction; the old code stops working."""
    return _send_once(
        employee,
        config,
        once,
        None,
        lambda db, now, limits: deductions.resend_code(
            db, employee, challenge_id, now, limits=limits, keys=once.keys
        ),
        challenge_id=challenge_id,
    )


@router.post("/{challenge_id}/verify", response_model=c.RedemptionOut, responses=GONE)
def verify(
    challenge_id: uuid.UUID, body: c.VerifyCodeRequest, employee: EmployeeDep, once: OnceDep
) -> Response:
    """The code the buyer read out: right, the amount is deducted at once."""

    def operation(db: Session, now: datetime) -> c.RedemptionOut:
        done = deductions.verify_code(
            db, employee, challenge_id, body.code, once.key, now, once.keys
        )
        log_value("deduct_by_code", employee, done.activity.card_id, done.plan.total_debit.minor)
        return views.redemption_out(done, employee.store.currency, employee)

    return once(body, operation)
