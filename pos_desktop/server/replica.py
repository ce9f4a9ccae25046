"""Where the read-only pages read: a streaming replica when the server has one
(``POS_REPLICA_DATABASE_URL``), else the primary.

The Back Office's card list, the sales report and the exceptions report only read, and a chain
runs them while its registers redeem: on the replica they take nothing from the primary. Money,
the Deduct Funds flow and the reports that keep day sums (liability, gift cards) never read
here. A page read from the replica says how far behind the primary it was
(``replica_lag_ms``): what the primary committed that long before the page was read is in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

# Nothing received that is not replayed yet: the replica is as current as its stream, so 0;
# else the age of the last transaction it replayed.
_LAG_MS = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE coalesce(floor(1000 * extract(epoch FROM"
    " clock_timestamp() - pg_last_xact_replay_timestamp())), 0) END::bigint"
)


@dataclass(frozen=True, slots=True)
class Reading:
    sessions: sessionmaker[Session]
    from_replica: bool

    @contextmanager
    def session(self) -> Iterator[tuple[Session, int | None]]:
        """A session to read in, and the replica's lag in milliseconds when it reads there
        (None: the primary), taken before what the session reads."""
        with self.sessions() as db:
            lag = int(db.execute(_LAG_MS).scalar_one()) if self.from_replica else None
            yield db, lag


async def get_reading(request: Request) -> Reading:
    replica: sessionmaker[Session] | None = request.app.state.replica_session_factory
    if replica is not None:
        return Reading(replica, from_replica=True)
    primary: sessionmaker[Session] = request.app.state.session_factory
    return Reading(primary, from_replica=False)


ReadingDep = Annotated[Reading, Depends(get_reading)]
