"""Who is at the register: log in by PIN (at the server, or on the register itself while the
server is away), the current employee and role, lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pos_desktop.contracts import SessionResponse
from pos_desktop.db import catalog
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.pin import validate_pin
from pos_desktop.services.results import ActiveSession, Employee
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerUnreachable

# While the server is away the register itself is what a guesser at the PIN pad talks to (and
# always at the manager-approval pad): it keeps the server's limit (5 wrong PINs in 5 minutes)
# on its own.
OFFLINE_WRONG_PIN_LIMIT = 5
OFFLINE_WRONG_PIN_WINDOW_SECONDS = 300.0
OFFLINE_SESSION = timedelta(hours=12)

NO_VERIFIERS = (
    "No connection to the server. This register has not received its employees yet, so it "
    "cannot check a PIN on its own; log in when the connection is back."
)


class OfflineLogInRefused(DomainError):
    """A PIN checked on the register (the server is away) was wrong, or cannot be checked."""

    code = ErrorCode.WRONG_PIN


class SessionService:
    def __init__(
        self,
        client: ServerClient,
        database: RegisterDatabase | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``database``: the register's copy of the employees, for logging in offline; without
        one, a log-in needs the server."""
        self._client = client
        self._database = database
        self._clock = clock
        # log_in runs on a worker while lock() runs on the GUI thread.
        self._lock = threading.Lock()
        self._session: ActiveSession | None = None
        self.wrong_pins = WrongPinLimit(monotonic)

    @property
    def current(self) -> ActiveSession | None:
        return self._session

    @property
    def employee(self) -> Employee | None:
        session = self._session
        return session.employee if session else None

    def check_pin(self, pin: str) -> str:
        """Refuse a malformed PIN without asking the server (and without using up a try)."""
        return validate_pin(pin)

    def log_in(self, pin: str) -> ActiveSession:
        """Open the session of the employee with this PIN, or raise ``InvalidPin``/a server error.
        With the server away, the PIN is checked against the verifiers this register holds.

        Blocking (network, argon2): presenters call it on a worker."""
        pin = self.check_pin(pin)
        try:
            session = _session_from(self._client.open_session(pin))
        except ServerUnreachable:
            if self._database is None:
                raise
            session = self._log_in_offline(self._database, pin)
        with self._lock:
            self._session = session
        return session

    def still_active(self) -> bool:
        """The logged-in employee has not been deactivated, as far as this register's last pull
        knows (True with nobody logged in, or no register database to ask). Blocking: a
        database read, for a worker."""
        session = self._session
        if session is None or self._database is None:
            return True
        with self._database.session() as db:
            return catalog.employee_active(db, session.employee.id)

    def lock(self) -> None:
        """End the employee's session on this register: the next action needs a PIN again."""
        with self._lock:
            self._session = None
            self._client.forget_session()

    def _log_in_offline(self, database: RegisterDatabase, pin: str) -> ActiveSession:
        over = self.wrong_pins.refusal()
        if over is not None:
            raise OfflineLogInRefused(over)
        with database.session() as db:
            verifiers = catalog.pin_verifiers(db)
        if not verifiers:
            raise OfflineLogInRefused(NO_VERIFIERS)
        verifier = match_pin(verifiers, pin)
        if verifier is None:
            self.wrong_pins.missed()
            raise OfflineLogInRefused("Wrong PIN. Try again.")
        employee = Employee(verifier.employee_id, verifier.name, verifier.role)
        return ActiveSession(employee, self._clock() + OFFLINE_SESSION, offline=True)


def match_pin(verifiers: Iterable[catalog.PinVerifier], pin: str) -> catalog.PinVerifier | None:
    """The employee whose verifier ``pin`` opens, if any. Blocking (argon2): for a worker.

    No look-up key comes to registers (it would make guessing fast), so each verifier is
    tried: about 250 ms each at the server's argon2 profile."""
    hasher = PasswordHasher()
    for verifier in verifiers:
        try:
            hasher.verify(verifier.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            continue
        return verifier
    return None


class WrongPinLimit:
    """The server's limit on wrong PINs (5 in 5 minutes), kept by the register for the PINs it
    checks itself: a log-in while the server is away, a manager's approval. One per register,
    shared by its PIN pads, since a guesser may use any of them. Thread-safe (workers)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._misses: list[float] = []

    def refusal(self) -> str | None:
        """Why no PIN is checked now (too many wrong ones lately); None: PINs are checked."""
        now = self._monotonic()
        since = now - OFFLINE_WRONG_PIN_WINDOW_SECONDS
        with self._lock:
            self._misses = [at for at in self._misses if at > since]
            if len(self._misses) < OFFLINE_WRONG_PIN_LIMIT:
                return None
            wait = OFFLINE_WRONG_PIN_WINDOW_SECONDS - (now - self._misses[0])
        minutes = max(1, round(wait / 60))
        return (
            f"Too many wrong PINs on this register. Try again in {minutes} minute"
            f"{'s' if minutes != 1 else ''}."
        )

    def missed(self) -> None:
        with self._lock:
            self._misses.append(self._monotonic())


def _session_from(response: SessionResponse) -> ActiveSession:
    employee = Employee(
        id=response.employee.id, name=response.employee.name, role=response.employee.role
    )
    return ActiveSession(employee=employee, expires_at=response.expires_at)
