"""Typed request dependencies: the session factory and who is calling.

FastAPI runs sync work in worker-thread hops. Nothing may hold a pooled connection (or
SQLite's write lock) across hops, or requests waiting for a thread would starve requests
waiting for a connection: a look-up here opens and closes its own short session, and
endpoints open theirs with ``with sessions() as db:`` inside their own thread.

Who is calling is remembered for a few seconds (``TtlCache``), so a busy register does not
pay a thread hop and a query per request to prove the same token again. Expiry is still
checked on every request. A Back Office change to a register, an employee or the store
forgets every remembered caller of this process at once (``forget_callers``); other worker
processes refuse a revoked register or deactivated employee once their entry ages out.

Each look-up also notes when the register was last seen, its app version and how many finished
tickets it has not pushed yet (its outbox), written at most once a minute per register, or
sooner when the version or that count changed, so a busy store does not write on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from pos_desktop.domain.roles import reads_chain
from pos_desktop.server.clock import Clock
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller, RegisterCaller, StoreInfo
from pos_desktop.server.errors import forbidden, unauthorized
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.models import Employee, EmployeeSession, Register, Store
from pos_desktop.server.security import digest
from pos_desktop.server.ttl_cache import TtlCache


async def get_sessions(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


async def get_keys(request: Request) -> ServerKeys:
    keys: ServerKeys = request.app.state.keys
    return keys


# A text query parameter's pattern: PostgreSQL text cannot hold NUL, so a NUL is a 422 here
# rather than a failure at the database.
WITHOUT_NUL = r"^[^\x00]*$"

SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
KeysDep = Annotated[ServerKeys, Depends(get_keys)]
ClockDep = Annotated[Clock, Depends(get_clock)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]
RegisterToken = Annotated[str | None, Header(alias="X-Register-Token", max_length=256)]
AppVersion = Annotated[str | None, Header(alias="X-POS-Version", max_length=40)]
# Text of any length, not int: a malformed count is ignored rather than refusing the
# register's request.
OutboxCount = Annotated[str | None, Header(alias="X-POS-Outbox")]
Authorization = Annotated[str | None, Header(max_length=512)]


def store_info(store: Store) -> StoreInfo:
    return StoreInfo(
        id=store.id,
        name=store.name,
        currency=store.currency,
        max_card_amount=store.max_card_amount,
        min_card_amount=store.min_card_amount,
        giftcard_pays_giftcard=store.giftcard_pays_giftcard,
        cash_out_below=store.cash_out_below,
    )


def _register_token_hash(token: str | None) -> str:
    if not token:
        raise unauthorized("This register sent no token (X-Register-Token).")
    return digest(token)


def _register_query(token_hash: str) -> Select[Register, Store]:
    return (
        select(Register, Store)
        .join(Store, Store.id == Register.store_id)
        .where(Register.token_hash == token_hash)
    )


REVOKED_MESSAGE = "A manager revoked this register. Enroll it again with a new code."
SEEN_EVERY = timedelta(minutes=1)
# More tickets than a register could ever hold: a longer count is not believed.
MAX_TICKETS_WAITING_DIGITS = 8


def tickets_waiting(header: str | None) -> int | None:
    """The register's count of unpushed tickets (``X-POS-Outbox``), or None when it sent none
    or something that is not a count."""
    text = (header or "").strip()
    if not (text.isascii() and text.isdecimal() and len(text) <= MAX_TICKETS_WAITING_DIGITS):
        return None
    return int(text)


@dataclass(frozen=True, slots=True)
class _Seen:
    """When the request came, the app version its register sent (``X-POS-Version``) and how
    many tickets wait in its outbox (``X-POS-Outbox``)."""

    now: datetime
    app_version: str | None
    tickets_waiting: int | None


def _note_seen(db: Session, register: Register, seen: _Seen) -> None:
    """Record the register as seen, unless it was within the last minute with this version
    and this many tickets waiting."""
    if (
        register.last_seen_at is not None
        and register.last_seen_at > seen.now - SEEN_EVERY
        and (seen.app_version is None or seen.app_version == register.app_version)
        and (seen.tickets_waiting is None or seen.tickets_waiting == register.tickets_waiting)
    ):
        return
    values: dict[str, object] = {"last_seen_at": seen.now}
    due = [Register.last_seen_at.is_(None), Register.last_seen_at <= seen.now - SEEN_EVERY]
    if seen.app_version is not None:
        values["app_version"] = seen.app_version
        due.append(Register.app_version.is_distinct_from(seen.app_version))
    if seen.tickets_waiting is not None:
        values["tickets_waiting"] = seen.tickets_waiting
        due.append(Register.tickets_waiting.is_distinct_from(seen.tickets_waiting))
    # Conditional, so two workers noting the same register in the same minute write once.
    db.execute(update(Register).where(Register.id == register.id, or_(*due)).values(**values))
    db.commit()


def _enrolled(register: Register) -> None:
    if register.revoked_at is not None:
        raise unauthorized(REVOKED_MESSAGE)


def _load_register(sessions: sessionmaker[Session], token_hash: str, seen: _Seen) -> RegisterCaller:
    with sessions() as db:
        row = db.execute(_register_query(token_hash)).first()
        if row is None:
            raise unauthorized()
        register, store = row
        _enrolled(register)
        caller = RegisterCaller(register.id, register.name, store_info(store))
        _note_seen(db, register, seen)
    return caller


async def current_register(
    request: Request,
    sessions: SessionsDep,
    clock: ClockDep,
    x_register_token: RegisterToken = None,
    x_pos_version: AppVersion = None,
    x_pos_outbox: OutboxCount = None,
) -> RegisterCaller:
    token_hash = _register_token_hash(x_register_token)
    cache: TtlCache[str, RegisterCaller] = request.app.state.register_cache
    caller = cache.get(token_hash)
    if caller is None:
        seen = _Seen(clock.now(), x_pos_version, tickets_waiting(x_pos_outbox))
        caller = await run_in_threadpool(_load_register, sessions, token_hash, seen)
        cache.put(token_hash, caller)
    return caller


RegisterDep = Annotated[RegisterCaller, Depends(current_register)]


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Log in with your PIN first.")
    return token.strip()


@dataclass(frozen=True, slots=True)
class _SessionFacts:
    caller: EmployeeCaller
    expires_at: datetime


DEACTIVATED_MESSAGE = "A manager deactivated this employee. Ask a manager."


def _load_employee(
    sessions: sessionmaker[Session], register_hash: str, session_hash: str, seen: _Seen
) -> _SessionFacts:
    """The register and the employee logged in on it, found in one query."""
    with sessions() as db:
        row = db.execute(
            _register_query(register_hash)
            .add_columns(EmployeeSession.expires_at, Employee)
            .outerjoin(
                EmployeeSession,
                (EmployeeSession.register_id == Register.id)
                & (EmployeeSession.token_hash == session_hash),
            )
            .outerjoin(Employee, Employee.id == EmployeeSession.employee_id)
        ).first()
        if row is None:
            raise unauthorized()
        register, store, expires_at, employee = row
        _enrolled(register)
        if employee is None:
            raise unauthorized("Your session is not valid. Log in with your PIN again.")
        if not employee.active:
            raise unauthorized(DEACTIVATED_MESSAGE)
        caller = RegisterCaller(register.id, register.name, store_info(store))
        employee_caller = EmployeeCaller(caller, employee.id, employee.name, employee.role)
        _note_seen(db, register, seen)
    return _SessionFacts(employee_caller, expires_at)


def install_caller_caches(app: FastAPI, seconds: float) -> None:
    app.state.register_cache = TtlCache[str, RegisterCaller](seconds)
    app.state.session_cache = TtlCache[tuple[str, str], _SessionFacts](seconds)


def caller_session_hash(request: Request) -> str:
    """Which session the (already proven) employee calling uses, as the sessions table keys it."""
    return digest(_bearer(request.headers.get("authorization")))


def forget_callers(request: Request) -> None:
    """After a Back Office change to who may call (a register, an employee, the store): this
    process proves every caller again at their next request."""
    request.app.state.register_cache.clear()
    request.app.state.session_cache.clear()


async def current_employee(
    request: Request,
    sessions: SessionsDep,
    clock: ClockDep,
    x_register_token: RegisterToken = None,
    authorization: Authorization = None,
    x_pos_version: AppVersion = None,
    x_pos_outbox: OutboxCount = None,
) -> EmployeeCaller:
    key = (_register_token_hash(x_register_token), digest(_bearer(authorization)))
    cache: TtlCache[tuple[str, str], _SessionFacts] = request.app.state.session_cache
    facts = cache.get(key)
    if facts is None:
        seen = _Seen(clock.now(), x_pos_version, tickets_waiting(x_pos_outbox))
        facts = await run_in_threadpool(_load_employee, sessions, *key, seen)
        cache.put(key, facts)
    if facts.expires_at <= clock.now():
        raise unauthorized("Your session has expired. Log in with your PIN again.")
    return facts.caller


EmployeeDep = Annotated[EmployeeCaller, Depends(current_employee)]


async def current_manager(employee: EmployeeDep) -> EmployeeCaller:
    if not employee.is_manager:
        raise forbidden()
    return employee


ManagerDep = Annotated[EmployeeCaller, Depends(current_manager)]


async def current_owner(employee: EmployeeDep) -> EmployeeCaller:
    if not reads_chain(employee.role):
        raise forbidden("Only an owner reads the whole chain.")
    return employee


OwnerDep = Annotated[EmployeeCaller, Depends(current_owner)]
