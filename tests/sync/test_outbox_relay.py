"""Tickets up: the relay pushes the outbox once and keeps what the server did not confirm."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from pos_desktop.contracts import MoneyBody, Ticket, TicketLine, TicketPayment
from pos_desktop.db import outbox
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import Outbox
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.clock import FakeClock

pytestmark = pytest.mark.e2e


def make_ticket() -> Ticket:
    now = datetime.now(UTC)
    price = MoneyBody(amount=4_50, currency="USD")
    zero = MoneyBody(amount=0, currency="USD")
    return Ticket(
        id=uuid.uuid4(),
        opened_at=now,
        completed_at=now,
        lines=[TicketLine(name="Cappuccino", quantity=1, unit_price=price, tax=zero, total=price)],
        payments=[TicketPayment(id=uuid.uuid4(), tender="cash", amount=price)],
        subtotal=price,
        tax=zero,
        tip=zero,
        total=price,
    )


def enqueue(database: RegisterDatabase, ticket: Ticket, clock: FakeClock) -> None:
    with database.session() as db:
        outbox.enqueue(db, ticket, clock.now())
        db.commit()


def _row(database: RegisterDatabase, ticket: Ticket) -> Outbox:
    with database.session() as db:
        return db.execute(select(Outbox).where(Outbox.ticket_id == ticket.id)).scalar_one()


def test_outbox_relay_pushes_a_ticket_once_and_marks_it_sent(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """An enqueued ticket is pushed, marked sent at the clock's time, and not pushed again."""
    clock = FakeClock()
    ticket = make_ticket()
    enqueue(register_db, ticket, clock)
    relay = OutboxRelay(register_db, register_client, clock.now)

    first = relay.push_once()
    again = relay.push_once()

    assert (first, again) == (1, 0)
    assert _row(register_db, ticket).sent_at == clock.now()
    with register_db.session() as db:
        assert outbox.waiting_count(db) == 0


def test_outbox_relay_server_down_leaves_the_ticket_waiting(
    register_db: RegisterDatabase, unused_port_url: str
) -> None:
    """With no server answering, nothing is confirmed and the ticket stays in the outbox."""
    clock = FakeClock()
    ticket = make_ticket()
    enqueue(register_db, ticket, clock)

    with ServerClient(unused_port_url, "token", timeout=2) as offline:
        confirmed = OutboxRelay(register_db, offline, clock.now).push_once()

    row = _row(register_db, ticket)
    assert confirmed == 0
    assert (row.sent_at, row.attempts) == (None, 0)


def test_outbox_relay_duplicate_ticket_counts_as_sent(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """A ticket the server already has (its answer was lost) is marked sent as well."""
    clock = FakeClock()
    ticket = make_ticket()
    register_client.push([ticket])
    enqueue(register_db, ticket, clock)

    confirmed = OutboxRelay(register_db, register_client, clock.now).push_once()

    assert confirmed == 1
    assert _row(register_db, ticket).sent_at is not None


def test_outbox_relay_refusal_counts_an_attempt_and_keeps_waiting(
    register_db: RegisterDatabase, demo_server: EmbeddedServer
) -> None:
    """A server refusal is recorded on the ticket, which stays waiting for a later retry."""
    clock = FakeClock()
    ticket = make_ticket()
    enqueue(register_db, ticket, clock)

    with ServerClient(demo_server.base_url, "not-a-register-token") as stranger:
        confirmed = OutboxRelay(register_db, stranger, clock.now).push_once()

    row = _row(register_db, ticket)
    assert confirmed == 0
    assert (row.sent_at, row.attempts) == (None, 1)
    assert row.last_error


def test_outbox_relay_pushes_in_batches(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """A batch size smaller than the queue leaves the rest for the next push."""
    clock = FakeClock()
    for _ in range(3):
        enqueue(register_db, make_ticket(), clock)
    relay = OutboxRelay(register_db, register_client, clock.now)

    pushed = [relay.push_once(batch=2), relay.push_once(batch=2), relay.push_once(batch=2)]

    assert pushed == [2, 1, 0]


def test_outbox_relay_empty_outbox_sends_nothing(register_db: RegisterDatabase) -> None:
    """With nothing waiting the server is not even asked."""
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"accepted": [], "duplicates": []})

    with ServerClient("http://pos.test", "token", transport=httpx.MockTransport(answer)) as client:
        confirmed = OutboxRelay(register_db, client, FakeClock().now).push_once()

    assert confirmed == 0
    assert requests == []


def test_outbox_relay_counts_the_tickets_still_waiting(
    register_db: RegisterDatabase, unused_port_url: str, register_client: ServerClient
) -> None:
    """waiting() is what the header shows: tickets the server has not confirmed yet."""
    clock = FakeClock()
    for _ in range(2):
        enqueue(register_db, make_ticket(), clock)
    with ServerClient(unused_port_url, "token", timeout=2) as away:
        OutboxRelay(register_db, away, clock.now).push_once()
        waiting_while_away = OutboxRelay(register_db, away, clock.now).waiting()
    relay = OutboxRelay(register_db, register_client, clock.now)
    relay.push_once()

    assert (waiting_while_away, relay.waiting()) == (2, 0)


def test_outbox_relay_tells_the_client_what_still_waits(
    register_db: RegisterDatabase, unused_port_url: str, register_client: ServerClient
) -> None:
    """After each push, got through or not, the client knows how many tickets still wait: what
    its next requests report to the server (X-POS-Outbox)."""
    clock = FakeClock()
    for _ in range(2):
        enqueue(register_db, make_ticket(), clock)
    with ServerClient(unused_port_url, "token", timeout=2) as away:
        OutboxRelay(register_db, away, clock.now).push_once()
        told_while_away = away.tickets_waiting
    OutboxRelay(register_db, register_client, clock.now).push_once()

    assert (told_while_away, register_client.tickets_waiting) == (2, 0)
