"""ASGI entry for ``uvicorn --factory``: the database comes from ``POS_DATABASE_URL``."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from pos_desktop.config import Settings
from pos_desktop.server.app import create_app
from pos_desktop.server.clock import SystemClock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_engine
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.logs import configure_logging
from pos_desktop.server.mail.sender import MailSender, sender_for


def create_from_environment() -> FastAPI:
    configure_logging()
    settings = Settings()
    if not settings.database_url:
        raise SystemExit("error: set POS_DATABASE_URL to the server's database")
    engine = make_engine(
        settings.database_url, transaction_pooling=settings.database_transaction_pooling
    )
    replica = make_engine(settings.replica_database_url) if settings.replica_database_url else None
    config = ServerConfig.from_settings(settings)
    clock = SystemClock()
    # Every worker and every server of the store reads the same key file, so any of them can
    # read the card numbers and send the mail another wrote.
    keys = ServerKeys.in_folder(settings.data_dir)
    app = create_app(engine, clock=clock, config=config, keys=keys, replica=replica)
    run_beside(
        app,
        sender_for(engine, settings.data_dir, clock=clock, sealer=keys.mail, config=config.mail),
    )
    # A server process keeps what it built at start-up for its whole life: keep it out of the
    # collector's full passes, which otherwise show up as latency spikes under load. Here and
    # not in the app: the embedded server shares the register's process.
    gc.freeze()
    return app


def run_beside(app: FastAPI, sender: MailSender) -> None:
    """Run ``sender`` while ``app`` serves: started after the app's own start-up, stopped at
    its shutdown. Each worker process runs one; they never take the same message."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[Any]:
        async with inner(served) as state:
            sender.start()
            try:
                yield state
            finally:
                # stop() joins the thread, which may be finishing an SMTP exchange: not on
                # the event loop.
                await anyio.to_thread.run_sync(sender.stop)

    app.router.lifespan_context = lifespan
