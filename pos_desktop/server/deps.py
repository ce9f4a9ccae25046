"""Typed request dependencies: the database session and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.server.clock import Clock, as_utc
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller, RegisterCaller, StoreInfo
from pos_desktop.server.errors import forbidden, unauthorized
from pos_desktop.server.models import Employee, EmployeeSession, Register, Store
from pos_desktop.server.security import digest


def get_db(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as db:
        yield db


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


DbDep = Annotated[Session, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]


def store_info(store: Store) -> StoreInfo:
    return StoreInfo(
        id=store.id,
        name=store.name,
        currency=store.currency,
        max_card_amount=store.max_card_amount,
    )


def current_register(
    db: DbDep,
    x_register_token: Annotated[str | None, Header(max_length=256)] = None,
) -> RegisterCaller:
    if not x_register_token:
        raise unauthorized("This register sent no token (X-Register-Token).")
    row = db.execute(
        select(Register, Store)
        .join(Store, Store.id == Register.store_id)
        .where(Register.token_hash == digest(x_register_token), Register.revoked_at.is_(None))
    ).first()
    if row is None:
        raise unauthorized()
    register, store = row
    return RegisterCaller(register.id, register.name, store_info(store))


RegisterDep = Annotated[RegisterCaller, Depends(current_register)]


def _bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_employee(
    db: DbDep,
    register: RegisterDep,
    clock: ClockDep,
    authorization: Annotated[str | None, Header(max_length=512)] = None,
) -> EmployeeCaller:
    token = _bearer(authorization)
    if token is None:
        raise unauthorized("Log in with your PIN first.")
    row = db.execute(
        select(EmployeeSession.expires_at, Employee)
        .join(Employee, Employee.id == EmployeeSession.employee_id)
        .where(
            EmployeeSession.token_hash == digest(token),
            EmployeeSession.register_id == register.register_id,
        )
    ).first()
    if row is None:
        raise unauthorized("Your session is not valid. Log in with your PIN again.")
    expires_at, employee = row
    if _expired(expires_at, clock.now()) or not employee.active:
        raise unauthorized("Your session has expired. Log in with your PIN again.")
    return EmployeeCaller(register, employee.id, employee.name, employee.role)


def _expired(expires_at: datetime, now: datetime) -> bool:
    return as_utc(expires_at) <= now


EmployeeDep = Annotated[EmployeeCaller, Depends(current_employee)]


def current_manager(employee: EmployeeDep) -> EmployeeCaller:
    if not employee.is_manager:
        raise forbidden()
    return employee


ManagerDep = Annotated[EmployeeCaller, Depends(current_manager)]
