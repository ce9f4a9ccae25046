"""Limits on guessing: wrong PINs and unknown card numbers per register, card searches per
register and per employee.

Each counted event is a row in the database, not a counter in memory, so a limit holds across
every server process behind a load balancer.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from pos_desktop.domain.errors import CardNotFound, CardNumberTaken, ErrorCode
from pos_desktop.server.config import Limit
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.database import run_prepared
from pos_desktop.server.errors import ApiError, CommittedRefusal
from pos_desktop.server.metrics import RATE_LIMITED
from pos_desktop.server.models import FailedAttempt


class Attempt(StrEnum):
    WRONG_PIN = "wrong_pin"
    UNKNOWN_CARD = "unknown_card"
    # Every search by e-mail or last 4 digits counts, found or not: what is limited is
    # listing the store's cards, not failing.
    CARD_SEARCH = "card_search"


# What the exceptions report counts per register (server.exceptions_report).
REPORTED_ATTEMPTS = (Attempt.WRONG_PIN, Attempt.UNKNOWN_CARD)
LIMITED_FOR = timedelta(days=1)
# Two years: a report of any range in the last year, and the same range a year before.
REPORTED_FOR = timedelta(days=2 * 366)

_WHAT = {
    Attempt.WRONG_PIN: "Too many wrong PINs on this register.",
    Attempt.UNKNOWN_CARD: "Too many unknown card numbers on this register.",
    Attempt.CARD_SEARCH: "Too many card searches on this register.",
}
_WHAT_EMPLOYEE = {
    Attempt.CARD_SEARCH: "You have searched for too many cards.",
}


def _attempts_since(who: InstrumentedAttribute[uuid.UUID | None]) -> Select[int, datetime]:
    """How many attempts of a kind one register or employee (``who``) made since an instant,
    and the oldest: built once per column, with parameters, since every redemption asks."""
    return select(func.count(), func.min(FailedAttempt.created_at)).where(
        who == bindparam("who"),
        FailedAttempt.kind == bindparam("kind"),
        FailedAttempt.created_at > bindparam("since"),
    )


_BY_REGISTER = _attempts_since(FailedAttempt.register_id)
_BY_EMPLOYEE = _attempts_since(FailedAttempt.employee_id)


def _refuse_if_over(
    db: Session,
    attempts: Select[int, datetime],
    who: uuid.UUID,
    kind: Attempt,
    limit: Limit,
    now: datetime,
    what: str,
) -> None:
    since = now - timedelta(seconds=limit.window_seconds)
    found = run_prepared(db, attempts, {"who": who, "kind": kind.value, "since": since})
    count, oldest = tuple(found.one())
    if count < limit.count or oldest is None:
        return
    retry_after = max(1, math.ceil((oldest - since).total_seconds()))
    minutes = math.ceil(retry_after / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    raise rate_limited(retry_after, f"{what} Try again in {wait}.")


def ensure_allowed(
    db: Session,
    register_id: uuid.UUID,
    kind: Attempt,
    *,
    now: datetime,
    limit: int,
    window_seconds: int,
) -> None:
    """Raise 429 ``rate_limited`` with Retry-After while the register is over its limit."""
    limits = Limit(limit, window_seconds)
    _refuse_if_over(db, _BY_REGISTER, register_id, kind, limits, now, _WHAT[kind])


def ensure_employee_allowed(
    db: Session, caller: EmployeeCaller, kind: Attempt, *, now: datetime, limit: Limit
) -> None:
    """The register's limit, then the employee's: moving to another register does not help."""
    ensure_allowed(
        db,
        caller.register.register_id,
        kind,
        now=now,
        limit=limit.count,
        window_seconds=limit.window_seconds,
    )
    what = _WHAT_EMPLOYEE.get(kind, _WHAT[kind])
    _refuse_if_over(db, _BY_EMPLOYEE, caller.employee_id, kind, limit, now, what)


def rate_limited(retry_after: float, message: str) -> ApiError:
    """429 ``rate_limited`` with the whole seconds to wait (at least 1) in the Retry-After
    header and beside the message."""
    seconds = max(1, math.ceil(retry_after))
    RATE_LIMITED.inc()
    return ApiError(
        429,
        ErrorCode.RATE_LIMITED,
        message,
        headers={"Retry-After": str(seconds)},
        retry_after=seconds,
    )


def record_failure(
    db: Session,
    register_id: uuid.UUID,
    kind: Attempt,
    *,
    now: datetime,
    employee_id: uuid.UUID | None = None,
) -> None:
    """Count one attempt and forget the register's old ones; committed by the caller.

    A limit looks back minutes, so card searches are forgotten after a day; wrong PINs and
    unknown card numbers are also the exceptions report's (per register, over any range of the
    last year and the one before), so they are kept ``REPORTED_FOR``."""
    db.add(
        FailedAttempt(
            register_id=register_id, employee_id=employee_id, kind=kind.value, created_at=now
        )
    )
    reported = [attempt.value for attempt in REPORTED_ATTEMPTS]
    db.execute(
        delete(FailedAttempt).where(
            FailedAttempt.register_id == register_id,
            or_(
                and_(
                    FailedAttempt.kind.not_in(reported),
                    FailedAttempt.created_at < now - LIMITED_FOR,
                ),
                FailedAttempt.created_at < now - REPORTED_FOR,
            ),
        )
    )


@contextmanager
def unknown_cards_counted(
    db: Session, caller: EmployeeCaller, *, now: datetime, limit: Limit
) -> Iterator[None]:
    """Around anything that names a card by number (or by id plus its number, as proof the
    card is present): refused while the register is over its limit, and a card that is not
    found (or whose number is wrong) counts, for good: a ``CommittedRefusal``. So does a
    "blank" card's number that is some card's already: else the sale screen would tell a
    guesser which numbers are real cards."""
    register_id = caller.register.register_id
    ensure_allowed(
        db,
        register_id,
        Attempt.UNKNOWN_CARD,
        now=now,
        limit=limit.count,
        window_seconds=limit.window_seconds,
    )
    try:
        yield
    except (CardNotFound, CardNumberTaken) as exc:
        record_failure(
            db, register_id, Attempt.UNKNOWN_CARD, now=now, employee_id=caller.employee_id
        )
        raise CommittedRefusal.of(exc) from exc
