"""The server inside the register process: one machine is a whole store.

Used by ``main.py`` when no ``POS_SERVER_URL`` is set, and by end-to-end tests: migrations,
demo data on first run (unless it serves a real store), uvicorn on 127.0.0.1 in a daemon
thread, and the mail sender in another.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import uvicorn
from sqlalchemy import Engine, select

from pos_desktop import contracts as c
from pos_desktop.server.app import create_app
from pos_desktop.server.clock import Clock, SystemClock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_engine, make_session_factory, migrate
from pos_desktop.server.demo import has_demo_data, seed_demo_data
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.mail.sender import MailSender, sender_for
from pos_desktop.server.models import Register, Store
from pos_desktop.server.provisioning import create_enroll_code, enroll_register, the_store
from pos_desktop.server.security import digest

log = logging.getLogger(__name__)

_START_TIMEOUT_SECONDS = 20.0
_MAIL_STOP_SECONDS = 5.0


def prepare_database(engine: Engine, clock: Clock, keys: ServerKeys, *, demo: bool = True) -> None:
    """Migrate, and with ``demo`` seed the demo store when the database has no store yet."""
    migrate(engine, keys)
    if not demo:
        return
    with make_session_factory(engine)() as db:
        if db.execute(select(Store.id).limit(1)).first() is not None:
            return
        seed_demo_data(db, keys, clock.now())
        db.commit()
    log.info("demo data created")


class EmbeddedServer:
    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        config: ServerConfig | None = None,
        data_dir: Path | None = None,
        demo: bool = True,
        keys: ServerKeys | None = None,
    ) -> None:
        """``data_dir`` holds the server key and, with no SMTP server set, the outbox of .eml
        files; without it (tests, benches) the key is this run's own and mail stays queued.
        ``keys``: the key the database was sealed with, when it comes from elsewhere (a test's
        copy of a prepared database); by default the data folder's, else this run's own.
        ``demo``: seed the demo store into an empty database; False for a real store, which
        the first start created (``pos_desktop.startup.create_new_store``)."""
        self.database_url = database_url
        self.clock = clock or SystemClock()
        self.config = config or ServerConfig()
        self.data_dir = data_dir
        self.demo = demo
        self.keys = keys
        self.base_url = ""
        self._engine: Engine | None = None
        self._mail_sender: MailSender | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the embedded server is not started")
        return self._engine

    def start(self, port: int = 0) -> None:
        """Serve on ``port`` of loopback (0: any free one)."""
        self._engine = make_engine(self.database_url)
        keys = self.keys
        if keys is None:
            keys = (
                ServerKeys.in_folder(self.data_dir)
                if self.data_dir is not None
                else ServerKeys.for_this_run()
            )
        prepare_database(self._engine, self.clock, keys, demo=self.demo)
        app = create_app(self._engine, clock=self.clock, config=self.config, keys=keys)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="embedded-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.01)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        log.info("embedded server on %s (%s)", self.base_url, self.database_url)
        if self.data_dir is not None:
            # Its own thread: the register's start-up never waits on a mail server.
            self._mail_sender = sender_for(
                self._engine,
                self.data_dir,
                clock=self.clock,
                sealer=keys.mail,
                config=self.config.mail,
            )
            self._mail_sender.start()

    def serves_demo_store(self) -> bool:
        """Whether the database holds the demo store (a started server)."""
        with make_session_factory(self.engine)() as db:
            return has_demo_data(db)

    def knows_register(self, token: str) -> bool:
        """Whether ``token`` is an enrolled register's that no manager revoked: False when the
        database was deleted or replaced since the token was saved. Read from the database
        in this process: asking over HTTP cost the register a third of its start."""
        with make_session_factory(self.engine)() as db:
            revoked = db.execute(
                select(Register.revoked_at).where(Register.token_hash == digest(token))
            ).first()
        return revoked is not None and revoked.revoked_at is None

    def enroll_local_register(self, name: str) -> c.EnrollResponse:
        """Give this machine's register a token directly, as if a manager had made a code."""
        now = self.clock.now()
        with make_session_factory(self.engine)() as db:
            store = the_store(db)
            _, code = create_enroll_code(db, store.id, None, now, timedelta(minutes=1))
            register_id, token = enroll_register(db, code, name, now)
            db.commit()
        return c.EnrollResponse(register_id=register_id, token=token)

    def stop(self) -> None:
        if self._mail_sender is not None:
            # Quitting the register waits this long at most for a message in hand; one left
            # unrecorded goes again once its claim runs out.
            self._mail_sender.stop(timeout=_MAIL_STOP_SECONDS)
            self._mail_sender = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._engine is not None:
            self._engine.dispose()
        self._server = self._thread = self._engine = None
