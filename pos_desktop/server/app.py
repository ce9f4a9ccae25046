"""The FastAPI application of the gift-card ledger server."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from pos_desktop.server.clock import Clock, SystemClock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.errors import install_error_handlers
from pos_desktop.server.routes import (
    activities,
    employees,
    giftcards,
    health,
    registers,
    sessions,
    sync,
)

API_PREFIX = "/api/v1"


def create_app(
    engine: Engine, *, clock: Clock | None = None, config: ServerConfig | None = None
) -> FastAPI:
    """Build the app over a migrated database; the caller owns the engine's lifetime."""
    app = FastAPI(
        title="POS Desktop server",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.clock = clock or SystemClock()
    app.state.config = config or ServerConfig()
    install_error_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    for module in (health, registers, sessions, employees, giftcards, activities, sync):
        api.include_router(module.router)
    app.include_router(api)
    return app
