"""A register offline for a week, against a real uvicorn server on SQLite and PostgreSQL: each
day it opens its drawer, sells for cash and closes with a Z, while every push fails. Back
online, it pushes the week's tickets first and then its shifts, oldest Z first, and the server
keeps each once: seven shifts numbered 1 to 7, each counting its day's three tickets; the
manager's sales report then holds the week, day by day."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pos_desktop.contracts import (
    ApprovalRecord,
    CategoryCreate,
    ProductCreate,
    PushResponse,
    Shift,
    Ticket,
)
from pos_desktop.db import catalog, outbox, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import count_total
from pos_desktop.server.database import make_engine
from pos_desktop.server.models import SyncedShift, SyncedTicket
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.payments import PaymentService
from pos_desktop.services.results import Employee
from pos_desktop.services.shifts import ShiftService
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.relay import OutboxRelay
from tests.e2e.conftest import MANAGER_PIN, Store
from tests.fixtures.ports import free_port

pytestmark = pytest.mark.e2e

MONDAY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
DAYS = 7
SALES_A_DAY = 3
PRICE = 2_50  # no tax: each sale is $2.50


@dataclass
class Clock:
    now: datetime = MONDAY

    def __call__(self) -> datetime:
        return self.now


class RecordingClient(ServerClient):
    """The live server's client, noting what each push carried, in order."""

    def __init__(self, base_url: str, register_token: str) -> None:
        super().__init__(base_url, register_token, timeout=30)
        self.pushes: list[tuple[list[uuid.UUID], list[int]]] = []

    def push(
        self,
        tickets: Sequence[Ticket],
        approvals: Sequence[ApprovalRecord] = (),
        shifts: Sequence[Shift] = (),
    ) -> PushResponse:
        self.pushes.append(([t.id for t in tickets], [s.z_number for s in shifts]))
        return super().push(tickets, approvals, shifts)


@pytest.fixture
def register(tmp_path: Path) -> Iterator[RegisterDatabase]:
    database = RegisterDatabase.in_folder(tmp_path / "register")
    yield database
    database.close()


def _sell_one_product(store: Store) -> None:
    """The store's one product, made by its manager at another register's Back Office."""
    with ServerClient(store.server.base_url, store.register_token, timeout=30) as manager:
        manager.open_session(MANAGER_PIN)
        category = manager.add_category(CategoryCreate(name=f"Coffee {uuid.uuid4().hex[:6]}"))
        manager.add_product(
            ProductCreate(name="Filter coffee", category_id=category.id, price=PRICE)
        )


def test_offline_week_pushes_tickets_then_shifts_in_order(
    store: Store, register: RegisterDatabase, tmp_path: Path
) -> None:
    _sell_one_product(store)
    with ServerClient(store.server.base_url, store.register_token, timeout=30) as online:
        CatalogSync(register, online).pull_once()
    with register.session() as db:
        verifier = next(v for v in catalog.pin_verifiers(db) if v.role == "cashier")
        product = next(p for p in catalog.active_products(db) if p.name == "Filter coffee")
    cashier = Employee(verifier.employee_id, verifier.name, "cashier")
    clock = Clock()
    away = ServerClient(f"http://127.0.0.1:{free_port()}", store.register_token, timeout=2)
    checkout = CheckoutService(register, clock)
    payments = PaymentService(register, away, clock)
    drawer = ShiftService(
        register, clock, checkout.rules, "E2E register", tmp_path / "shifts", lambda: None
    )
    offline = OutboxRelay(register, away, clock)

    for day in range(DAYS):
        clock.now = MONDAY + timedelta(days=day)
        shift = drawer.open(cashier, count_total(Money(100_00, "USD"))).shift
        assert shift is not None
        for _ in range(SALES_A_DAY):
            sale = checkout.add_product(cashier, product.id)
            payments.take_cash(sale.id, Money(PRICE, "USD"))
            clock.now += timedelta(minutes=30)
            assert offline.push_once() == 0  # no server: everything stays
        drawer.close(cashier, shift.id, count_total(Money(100_00 + SALES_A_DAY * PRICE, "USD")))
    away.close()
    with register.session() as db:
        assert outbox.waiting_count(db) == DAYS * SALES_A_DAY
        assert shifts.waiting_count(db) == DAYS

    with RecordingClient(store.server.base_url, store.register_token) as back:
        relay = OutboxRelay(register, back, clock)
        for _ in range(20):
            relay.push_once(batch=5)
        pushes = back.pushes

    pushed_tickets = [ticket for tickets, _ in pushes for ticket in tickets]
    pushed_shifts = [number for _, numbers in pushes for number in numbers]
    first_shift = next(i for i, (_, numbers) in enumerate(pushes) if numbers)
    assert len(pushed_tickets) == DAYS * SALES_A_DAY
    assert all(not tickets for tickets, _ in pushes[first_shift:])  # tickets came first
    assert pushed_shifts == list(range(1, DAYS + 1))
    engine = make_engine(store.database_url)
    try:
        with engine.connect() as connection:
            kept = connection.execute(
                select(SyncedShift.z_number, SyncedShift.tickets, SyncedShift.closed_at)
                .where(SyncedShift.id.in_(_shift_ids(register)))
                .order_by(SyncedShift.z_number)
            ).all()
            tickets = connection.execute(
                select(func.count()).where(SyncedTicket.id.in_(pushed_tickets))
            ).scalar_one()
    finally:
        engine.dispose()
    assert [(z, count) for z, count, _ in kept] == [(z, SALES_A_DAY) for z in range(1, DAYS + 1)]
    assert [closed.date() for _, _, closed in kept] == [
        (MONDAY + timedelta(days=day)).date() for day in range(DAYS)
    ]
    assert tickets == DAYS * SALES_A_DAY
    with register.session() as db:
        assert outbox.waiting_count(db) == 0 and shifts.waiting_count(db) == 0
    _assert_week_in_sales_report(store)


def _assert_week_in_sales_report(store: Store) -> None:
    """Once pushed, the week is in the manager's sales report, each sale on its own day of
    the store's calendar (New York), paid in cash."""
    first = MONDAY.date()
    with ServerClient(store.server.base_url, store.register_token, timeout=30) as manager:
        manager.open_session(MANAGER_PIN)
        sales = manager.sales_report(first, first + timedelta(days=DAYS - 1))
    day_gross = SALES_A_DAY * PRICE
    assert [(row.key, row.figures.tickets, row.figures.gross.amount) for row in sales.by_day] == [
        ((first + timedelta(days=day)).isoformat(), SALES_A_DAY, day_gross) for day in range(DAYS)
    ]
    assert (sales.totals.tickets, sales.totals.net.amount) == (DAYS * SALES_A_DAY, DAYS * day_gross)
    assert [(t.tender, t.payments, t.amount.amount) for t in sales.by_tender] == [
        ("Cash", DAYS * SALES_A_DAY, DAYS * day_gross)
    ]


def _shift_ids(register: RegisterDatabase) -> list[uuid.UUID]:
    with register.session() as db:
        return [closed.record.id for closed in shifts.closed(db, 100)]
