"""Print jobs against a real TCP printer on loopback that is closed, then opened.

The sale runs against the real demo server (``checkout_world``); the receipt's job is stored
in the register database and printed by the worker thread once the printer answers. A cash
sale's drawer is a job of its own: first in line, and given up when the printer is away.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hardware.printer import ReceiptPrinter, drawer_kick
from pos_desktop.config import PrinterAddress
from pos_desktop.db.models import PrintJob
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.services.printing import DRAWER_SECONDS, PrintService
from pos_desktop.services.receipts import ReceiptService
from pos_desktop.services.results import PrintStatus
from tests.fixtures.checkout import CheckoutWorld, utc_now
from tests.fixtures.clock import FakeClock
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.fixtures.register import wait_until

INIT = b"\x1b@"
RETRY = 0.1


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def statuses() -> list[PrintStatus]:
    return []


@pytest.fixture
def printing(
    checkout_world: CheckoutWorld, port: int, statuses: list[PrintStatus]
) -> Iterator[PrintService]:
    printer = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=1)
    service = PrintService(
        checkout_world.database,
        printer,
        render_escpos,
        utc_now,
        retry_seconds=RETRY,
        on_status=statuses.append,
    )
    service.start()
    yield service
    assert service.stop()


@pytest.fixture
def receipts(
    checkout_world: CheckoutWorld, printing: PrintService, tmp_path: Path
) -> ReceiptService:
    return ReceiptService(tmp_path, checkout_world.checkout.rules, "Register 1", printing)


def jobs(w: CheckoutWorld) -> list[PrintJob]:
    with w.database.session() as db:
        return list(db.execute(select(PrintJob).order_by(PrintJob.id)).scalars())


def receipt_jobs(w: CheckoutWorld) -> list[PrintJob]:
    return [job for job in jobs(w) if job.kind == "receipt"]


def cash_sale(w: CheckoutWorld, receipts: ReceiptService) -> uuid.UUID:
    sale = w.checkout.add_product(w.cashier, w.product("Cappuccino").id)
    done = w.payments.take_cash(sale.id, Money(2000, "USD"))
    assert done.status is SaleStatus.COMPLETED
    receipts.produce(done)
    # Stored before produce returns (test_printing_produce_never_waits_on_the_printer shows
    # it does not wait for the printer either).
    assert done.id in [job.ticket_id for job in jobs(w)]
    return done.id


def test_printing_offline_printer_prints_the_sale_once_it_is_back(
    checkout_world: CheckoutWorld,
    printing: PrintService,
    receipts: ReceiptService,
    port: int,
    statuses: list[PrintStatus],
) -> None:
    """The sale completes while the printer is off; its receipt prints when it is back, once."""
    w = checkout_world
    ticket = cash_sale(w, receipts)
    wait_until(lambda: receipt_jobs(w)[0].attempts >= 2)  # tried, and tried again
    (job,) = receipt_jobs(w)
    assert job.printed_at is None
    assert job.last_error is not None
    assert "refused" in job.last_error.lower()
    assert printing.status().message == (
        "Printer offline: 1 receipt waiting; it prints when it is back"
    )
    assert any(s.message for s in statuses)

    server = PrinterServer(port)
    try:
        wait_until(lambda: receipt_jobs(w)[0].printed_at is not None)
        time.sleep(5 * RETRY)  # retries would have printed it again by now
        assert len(server.received) == 1
    finally:
        server.close()
    data = server.received[0]
    assert data.startswith(INIT)  # from a reset printer
    assert b"CHANGE" in data
    assert printing.status() == PrintStatus(0, None, drawer_missed=ticket)
    wait_until(lambda: statuses[-1] == PrintStatus(0, None, drawer_missed=ticket))
    assert statuses[-1].message == ""


def test_printing_jobs_print_in_the_order_they_were_queued(
    checkout_world: CheckoutWorld, printing: PrintService, port: int
) -> None:
    for number in range(3):
        printing.queue(f"job {number}\n".encode(), "test")
    wait_until(lambda: printing.status().waiting == 3 and printing.status().offline is not None)
    assert printing.status().message.startswith("Printer offline: 3 receipts waiting")
    server = PrinterServer(port)
    try:
        wait_until(lambda: printing.status().waiting == 0)
        wait_until(lambda: len(server.received) == 3)
        assert server.received == [b"job 0\n", b"job 1\n", b"job 2\n"]
    finally:
        server.close()


def test_printing_a_ticket_receipt_is_queued_once(
    checkout_world: CheckoutWorld, printing: PrintService, receipts: ReceiptService
) -> None:
    """Producing the receipt of one ticket twice (a reload) stores one job."""
    w = checkout_world
    sale = w.checkout.add_product(w.cashier, w.product("Cappuccino").id)
    done = w.payments.take_cash(sale.id, Money(2000, "USD"))
    receipts.produce(done)
    receipts.produce(done)
    assert [(job.kind, job.ticket_id) for job in jobs(w)] == [
        ("drawer", done.id),
        ("receipt", done.id),
    ]


def test_printing_reprint_last_receipt_prints_it_again_without_the_drawer(
    checkout_world: CheckoutWorld,
    printing: PrintService,
    receipts: ReceiptService,
    port: int,
) -> None:
    w = checkout_world
    assert not printing.reprint_last_receipt()
    server = PrinterServer(port)
    try:
        cash_sale(w, receipts)
        wait_until(lambda: len(server.received) == 2)
        assert printing.reprint_last_receipt()
        wait_until(lambda: len(server.received) == 3)
    finally:
        server.close()
    kick, first, again = server.received
    assert kick == drawer_kick()
    assert b"Cappuccino" in first
    assert again.startswith(INIT)
    assert drawer_kick() not in again
    assert [job.kind for job in jobs(w)] == ["drawer", "receipt", "receipt"]


def test_printing_reprint_is_marked_copy(
    checkout_world: CheckoutWorld,
    printing: PrintService,
    receipts: ReceiptService,
    port: int,
) -> None:
    """A reprint prints the receipt again with COPY on the paper; the original has none."""
    w = checkout_world
    server = PrinterServer(port)
    try:
        cash_sale(w, receipts)
        wait_until(lambda: len(server.received) == 2)
        assert printing.reprint_last_receipt()
        _kick, first, again = server.wait_for(3)
    finally:
        server.close()
    assert b"COPY" in again
    assert b"COPY" not in first
    assert b"Cappuccino" in again


def test_printing_drawer_goes_before_a_receipt_queued_earlier(
    checkout_world: CheckoutWorld, tmp_path: Path, port: int
) -> None:
    """A cash sale's drawer opens before the receipts already waiting print."""
    w = checkout_world
    printer = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=1)
    service = PrintService(w.database, printer, render_escpos, utc_now, retry_seconds=RETRY)
    service.queue(b"earlier receipt\n", "receipt")
    cash_sale(w, ReceiptService(tmp_path, w.checkout.rules, "Register 1", service))
    server = PrinterServer(port)
    service.start()
    try:
        received = server.wait_for(3)
    finally:
        assert service.stop()
        server.close()
    assert received[0] == drawer_kick()
    assert received[1] == b"earlier receipt\n"
    assert b"Cappuccino" in received[2]


def test_printing_offline_drawer_is_given_up_at_the_sale(
    checkout_world: CheckoutWorld, printing: PrintService, receipts: ReceiptService
) -> None:
    """Printer offline at a cash sale: the drawer job is given up at once and the status
    names the ticket whose drawer did not open."""
    w = checkout_world
    ticket = cash_sale(w, receipts)
    wait_until(lambda: printing.status().drawer_missed == ticket)
    drawer = next(job for job in jobs(w) if job.kind == "drawer")
    assert drawer.given_up_at is not None
    assert drawer.printed_at is None
    assert drawer.attempts == 1


def test_printing_receipt_printed_later_never_opens_the_drawer(
    checkout_world: CheckoutWorld,
    printing: PrintService,
    receipts: ReceiptService,
    port: int,
) -> None:
    """Printer offline at a cash sale, back later: the receipt prints and no byte sent kicks
    the drawer (it must not open with nobody at the till)."""
    w = checkout_world
    ticket = cash_sale(w, receipts)
    wait_until(lambda: printing.status().drawer_missed == ticket)
    server = PrinterServer(port)
    try:
        wait_until(lambda: receipt_jobs(w)[0].printed_at is not None)
        time.sleep(5 * RETRY)  # a drawer job still waiting would have been sent by now
    finally:
        server.close()
    (data,) = server.received
    assert b"Cappuccino" in data
    assert drawer_kick() not in data
    assert all(job.printed_at is None for job in jobs(w) if job.kind == "drawer")


def test_printing_drawer_not_tried_in_time_is_given_up(
    checkout_world: CheckoutWorld, tmp_path: Path, port: int
) -> None:
    """A drawer job older than DRAWER_SECONDS when its turn comes (a register restarted after
    the sale) is given up unsent; the receipt still prints."""
    w = checkout_world
    clock = FakeClock(utc_now())
    printer = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=port), timeout=1)
    service = PrintService(w.database, printer, render_escpos, clock.now, retry_seconds=RETRY)
    cash_sale(w, ReceiptService(tmp_path, w.checkout.rules, "Register 1", service))
    clock.advance(seconds=DRAWER_SECONDS + 1)
    server = PrinterServer(port)
    try:
        assert service.print_waiting()
    finally:
        server.close()
    (data,) = server.received
    assert drawer_kick() not in data
    assert b"Cappuccino" in data


class StalledPrinter:
    """A printer that takes the first job and then hangs until released (lid open, no paper)."""

    name = "stalled"

    def __init__(self) -> None:
        self.busy = threading.Event()
        self.release = threading.Event()
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.busy.set()
        self.release.wait(10)
        self.sent.append(data)


def test_printing_produce_never_waits_on_the_printer(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """While the printer hangs on one job, the next sale's receipt is stored and produce
    returns; both print once the printer is back."""
    w = checkout_world
    printer = StalledPrinter()
    service = PrintService(w.database, printer, render_escpos, utc_now, retry_seconds=RETRY)
    receipts = ReceiptService(tmp_path, w.checkout.rules, "Register 1", service)
    service.start()
    try:
        service.queue(b"first\n", "test")
        assert printer.busy.wait(10)
        cash_sale(w, receipts)
        assert printer.sent == []  # produce came back while the printer still hung
        printer.release.set()
        wait_until(lambda: len(printer.sent) == 3)
    finally:
        printer.release.set()
        assert service.stop()
    assert printer.sent[:2] == [b"first\n", drawer_kick()]
    assert all(job.printed_at is not None for job in jobs(w))
