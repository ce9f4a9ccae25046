"""Typed request dependencies: the session factory and who is calling.

FastAPI runs sync work in worker-thread hops. Nothing may hold a pooled connection (or
SQLite's write lock) across hops, or requests waiting for a thread would starve requests
waiting for a connection: a look-up here opens and closes its own short session, and
endpoints open theirs with ``with sessions() as db:`` inside their own thread.

Who is calling is remembered for a few seconds (``TtlCache``), so a busy register does not
pay a thread hop and a query per request to prove the same token again. Expiry is still
checked on every request; a revoked register or deactivated employee is refused once the
entry ages out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

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


SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
KeysDep = Annotated[ServerKeys, Depends(get_keys)]
ClockDep = Annotated[Clock, Depends(get_clock)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]
RegisterToken = Annotated[str | None, Header(alias="X-Register-Token", max_length=256)]
Authorization = Annotated[str | None, Header(max_length=512)]


def store_info(store: Store) -> StoreInfo:
    return StoreInfo(
        id=store.id,
        name=store.name,
        currency=store.currency,
        max_card_amount=store.max_card_amount,
    )


def _register_token_hash(token: str | None) -> str:
    if not token:
        raise unauthorized("This register sent no token (X-Register-Token).")
    return digest(token)


def _register_query(token_hash: str) -> Select[Register, Store]:
    return (
        select(Register, Store)
        .join(Store, Store.id == Register.store_id)
        .where(Register.token_hash == token_hash, Register.revoked_at.is_(None))
    )


def _load_register(sessions: sessionmaker[Session], token_hash: str) -> RegisterCaller:
    with sessions() as db:
        row = db.execute(_register_query(token_hash)).first()
    if row is None:
        raise unauthorized()
    register, store = row
    return RegisterCaller(register.id, register.name, store_info(store))


async def current_register(
    request: Request, sessions: SessionsDep, x_register_token: RegisterToken = None
) -> RegisterCaller:
    token_hash = _register_token_hash(x_register_token)
    cache: TtlCache[str, RegisterCaller] = request.app.state.register_cache
    caller = cache.get(token_hash)
    if caller is None:
        caller = await run_in_threadpool(_load_register, sessions, token_hash)
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


def _load_employee(
    sessions: sessionmaker[Session], register_hash: str, session_hash: str
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
    if employee is None or not employee.active:
        raise unauthorized("Your session is not valid. Log in with your PIN again.")
    caller = RegisterCaller(register.id, register.name, store_info(store))
    employee_caller = EmployeeCaller(caller, employee.id, employee.name, employee.role)
    return _SessionFacts(employee_caller, expires_at)


def install_caller_caches(app: FastAPI, seconds: float) -> None:
    app.state.register_cache = TtlCache[str, RegisterCaller](seconds)
    app.state.session_cache = TtlCache[tuple[str, str], _SessionFacts](seconds)


async def current_employee(
    request: Request,
    sessions: SessionsDep,
    clock: ClockDep,
    x_register_token: RegisterToken = None,
    authorization: Authorization = None,
) -> EmployeeCaller:
    key = (_register_token_hash(x_register_token), digest(_bearer(authorization)))
    cache: TtlCache[tuple[str, str], _SessionFacts] = request.app.state.session_cache
    facts = cache.get(key)
    if facts is None:
        facts = await run_in_threadpool(_load_employee, sessions, *key)
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
