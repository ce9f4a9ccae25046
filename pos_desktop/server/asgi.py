"""ASGI entry for ``uvicorn --factory``: the database comes from ``POS_DATABASE_URL``."""

from __future__ import annotations

import os

from fastapi import FastAPI

from pos_desktop.config import Settings
from pos_desktop.server.app import create_app
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_engine


def create_from_environment() -> FastAPI:
    settings = Settings()
    config = ServerConfig(
        session_ttl_seconds=settings.session_ttl_seconds, worker_threads=settings.server_threads
    )
    return create_app(make_engine(os.environ["POS_DATABASE_URL"]), config=config)
