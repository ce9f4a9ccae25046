"""Per-register limits on wrong PINs and unknown card numbers.

Failures are rows in the database, not counters in memory, so the limit holds across every
server process behind a load balancer.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import FailedAttempt


class Attempt(StrEnum):
    WRONG_PIN = "wrong_pin"
    UNKNOWN_CARD = "unknown_card"


_WHAT = {
    Attempt.WRONG_PIN: "Too many wrong PINs on this register.",
    Attempt.UNKNOWN_CARD: "Too many unknown card numbers on this register.",
}


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
    since = now - timedelta(seconds=window_seconds)
    count, oldest = db.execute(
        select(func.count(), func.min(FailedAttempt.created_at)).where(
            FailedAttempt.register_id == register_id,
            FailedAttempt.kind == kind.value,
            FailedAttempt.created_at > since,
        )
    ).one()
    if count < limit or oldest is None:
        return
    retry_after = max(1, math.ceil((oldest - since).total_seconds()))
    minutes = math.ceil(retry_after / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    raise rate_limited(retry_after, f"{_WHAT[kind]} Try again in {wait}.")


def rate_limited(retry_after: float, message: str) -> ApiError:
    """429 ``rate_limited`` with the whole seconds to wait (at least 1) in the Retry-After
    header and beside the message."""
    seconds = max(1, math.ceil(retry_after))
    return ApiError(
        429,
        "rate_limited",
        message,
        headers={"Retry-After": str(seconds)},
        retry_after=seconds,
    )


def record_failure(db: Session, register_id: uuid.UUID, kind: Attempt, *, now: datetime) -> None:
    """Count one failure and forget those older than a day; committed by the caller."""
    db.add(FailedAttempt(register_id=register_id, kind=kind.value, created_at=now))
    db.execute(
        delete(FailedAttempt).where(
            FailedAttempt.register_id == register_id,
            FailedAttempt.created_at < now - timedelta(days=1),
        )
    )
