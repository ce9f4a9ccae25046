"""The FastAPI application of the gift-card ledger server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine

from pos_desktop.contracts import ErrorBody
from pos_desktop.server.body_limit import BodyLimitMiddleware
from pos_desktop.server.clock import Clock, SystemClock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.deps import install_caller_caches
from pos_desktop.server.errors import install_error_handlers
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.metrics import ensure_may_scrape, scrape, watch_pool
from pos_desktop.server.request_log import RequestLog
from pos_desktop.server.routes import (
    activities,
    backoffice_catalog,
    backoffice_giftcards,
    backoffice_registers,
    backoffice_reports,
    backoffice_staff,
    backoffice_store,
    card_admin,
    card_loads,
    deductions,
    employees,
    giftcard_delivery,
    giftcards,
    health,
    refunds,
    registers,
    sessions,
    sync,
)

API_PREFIX = "/api/v1"


def create_app(
    engine: Engine,
    *,
    clock: Clock | None = None,
    config: ServerConfig | None = None,
    keys: ServerKeys | None = None,
    replica: Engine | None = None,
) -> FastAPI:
    """Build the app over a migrated database; the caller owns the engines' lifetime.

    ``replica``: a streaming replica of it, where the read-only pages read (``replica``).

    ``keys``: the server key (card numbers, sealed mail, code hashes); without one, a key of
    this run's own, which suits only a database that lives no longer than the process.
    """
    config = config or ServerConfig()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Fewer worker threads than anyio's 40: on a few cores, extra threads only queue for
        # the GIL while holding database connections and row locks, which stretches latency.
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.worker_threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="POS Desktop server",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.session_factory = make_session_factory(engine)
    app.state.replica_session_factory = make_session_factory(replica) if replica else None
    app.state.clock = clock or SystemClock()
    app.state.config = config
    app.state.keys = keys or ServerKeys.for_this_run()
    install_caller_caches(app, config.auth_cache_seconds)
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestLog)
    watch_pool(engine)

    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)

    # Every route may answer with the contract's error shape; say so in the OpenAPI document
    # (this also replaces FastAPI's own {"detail": ...} schema for 422).
    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody, "description": "Refused: see error.code and error.message"}
        for status in (401, 403, 404, 409, 422, 429)
    }
    # Each module's router straight into the app: through a router of their own, FastAPI
    # would work out every route's dependencies once more.
    for module in (
        health,
        registers,
        sessions,
        employees,
        # Before giftcards: its catch-all /{card_id}/{action} would take these paths.
        giftcard_delivery,
        giftcards,
        card_admin,
        card_loads,
        refunds,
        deductions,
        activities,
        sync,
        backoffice_store,
        backoffice_staff,
        backoffice_registers,
        backoffice_reports,
        backoffice_catalog,
        backoffice_giftcards,
    ):
        app.include_router(module.router, prefix=API_PREFIX, responses=errors)
    return app


# Not a closure over the app: FastAPI caches what it learns of each endpoint, keyed by the
# function (4,096 of them), so a closure would keep every app a process ever made alive with
# it, and a test run makes hundreds: their full garbage collections stalled it for seconds.
def _metrics(request: Request) -> Response:
    """Prometheus' scrape (``server.metrics``): for the operator, not the registers."""
    client = request.client.host if request.client else None
    authorization = request.headers.get("authorization", "")
    ensure_may_scrape(request.app.state.config.metrics_token, client, authorization)
    content, media_type = scrape(request.app.state.session_factory)
    return Response(content, media_type=media_type)
