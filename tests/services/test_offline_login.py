"""Logging in while the server is away: the PIN is checked against the verifiers the register
pulled, with the server's limit on wrong PINs kept on the register itself."""

from __future__ import annotations

import pytest

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import Employee as EmployeeRow
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.session import (
    NO_VERIFIERS,
    OFFLINE_WRONG_PIN_LIMIT,
    OfflineLogInRefused,
    SessionService,
)
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerUnreachable


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def synced_db(demo_server: EmbeddedServer, register_db: RegisterDatabase) -> RegisterDatabase:
    """A register database that pulled the demo store's employees once."""
    enrolled = demo_server.enroll_local_register("Offline register")
    with ServerClient(demo_server.base_url, enrolled.token) as client:
        CatalogSync(register_db, client).pull_once()
    return register_db


@pytest.fixture
def away(unused_port_url: str) -> ServerClient:
    """A client whose server does not answer: nothing listens on its port."""
    return ServerClient(unused_port_url, "token", timeout=2)


def test_session_offline_log_in_checks_the_pin_on_the_register(
    synced_db: RegisterDatabase, away: ServerClient
) -> None:
    """With the server away, the cashier's PIN opens an offline session as the cashier."""
    session = SessionService(away, synced_db).log_in(CASHIER_PIN)

    assert session.offline
    assert (session.employee.name, session.employee.role) == ("Casey Cashier", "cashier")


def test_session_offline_log_in_knows_the_manager_too(
    synced_db: RegisterDatabase, away: ServerClient
) -> None:
    """Each employee's own verifier decides who logs in."""
    session = SessionService(away, synced_db).log_in(MANAGER_PIN)

    assert session.employee.is_manager


def test_session_offline_wrong_pin_is_refused_and_limited(
    synced_db: RegisterDatabase, away: ServerClient
) -> None:
    """A wrong PIN is refused; after the limit even the right one waits, as at the server."""
    clock = Clock()
    service = SessionService(away, synced_db, monotonic=clock)
    for _ in range(OFFLINE_WRONG_PIN_LIMIT):
        with pytest.raises(OfflineLogInRefused, match="Wrong PIN"):
            service.log_in("4321")

    with pytest.raises(OfflineLogInRefused, match="Too many wrong PINs"):
        service.log_in(CASHIER_PIN)
    clock.now += 301
    assert service.log_in(CASHIER_PIN).offline


def test_session_offline_deactivated_employee_cannot_log_in(
    synced_db: RegisterDatabase, away: ServerClient
) -> None:
    """An employee the store deactivated is not let in offline either."""
    with synced_db.session() as db:
        for row in db.query(EmployeeRow).filter(EmployeeRow.role == "cashier"):
            row.active = False
        db.commit()

    with pytest.raises(OfflineLogInRefused, match="Wrong PIN"):
        SessionService(away, synced_db).log_in(CASHIER_PIN)


def test_session_offline_before_any_sync_says_the_register_has_no_employees(
    register_db: RegisterDatabase, away: ServerClient
) -> None:
    """A register that never reached the server cannot check a PIN, and says why."""
    with pytest.raises(OfflineLogInRefused) as refused:
        SessionService(away, register_db).log_in(CASHIER_PIN)

    assert refused.value.message == NO_VERIFIERS


def test_session_without_a_database_still_needs_the_server(away: ServerClient) -> None:
    """A session service given no register database does not guess: unreachable stays so."""
    with pytest.raises(ServerUnreachable):
        SessionService(away).log_in(CASHIER_PIN)


def test_session_online_log_in_is_not_offline(
    demo_server: EmbeddedServer, synced_db: RegisterDatabase
) -> None:
    """With the server up, the server opens the session as before."""
    enrolled = demo_server.enroll_local_register("Online register")
    with ServerClient(demo_server.base_url, enrolled.token) as client:
        session = SessionService(client, synced_db).log_in(CASHIER_PIN)

    assert not session.offline
