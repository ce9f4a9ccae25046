"""Guessing limits read inside the transaction that counts: what it wrote counts at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import FailedAttempt, Register
from pos_desktop.server.ratelimit import Attempt, ensure_allowed
from tests.fixtures.server_world import World


def test_attempt_limit_counts_an_attempt_the_session_has_not_written_yet(world: World) -> None:
    """An unknown card added to the session and not yet flushed is counted by the limit's
    check, as the session's own queries would count it: one allowed, the next refused."""
    now = world.clock.now()
    with make_session_factory(world.engine)() as db:
        register_id = db.execute(select(Register.id)).scalars().first()
        assert register_id is not None
        ensure_allowed(db, register_id, Attempt.UNKNOWN_CARD, now=now, limit=1, window_seconds=60)
        db.add(
            FailedAttempt(register_id=register_id, kind=Attempt.UNKNOWN_CARD.value, created_at=now)
        )
        with pytest.raises(ApiError) as refused:
            ensure_allowed(
                db, register_id, Attempt.UNKNOWN_CARD, now=now, limit=1, window_seconds=60
            )
        assert refused.value.status == 429
