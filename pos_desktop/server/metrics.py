"""What an operator's Prometheus scrapes at ``GET /metrics``: requests by route and status with
their latency, value moves and their amounts, idempotent replays, rate-limit refusals, the
database pool's connections in use, and the mail outbox.

Counted in each server process; ``serve --workers N`` (N > 1) gives its workers a folder
(``PROMETHEUS_MULTIPROC_DIR``, set before they start) where each keeps its figures, and a
scrape of any worker sums them all. The outbox is read from the database at each scrape, so
every server of the chain reports the same queue.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from time import perf_counter
from typing import Any

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
    "Value moved on gift cards, in minor units, by kind and currency",
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

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class RequestMetrics:
    """ASGI middleware: each HTTP request counted by its route's template (never its ids) and
    status, and timed."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = _template(scope)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(perf_counter() - started)


def _template(scope: MutableMapping[str, Any]) -> str:
    """The matched route's path with its parameters' names for their values
    (``/api/v1/giftcards/{card_id}/redeem``); "unmatched" when no route took the request, so
    that paths nobody serves cannot grow the labels without end."""
    if scope.get("route") is None:
        return "unmatched"
    names = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join(
        f"{{{names[part]}}}" if part in names else part for part in scope["path"].split("/")
    )


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
