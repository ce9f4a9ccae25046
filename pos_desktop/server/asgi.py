"""ASGI entry for ``uvicorn --factory``: the database comes from ``POS_DATABASE_URL``."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from pos_desktop.config import Settings
from pos_desktop.server.app import create_app
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_engine


def create_from_environment() -> FastAPI:
    settings = Settings()
    if not settings.database_url:
        raise SystemExit("error: set POS_DATABASE_URL to the server's database")
    app = create_app(
        make_engine(settings.database_url), config=ServerConfig.from_settings(settings)
    )
    # A server process keeps what it built at start-up for its whole life: keep it out of the
    # collector's full passes, which otherwise show up as latency spikes under load. Here and
    # not in the app: the embedded server shares the register's process.
    gc.freeze()
    return app
