"""Typed request dependencies: the session factory and who is calling.

FastAPI runs each sync dependency and the endpoint in separate worker-thread hops. Nothing
may hold a pooled connection (or SQLite's write lock) across those hops, or requests that
wait for a thread would starve requests that wait for a connection. So each dependency that
reads the database opens and closes its own short session, and endpoints open theirs with
``with sessions() as db:`` inside their own thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.server.clock import Clock, as_utc
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller, RegisterCaller, StoreInfo
from pos_desktop.server.errors import forbidden, unauthorized
from pos_desktop.server.models import Employee, EmployeeSession, Register, Store
from pos_desktop.server.security import digest


async def get_sessions(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
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


def _register_query(token: str | None) -> Select[Register, Store]:
    if not token:
        raise unauthorized("This register sent no token (X-Register-Token).")
    return (
        select(Register, Store)
        .join(Store, Store.id == Register.store_id)
        .where(Register.token_hash == digest(token), Register.revoked_at.is_(None))
    )


def current_register(
    sessions: SessionsDep, x_register_token: RegisterToken = None
) -> RegisterCaller:
    query = _register_query(x_register_token)
    with sessions() as db:
        row = db.execute(query).first()
    if row is None:
        raise unauthorized()
    register, store = row
    return RegisterCaller(register.id, register.name, store_info(store))


RegisterDep = Annotated[RegisterCaller, Depends(current_register)]


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Log in with your PIN first.")
    return token.strip()


def current_employee(
    sessions: SessionsDep,
    clock: ClockDep,
    x_register_token: RegisterToken = None,
    authorization: Authorization = None,
) -> EmployeeCaller:
    """The register and the employee logged in on it, found in one query."""
    query = _register_query(x_register_token)
    token = _bearer(authorization)
    with sessions() as db:
        row = db.execute(
            query.add_columns(EmployeeSession.expires_at, Employee)
            .outerjoin(
                EmployeeSession,
                (EmployeeSession.register_id == Register.id)
                & (EmployeeSession.token_hash == digest(token)),
            )
            .outerjoin(Employee, Employee.id == EmployeeSession.employee_id)
        ).first()
    if row is None:
        raise unauthorized()
    register, store, expires_at, employee = row
    if employee is None:
        raise unauthorized("Your session is not valid. Log in with your PIN again.")
    if _expired(expires_at, clock.now()) or not employee.active:
        raise unauthorized("Your session has expired. Log in with your PIN again.")
    caller = RegisterCaller(register.id, register.name, store_info(store))
    return EmployeeCaller(caller, employee.id, employee.name, employee.role)


def _expired(expires_at: datetime, now: datetime) -> bool:
    return as_utc(expires_at) <= now


EmployeeDep = Annotated[EmployeeCaller, Depends(current_employee)]


async def current_manager(employee: EmployeeDep) -> EmployeeCaller:
    if not employee.is_manager:
        raise forbidden()
    return employee


ManagerDep = Annotated[EmployeeCaller, Depends(current_manager)]
