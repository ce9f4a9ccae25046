"""Connect this register: its settings, its server (embedded or remote), its token, its
database, its services and its sync loop.

Everything here may take seconds (imports, migrations, an embedded server starting, a first
request), so ``main.build()`` runs it on a thread while the login screen is already drawn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pos_desktop.config import Settings
from pos_desktop.contracts import EnrollResponse
from pos_desktop.db.catalog import CatalogChange
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.services.first_start import (
    SERVER_DATABASE_FILE,
    StoreKind,
    folder_choice,
)
from pos_desktop.services.register_services import RegisterServices, utc_now
from pos_desktop.services.results import DeviceSettings
from pos_desktop.sync.background import SyncLoop
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.credentials import (
    RegisterCredentials,
    credentials_path,
    embedded_issuer,
    load_credentials,
    save_credentials,
)
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from pos_desktop.sync.relay import OutboxRelay

if TYPE_CHECKING:
    from hardware.scanner_settings import ScannerSettings
    from pos_desktop.server.embedded import EmbeddedServer

log = logging.getLogger("pos_desktop.startup")


class SetupError(Exception):
    """The register cannot start; the message says what to do about it."""


@dataclass
class Backend:
    """The server this register talks to, and how to let go of it on quit."""

    client: ServerClient
    demo: bool
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` at close; closers run last-in, first-out."""
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:
                log.exception("error while shutting down")


def _embedded_backend(settings: Settings, kind: StoreKind | None) -> Backend:
    """The embedded server: with the demo store (DEMO), with the store the first start created
    in the data folder (NEW), or with no answer saved, whichever store its database holds (the
    demo store, seeded into a database without one)."""
    # Imported here: a register pointed at a chain server never loads the server's code.
    from pos_desktop.server.config import ServerConfig
    from pos_desktop.server.embedded import EmbeddedServer

    if kind is StoreKind.NEW and not (settings.data_dir / SERVER_DATABASE_FILE).exists():
        # Starting anyway would make an empty store that nobody can log in to.
        raise SetupError(
            f"The store's database ({SERVER_DATABASE_FILE}) is missing from {settings.data_dir}. "
            "Put back its backup, or remove store.json there to set the register up again."
        )
    database_url = settings.embedded_database_url()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(
        database_url,
        config=ServerConfig.from_settings(settings),
        data_dir=settings.data_dir,
        demo=kind is not StoreKind.NEW,
    )
    server.start()
    try:
        # A store of its own that lost its store.json is not labelled DEMO on its receipts.
        demo = server.serves_demo_store() if kind is None else kind is StoreKind.DEMO
        token = _embedded_token(server, settings, database_url)
    except BaseException:
        server.stop()
        raise
    client = ServerClient(server.base_url, token)
    backend = Backend(client=client, demo=demo)
    backend.on_close(server.stop)
    backend.on_close(client.close)
    return backend


def _embedded_token(server: EmbeddedServer, settings: Settings, database_url: str) -> str:
    issuer = embedded_issuer(database_url)
    path = credentials_path(settings.data_dir)
    saved = load_credentials(path, issuer)
    if saved is not None and server.knows_register(saved.token):
        log.info("reusing register %s", saved.register_id)
        return saved.token
    if saved is not None:
        log.warning("saved register token is unknown to the embedded database; enrolling again")
    enrolled = server.enroll_local_register(settings.register_name)
    _save(path, issuer, enrolled)
    return enrolled.token


def _remote_backend(settings: Settings, server_url: str) -> Backend:
    path = credentials_path(settings.data_dir)
    saved = load_credentials(path, server_url)
    client = ServerClient(server_url, saved.token if saved else None)
    if saved is None:
        if not settings.enroll_code:
            client.close()
            raise SetupError(
                f"This register is not enrolled with {server_url}. Ask a manager for an enroll "
                "code (`./dev server enroll-code` on the server) and start the register with "
                "POS_ENROLL_CODE set to it."
            )
        try:
            enrolled = client.enroll(settings.enroll_code, settings.register_name)
        except ServerUnreachable as exc:
            client.close()
            raise SetupError(
                f"No connection to the server at {server_url}. Check the address and the network."
            ) from exc
        except ServerError as exc:
            client.close()
            raise SetupError(f"The server refused to enroll this register: {exc.message}") from exc
        _save(path, server_url, enrolled)
        log.info("enrolled as register %s", enrolled.register_id)
    backend = Backend(client=client, demo=False)
    backend.on_close(client.close)
    return backend


def _save(path: Path, server: str, enrolled: EnrollResponse) -> None:
    save_credentials(
        path,
        RegisterCredentials(server=server, register_id=enrolled.register_id, token=enrolled.token),
    )


def connect_backend(settings: Settings) -> Backend:
    """POS_SERVER_URL first; else what the data folder says (``folder_choice``); a folder
    without an answer (POS_DEMO, or one from before the question) runs the embedded server
    with the store its database holds, the demo store in a new folder."""
    if settings.server_url:
        return _remote_backend(settings, settings.server_url)
    choice = folder_choice(settings.data_dir)
    if choice is None:
        return _embedded_backend(settings, None)
    if choice.kind is StoreKind.SERVER and choice.server_url:
        return _remote_backend(settings, choice.server_url)
    return _embedded_backend(settings, choice.kind)


@dataclass
class Register:
    """A connected register: what its screens use, and how to let go of it all."""

    services: RegisterServices
    demo: bool
    close: Callable[[], None]
    # Starts the sync loop, once the window has its screens: its first round (a push and a
    # catalog pull, through the embedded server in this process) would hold up building them.
    start_sync: Callable[[], None]
    # The serial scanner to read (stored settings, else POS_SCANNER_*); None: none.
    scanner: ScannerSettings | None = None


def _scanner(devices: DeviceSettings) -> ScannerSettings | None:
    """The serial scanner to read at start, or None (none set, or a setting it cannot use:
    the keyboard-wedge scanner still works, and the log says why)."""
    try:
        return devices.scanner()
    except ValueError as exc:
        log.error("serial scanner on %s not started: %s", devices.scanner_port, exc)
        return None


def start_register(
    settings: Settings,
    on_catalog_changed: Callable[[CatalogChange], None],
    on_waiting: Callable[[int], None] | None = None,
) -> Register:
    """Connect, open the database, ready the sync loop (``Register.start_sync`` starts it).
    ``on_catalog_changed`` runs on the sync thread after a pull changed the catalog or the
    store's settings; ``on_waiting`` there too, after every push, with the number of tickets
    still waiting to reach the server."""
    backend = connect_backend(settings)
    try:
        database = RegisterDatabase.in_folder(settings.data_dir)
        backend.on_close(database.close)
        relay = OutboxRelay(database, backend.client, utc_now)
        sync = SyncLoop(
            relay,
            CatalogSync(database, backend.client),
            interval_seconds=settings.sync_interval_seconds,
            on_catalog_changed=on_catalog_changed,
            after_push=(lambda: on_waiting(relay.waiting())) if on_waiting else None,
        )
        services = RegisterServices.over(
            backend.client,
            database,
            settings.data_dir,
            register_name=settings.register_name,
            on_ticket_finished=sync.wake,
            device_defaults=DeviceSettings.from_settings(settings),
        )
        # Stored device settings win over the environment, which is their default.
        devices = services.devices.load()
        backend.on_close(services.devices.close)  # runs before the database closes
        services.devices.apply_printer(devices)

        def stop_sync() -> None:
            if not sync.stop():
                log.warning("the sync loop was still running at shutdown")

        services.receipts.demo = backend.demo
        # Stopped before the client closes.
        backend.on_close(stop_sync)
    except BaseException:
        backend.close()
        raise
    return Register(
        services=services,
        demo=backend.demo,
        close=backend.close,
        start_sync=sync.start,
        scanner=_scanner(devices),
    )
