"""What an operator's Prometheus scrapes at ``GET /metrics``: requests by route and status with
their latency, value moves and their amounts, idempotent replays, rate-limit refusals, the
database pool's connections in use, and the mail outbox.

Counted in each server process; ``serve --workers N`` (N > 1) gives its workers a folder
(``PROMETHEUS_MULTIPROC_DIR``, set before they start) where each keeps its figures, and a
scrape of any worker sums them all. The outbox is read from the database at each scrape, so
every server of the chain reports the same queue.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.server.errors import forbidden, unauthorized
from pos_desktop.server.models import MailOutbox

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "pos_http_requests",
    "HTTP requests answered, by route and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "pos_http_request_seconds",
    "Time to answer an HTTP request, by route",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
)
VALUE_MOVES = Counter(
    "pos_value_moves", "Moves of value on gift cards (redeem, issue, load, refund, ...)", ["what"]
)
VALUE_MOVED = Counter(
    "pos_value_moved_minor_units",
    "Value moved on or off gift cards, in minor units (an adjustment down counts as its size),"
    " by kind and currency",
    ["what", "currency"],
)
REPLAYS = Counter(
    "pos_idempotent_replays", "Requests answered from an Idempotency-Key's stored answer"
)
RATE_LIMITED = Counter("pos_rate_limited", "Requests refused with 429 rate_limited")
POOL_IN_USE = Gauge(
    "pos_db_pool_connections_in_use",
    "Database connections checked out of the servers' pools",
    multiprocess_mode="livesum",
)


def count_request(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered (``request_log.RequestLog`` calls it for each)."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def _checked_out(*_: object) -> None:
    POOL_IN_USE.inc()


def _checked_in(*_: object) -> None:
    POOL_IN_USE.dec()


def watch_pool(engine: Engine) -> None:
    """Count the engine's connections in use as the pool hands them out and takes them back
    (once per engine, however many apps serve it)."""
    if not event.contains(engine, "checkout", _checked_out):
        event.listen(engine, "checkout", _checked_out)
        event.listen(engine, "checkin", _checked_in)


class _Outbox(Collector):
    """The mail outbox as the database holds it at the scrape."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # As the senders read the outbox (server.mail.sender): given up is tried, not sent
        # and not due again; the rest not sent is due now or later.
        unsent = MailOutbox.sent_at.is_(None)
        abandoned = MailOutbox.next_attempt_at.is_(None) & (MailOutbox.attempts > 0)
        waiting = select(func.count()).where(unsent, ~abandoned)
        given_up = select(func.count()).where(unsent, abandoned)
        with self.sessions() as db:
            queued, failed = db.execute(
                select(waiting.scalar_subquery(), given_up.scalar_subquery())
            ).one()
        yield GaugeMetricFamily("pos_mail_queued", "Mail waiting to be delivered", value=queued)
        yield GaugeMetricFamily(
            "pos_mail_given_up", "Mail the senders gave up on (see mail_attempts)", value=failed
        )


LOOPBACK = frozenset({"127.0.0.1", "::1"})
ONLY_HERE_MESSAGE = "Metrics are for this machine only, unless the server has a metrics token."
SCRAPE_REFUSED_MESSAGE = "Send the server's metrics token as a bearer token to read its metrics."


def ensure_may_scrape(token: str | None, client_host: str | None, authorization: str) -> None:
    """Refuse a scrape that sends no (or the wrong) metrics token when the server has one,
    or that comes from another machine when it has none."""
    if token is None:
        if client_host not in LOOPBACK:
            raise forbidden(ONLY_HERE_MESSAGE)
        return
    if not hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        raise unauthorized(SCRAPE_REFUSED_MESSAGE)


def scrape(sessions: sessionmaker[Session]) -> tuple[bytes, str]:
    """The whole exposition: this process's figures (or every worker's), then the outbox."""
    if os.environ.get(MULTIPROCESS_DIR):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)  # type: ignore[no-untyped-call]  # untyped upstream
    else:
        counted = REGISTRY
    outbox = CollectorRegistry()
    outbox.register(_Outbox(sessions))
    return generate_latest(counted) + generate_latest(outbox), CONTENT_TYPE_LATEST
