"""Stores, employees and registers: shared by the API, the CLI, demo data and embedded mode."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos_desktop.domain.errors import ErrorCode, InvalidPin
from pos_desktop.domain.pin import validate_pin
from pos_desktop.domain.roles import OWNER, ROLES
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import (
    Employee,
    EmployeeSession,
    EnrollCode,
    Register,
    Store,
    SyncCounter,
)
from pos_desktop.server.security import (
    digest,
    hash_pin,
    new_enroll_code,
    new_pepper,
    new_token,
    pin_lookup,
)

FIRST_STORE_LOCK = 0x504F5301  # "POS" 1: any fixed key no other code uses


def next_sync_version(db: Session) -> int:
    """Take the next catalog version; the row lock orders versions by commit (see SyncCounter)."""
    value = db.execute(
        update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + 1)
        .returning(SyncCounter.value)
    ).scalar_one()
    return int(value)


def create_store(
    db: Session,
    name: str,
    now: datetime,
    *,
    currency: str = "USD",
    locale: str = "en_US",
    timezone: str = "America/New_York",
    max_card_amount: int = 500_00,
    tenders: tuple[str, ...] = (),
    prices_include_tax: bool = False,
    address: str = "",
    phone: str = "",
    tax_rates: tuple[tuple[str, int], ...] = (),
) -> Store:
    """``tax_rates``: the store's named rates, (name, basis points) each."""
    store = Store(
        id=uuid.uuid4(),
        name=name,
        address=address,
        phone=phone,
        receipt_header="",
        receipt_footer="",
        currency=currency,
        locale=locale,
        timezone=timezone,
        prices_include_tax=prices_include_tax,
        idle_lock_seconds=300,
        max_card_amount=max_card_amount,
        tenders="\n".join(tenders),
        tip_base="subtotal",
        tax_rates=[{"name": name, "rate_bp": rate_bp} for name, rate_bp in tax_rates],
        pin_pepper=new_pepper(),
        sync_version=next_sync_version(db),
        created_at=now,
    )
    db.add(store)
    db.flush()
    return store


_OLDEST_FIRST = select(Store).order_by(Store.created_at)


def chain_stores(db: Session) -> Sequence[Store]:
    """The server's stores, oldest first: the chain, by the names ``--store`` takes."""
    return db.execute(_OLDEST_FIRST).scalars().all()


def first_store(db: Session) -> Store | None:
    """The server's first store, if any, locked against another first store until commit."""
    if db.get_bind().dialect.name == "postgresql":
        # Two first commands at once must not both find no store and make one each; SQLite
        # needs nothing, its transactions already write one at a time (BEGIN IMMEDIATE).
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_STORE_LOCK})
    return db.execute(_OLDEST_FIRST.limit(1)).scalar()


class StoreExists(Exception):
    """The server has a store already: a new server's first store is set up only once."""

    def __init__(self, name: str) -> None:
        super().__init__(f"this server already has a store ({name})")
        self.name = name


def create_first_store(db: Session, name: str, now: datetime, **settings: Any) -> Store:
    """A new server's store (``create_store``'s settings); ``StoreExists`` once it has one,
    even when two of these run at once."""
    existing = first_store(db)
    if existing is not None:
        raise StoreExists(existing.name)
    return create_store(db, name, now, **settings)


NO_STORE_MESSAGE = (
    "this server has no store yet: run `python -m pos_desktop.server init-store` first "
    "(or `demo-data` for the demo store)"
)


class NoStore(Exception):
    """A command for the server's store ran before any store was set up."""

    def __init__(self) -> None:
        super().__init__(NO_STORE_MESSAGE)


def owner_home(db: Session) -> Store:
    """The store whose rows hold the chain's owners: its first, which every chain has and
    keeps (a store is never deleted). Their PINs are looked up with its pepper."""
    return the_store(db)


def owner_with_pin(db: Session, pin: str) -> Employee | None:
    """The owner with this PIN, whichever store's register asks."""
    home = owner_home(db)
    return db.execute(
        select(Employee).where(
            Employee.store_id == home.id,
            Employee.role == OWNER,
            Employee.pin_lookup == pin_lookup(home.pin_pepper, pin),
        )
    ).scalar()


class StoreNotNamed(Exception):
    """A command for one store, on a server with several, named none or an unknown one."""


def store_named(db: Session, name: str | None) -> Store:
    """The store of this name (any case); with no name, the server's only store."""
    stores = chain_stores(db)
    if not stores:
        raise NoStore()
    names = ", ".join(store.name for store in stores)
    if name is None:
        if len(stores) > 1:
            raise StoreNotNamed(
                f"this server has {len(stores)} stores ({names}): name one with --store"
            )
        return stores[0]
    found = store_called(stores, name)
    if found is None:
        raise StoreNotNamed(f"no store is named {name!r}; the stores are: {names}")
    return found


def store_called(stores: Sequence[Store], name: str) -> Store | None:
    """The store of ``stores`` with this name, whatever its case and its spaces around."""
    wanted = name.strip().casefold()
    return next((store for store in stores if store.name.casefold() == wanted), None)


def the_store(db: Session) -> Store:
    """The server's first store, the one its commands look after. Never made here: a store
    made on first use would be a US-dollar store nobody chose (``init-store`` sets one up)."""
    store = db.execute(_OLDEST_FIRST.limit(1)).scalar()
    if store is None:
        raise NoStore()
    return store


def _pin_taken() -> ApiError:
    return ApiError(409, ErrorCode.PIN_TAKEN, "Another employee of this store has this PIN.")


def _taken(
    db: Session, store: Store, pin: str, holder: uuid.UUID | None, *, owners_only: bool = False
) -> bool:
    """Whether an employee of ``store`` (an owner, with ``owners_only``) but ``holder`` has
    this PIN."""
    found = db.execute(
        select(Employee.id).where(
            Employee.store_id == store.id,
            Employee.pin_lookup == pin_lookup(store.pin_pepper, pin),
            Employee.id != holder if holder is not None else true(),
            Employee.role == OWNER if owners_only else true(),
        )
    ).first()
    return found is not None


def _free_pin_lookup(
    db: Session, store: Store, pin: str, holder: uuid.UUID | None = None, *, owner: bool = False
) -> str:
    """The lookup key of a PIN the store's rules allow and no employee of the store has but
    ``holder`` (keeping one's own PIN is no clash).

    A PIN alone says who logs in, and an owner logs in at every store's registers: an
    owner's PIN is no employee's in any store, and an employee's no owner's."""
    validate_pin(pin)
    if len(pin) < store.pin_digits:
        raise InvalidPin(f"This store's PINs have at least {store.pin_digits} digits.")
    if _taken(db, store, pin, holder):
        raise _pin_taken()
    if owner:
        others = db.execute(select(Store).where(Store.id != store.id)).scalars()
        if any(_taken(db, other, pin, holder) for other in others):
            raise _pin_taken()
    else:
        home = the_store(db)
        if home.id != store.id and _taken(db, home, pin, holder, owners_only=True):
            raise _pin_taken()
    return pin_lookup(store.pin_pepper, pin)


def _flush_pin(db: Session) -> None:
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:  # two managers giving the same PIN at the same moment
        raise _pin_taken() from exc


def create_employee(
    db: Session, store: Store, name: str, role: str, pin: str, now: datetime
) -> Employee:
    """A cashier or a manager of ``store``; an owner of the whole chain, whose row the
    chain's first store keeps (``owner_home``)."""
    if role not in ROLES:
        raise ApiError(422, ErrorCode.INVALID_ROLE, "A role is cashier, manager or owner.")
    if role == OWNER:
        store = owner_home(db)
    lookup = _free_pin_lookup(db, store, pin, owner=role == OWNER)
    employee = Employee(
        id=uuid.uuid4(),
        store_id=store.id,
        name=name,
        role=role,
        pin_lookup=lookup,
        pin_hash=hash_pin(pin),
        active=True,
        sync_version=next_sync_version(db),
        created_at=now,
    )
    db.add(employee)
    _flush_pin(db)
    return employee


def change_pin(db: Session, store: Store, employee: Employee, pin: str) -> None:
    """Give ``employee`` a new PIN (the store's rules, unique in the store); the caller takes
    a new sync version so registers pull the new verifier."""
    employee.pin_lookup = _free_pin_lookup(
        db, store, pin, employee.id, owner=employee.role == OWNER
    )
    employee.pin_hash = hash_pin(pin)
    _flush_pin(db)


def end_sessions(
    db: Session, employee: Employee, now: datetime, *, keep: str | None = None
) -> None:
    """Log ``employee`` out everywhere (deactivated, or a new PIN): their open sessions expire
    now, so none comes back with a reactivation, while a deactivated employee's register is
    still told why at its next request. ``keep``: the token hash of the session asking (a
    manager giving themself a new PIN stays logged in there)."""
    query = (
        update(EmployeeSession)
        .where(EmployeeSession.employee_id == employee.id, EmployeeSession.expires_at > now)
        .values(expires_at=now)
    )
    if keep is not None:
        query = query.where(EmployeeSession.token_hash != keep)
    db.execute(query)


def create_enroll_code(
    db: Session,
    store_id: uuid.UUID,
    created_by: uuid.UUID | None,
    now: datetime,
    ttl: timedelta,
) -> tuple[str, EnrollCode]:
    """A one-time code to enroll a register; only its hash is kept."""
    code = new_enroll_code()
    row = EnrollCode(
        id=uuid.uuid4(),
        store_id=store_id,
        code_hash=digest(code),
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    db.add(row)
    db.flush()
    return code, row


def enroll_register(
    db: Session, code: EnrollCode, name: str, now: datetime
) -> tuple[uuid.UUID, str]:
    """Spend ``code`` (locked by the caller) on a new register and return its one-time token."""
    token = new_token()
    register = Register(
        id=uuid.uuid4(), store_id=code.store_id, name=name, token_hash=digest(token), created_at=now
    )
    db.add(register)
    db.flush()
    code.used_at = now
    code.register_id = register.id
    return register.id, token
