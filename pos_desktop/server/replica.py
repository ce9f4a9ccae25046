"""Where the read-only pages read: a streaming replica when the server has one
(``POS_REPLICA_DATABASE_URL``), else the primary.

The Back Office's card list, the sales report and the exceptions report only read, and a chain
runs them while its registers redeem: on the replica they take nothing from the primary. Money,
the Deduct Funds flow and the reports that keep day sums (liability, gift cards) never read
here. A page read from the replica says how far behind the primary it was
(``replica_lag_ms``): what the primary committed that long before the page was read is in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

# Streaming, with nothing received that is not replayed yet: as current as the stream, so 0.
# Else the age of the last transaction replayed: all the primary committed before it is here.
# NULL when it cannot say (nothing replayed, or no replica at all): then the primary is read.
_LAG_MS = text(
    "SELECT CASE WHEN EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')"
    " AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE floor(1000 * extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()))"
    " END::bigint"
)


@dataclass(frozen=True, slots=True)
class Reading:
    primary: sessionmaker[Session]
    replica: sessionmaker[Session] | None

    @contextmanager
    def session(self) -> Iterator[tuple[Session, int | None]]:
        """A session to read in, and the replica's lag in milliseconds when it reads there,
        taken before what the session reads. The primary (lag None) when there is no replica,
        or it is out of reach, or it cannot say how far behind it is: a page a little slower
        rather than none, or one staler than it says."""
        if self.replica is not None:
            with self.replica() as db:
                lag = _lag_ms(db)
                if lag is not None:
                    yield db, lag
                    return
        with self.primary() as db:
            yield db, None


def _lag_ms(db: Session) -> int | None:
    try:
        lag = db.execute(_LAG_MS).scalar_one()
    except DBAPIError as exc:
        log.warning("the replica cannot be read, reading the primary instead: %s", exc)
        return None
    if lag is None:
        log.warning("the replica cannot say how far behind it is, reading the primary instead")
        return None
    return int(lag)


async def get_reading(request: Request) -> Reading:
    return Reading(request.app.state.session_factory, request.app.state.replica_session_factory)


ReadingDep = Annotated[Reading, Depends(get_reading)]
