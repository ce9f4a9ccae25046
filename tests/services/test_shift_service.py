"""The drawer's shifts at the register, against the real embedded server: cash only into an
open shift, pay in and out, a no sale behind the store's approval, the close's Z report (its
figures by hand, its number in sequence, printed and kept as a PDF), a close refused twice or
while an open ticket holds cash, and the closed shift pushed once its tickets are."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from hardware.simulate.escpos_decode import decode
from pos_desktop.contracts import StoreSettings
from pos_desktop.db import catalog
from pos_desktop.db.models import ApprovalOutbox, Setting
from pos_desktop.domain.approvals import ApprovalAction, ApprovalRefused
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.shifts import (
    NO_SHIFT_FOR_CASH,
    ShiftRefused,
    count_by_denomination,
    count_total,
)
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.models import ShiftMovementRow, SyncedShift
from pos_desktop.services.approvals import ApprovalService
from pos_desktop.services.printing import PrintService
from pos_desktop.services.session import WrongPinLimit
from pos_desktop.services.shifts import ShiftService
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.checkout import CheckoutWorld, utc_now


def usd(minor: int) -> Money:
    return Money(minor, "USD")


class Paper:
    """A printer that keeps what it is sent."""

    name = "paper"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


@pytest.fixture
def paper() -> Paper:
    return Paper()


@pytest.fixture
def printing(checkout_world: CheckoutWorld, paper: Paper) -> PrintService:
    return PrintService(
        checkout_world.database, paper, render_escpos, utc_now, render_slip=render_slip_escpos
    )


@pytest.fixture
def drawer(
    checkout_world: CheckoutWorld, tmp_path: Path, printing: PrintService, paper: Paper
) -> ShiftService:
    """The register's shifts, the fixture's own shift closed first (an empty Z #1), so each
    test opens the one it needs."""
    w = checkout_world
    service = ShiftService(
        w.database, utc_now, w.checkout.rules, "Register 1", tmp_path / "shifts", lambda: printing
    )
    state = service.state()
    assert state.shift is not None
    service.close(w.cashier, state.shift.id, count_total(usd(0)))
    printing.print_waiting()
    paper.sent.clear()
    return service


def ring_up(w: CheckoutWorld, *names: str) -> Sale:
    sale = None
    for name in names:
        sale = w.checkout.add_product(w.cashier, w.product(name).id)
    assert sale is not None
    return sale


def printed_text(printing: PrintService, paper: Paper) -> str:
    printing.print_waiting()
    (job,) = decode(paper.sent[-1])
    return "\n".join(job.text_lines())


def test_shift_cash_is_refused_with_no_shift_open_and_the_ticket_kept(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    """No shift: Cash says to open one, and the ticket stays as it was; a card still pays."""
    w = checkout_world
    sale = ring_up(w, "Croissant")

    with pytest.raises(ShiftRefused) as refused:
        w.payments.take_cash(sale.id, usd(5_00))

    assert refused.value.message == NO_SHIFT_FOR_CASH

    assert w.payments.load(sale.id).lines == sale.lines
    done = w.payments.take_card(sale.id, usd(3_75), "AUTH 1")
    assert done.completed_at is not None


def test_shift_day_closes_with_an_exact_z(
    checkout_world: CheckoutWorld,
    drawer: ShiftService,
    printing: PrintService,
    paper: Paper,
    tmp_path: Path,
) -> None:
    """A $100.00 float; two cappuccinos ($9.00 + 74 cents tax) paid $20.00 cash, a croissant
    ($3.75, no tax) on the card terminal, a mug voided; $10.00 paid in, $4.50 paid out, one
    no sale. Expected: 100.00 + 9.74 + 10.00 - 4.50 = $115.24; a $100, a $10, a $5 and a
    quarter make $115.25: one cent over. The Z is #2, printed and kept as a PDF."""
    w = checkout_world
    drawer.open(w.cashier, count_by_denomination("USD", {10000: 1}))
    w.payments.take_cash(ring_up(w, "Cappuccino", "Cappuccino").id, usd(20_00))
    w.payments.take_card(ring_up(w, "Croissant").id, usd(3_75), "AUTH 2")
    w.payments.void(ring_up(w, "Mug").id)
    drawer.pay_in(w.cashier, usd(10_00), "Coins from the bank")
    drawer.pay_out(w.cashier, usd(4_50), "Milk")
    state = drawer.no_sale(w.cashier, "Change for a customer")
    assert state.report is not None and state.report.expected == usd(115_24)
    assert state.shift is not None

    count = count_by_denomination("USD", {10000: 1, 1000: 1, 500: 1, 25: 1})
    z = drawer.close(w.cashier, state.shift.id, count, "One cent over")

    report = z.paper.report
    assert z.paper.z_number == 2
    assert (report.tickets, report.goods, report.tax, report.taken) == (
        2,
        usd(900 + 375),
        usd(74),
        usd(974 + 375),
    )
    assert [(t.label, t.count, t.amount) for t in report.tenders] == [
        ("Cash", 1, usd(974)),
        ("Card", 1, usd(375)),
    ]
    assert (report.cash_tendered, report.change_given) == (usd(20_00), usd(10_26))
    assert (report.voids.count, report.voids.amount) == (1, usd(12_99))
    assert (report.pay_ins.amount, report.pay_outs.amount, report.no_sales) == (
        usd(10_00),
        usd(4_50),
        1,
    )
    assert (report.expected, report.counted, report.difference) == (
        usd(115_24),
        usd(115_25),
        usd(1),
    )
    text = printed_text(printing, paper)
    assert "Z report #2" in text and "$115.24" in text and "OVER" in text
    assert z.pdf is not None and z.pdf.parent == tmp_path / "shifts"
    pdf = subprocess.run(  # noqa: S603 (poppler's pdftotext on our own file)
        ["pdftotext", "-layout", str(z.pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Z report #2" in pdf and "$115.25" in pdf and "One cent over" in pdf
    assert drawer.state().shift is None


def test_shift_closed_twice_is_refused(checkout_world: CheckoutWorld, drawer: ShiftService) -> None:
    """The second close of one shift (another screen, a double tap) says which Z it made."""
    w = checkout_world
    shift = drawer.open(w.cashier, count_total(usd(50_00))).shift
    assert shift is not None
    drawer.close(w.cashier, shift.id, count_total(usd(50_00)))

    with pytest.raises(ShiftRefused, match="closed already: its Z report is #2"):
        drawer.close(w.cashier, shift.id, count_total(usd(50_00)))


def test_shift_closes_when_its_pdf_cannot_be_saved(
    checkout_world: CheckoutWorld, printing: PrintService, tmp_path: Path
) -> None:
    """A full or read-only disk does not stop the close: the Z is numbered, stored and
    printed, and says it has no PDF (``pdf`` None) so the screen can tell the cashier."""
    w = checkout_world
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the PDFs' folder should be")
    drawer = ShiftService(
        w.database, utc_now, w.checkout.rules, "Register 1", blocked / "shifts", lambda: printing
    )
    state = drawer.state()
    assert state.shift is not None

    z = drawer.close(w.cashier, state.shift.id, count_total(usd(0)))

    assert z.pdf is None and z.printed
    assert z.paper.z_number == 1
    assert drawer.state().shift is None


def test_shift_close_refused_while_an_open_ticket_holds_cash(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    """$5.00 cash on a $9.74 ticket still open: the drawer holds it, the Z would not; once the
    ticket is paid, the close counts it."""
    w = checkout_world
    shift = drawer.open(w.cashier, count_total(usd(0))).shift
    assert shift is not None
    sale = ring_up(w, "Cappuccino", "Cappuccino")
    w.payments.take_cash(sale.id, usd(5_00))

    with pytest.raises(ShiftRefused, match=f"Ticket #{sale.number} has cash on it"):
        drawer.close(w.cashier, shift.id, count_total(usd(5_00)))

    w.payments.take_cash(sale.id, usd(4_74))
    z = drawer.close(w.cashier, shift.id, count_total(usd(9_74)))
    assert z.paper.z_number == 2 and z.paper.report.difference == usd(0)


def test_shift_card_sale_without_a_shift_is_in_the_next_z(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    """A card sale rung up while no shift was open is counted by the next Z, not lost."""
    w = checkout_world
    w.payments.take_card(ring_up(w, "Croissant").id, usd(3_75), "AUTH 3")
    shift = drawer.open(w.cashier, count_total(usd(0))).shift
    assert shift is not None

    z = drawer.close(w.cashier, shift.id, count_total(usd(0)))

    assert z.paper.report.tickets == 1 and z.paper.report.non_cash == usd(3_75)


def test_shift_no_sale_asks_the_manager_the_store_wants(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    """Where the store puts the drawer behind a manager, a cashier's no sale without an
    approval is refused; with one it is counted and its approval waits to be pushed."""
    w = checkout_world
    with w.database.session() as db:
        row = db.get(Setting, catalog.SETTINGS_KEY)
        assert row is not None
        settings = StoreSettings.model_validate_json(row.value)
        row.value = settings.model_copy(
            update={"approvals": [ApprovalAction.OPEN_DRAWER]}
        ).model_dump_json()
        db.commit()
    drawer.open(w.cashier, count_total(usd(0)))

    with pytest.raises(ApprovalRefused):
        drawer.no_sale(w.cashier, "Change for a customer")
    approval = ApprovalService(w.database, utc_now, WrongPinLimit()).approve(
        ApprovalAction.OPEN_DRAWER, MANAGER_PIN, w.cashier
    )
    state = drawer.no_sale(w.cashier, "Change for a customer", approval)

    assert state.report is not None and state.report.no_sales == 1
    with w.database.session() as db:
        (detail,) = db.execute(select(ApprovalOutbox.detail)).scalars()
    assert detail == "No sale: Change for a customer"


def test_shift_no_sale_says_whether_the_drawer_opens(
    checkout_world: CheckoutWorld,
    drawer: ShiftService,
    printing: PrintService,
    paper: Paper,
    tmp_path: Path,
) -> None:
    """A no sale is counted whatever the printer does; the drawer is kicked open only by a
    printer that is set and online, else the cashier is told to use the key."""
    w = checkout_world
    drawer.open(w.cashier, count_total(usd(0)))
    assert drawer.no_sale(w.cashier, "Change for a customer").drawer_kicked

    no_printer = ShiftService(
        w.database, utc_now, w.checkout.rules, "Register 1", tmp_path / "shifts", lambda: None
    )
    unset = no_printer.no_sale(w.cashier, "Change for a customer")

    def jammed(data: bytes) -> None:
        raise OSError("paper jam")

    paper.send = jammed  # type: ignore[method-assign]
    printing.print_waiting()  # the first kick fails: the printer is offline now
    offline = drawer.no_sale(w.cashier, "Change for a customer")

    assert not unset.drawer_kicked and not offline.drawer_kicked
    assert offline.report is not None and offline.report.no_sales == 3


def test_shift_refuses_a_second_shift_and_cash_moves_without_one(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    w = checkout_world
    with pytest.raises(ShiftRefused, match="No shift is open"):
        drawer.pay_in(w.cashier, usd(1_00), "Coins")
    drawer.open(w.cashier, count_total(usd(0)))

    with pytest.raises(ShiftRefused, match="A shift is open already"):
        drawer.open(w.cashier, count_total(usd(0)))


def test_shift_reprint_and_past_shifts(
    checkout_world: CheckoutWorld, drawer: ShiftService, printing: PrintService, paper: Paper
) -> None:
    """Past shifts list the latest Z first; a Z printed again says COPY and its figures."""
    w = checkout_world
    shift = drawer.open(w.cashier, count_total(usd(20_00))).shift
    assert shift is not None
    drawer.close(w.cashier, shift.id, count_total(usd(19_00)), "A dollar short")

    past = drawer.past()
    again = drawer.reprint(past[0].id)

    assert [(p.z_number, p.difference) for p in past] == [(2, usd(-1_00)), (1, usd(0))]
    text = printed_text(printing, paper)
    assert text.count("COPY") == 1 and "Z report #2" in text and "SHORT" in text
    assert again.paper.copy and again.pdf is None
    with pytest.raises(ShiftRefused):
        drawer.reprint(uuid.uuid4())


def test_shift_pushed_after_its_tickets_and_kept_once(
    checkout_world: CheckoutWorld, drawer: ShiftService
) -> None:
    """The Z goes to the server once no ticket waits, with its movements; pushed again (a
    lost answer), it is kept once."""
    w = checkout_world
    shift = drawer.open(w.cashier, count_total(usd(0))).shift
    assert shift is not None
    w.payments.take_cash(ring_up(w, "Croissant").id, usd(3_75))
    drawer.pay_out(w.cashier, usd(1_00), "Stamps")
    drawer.close(w.cashier, shift.id, count_total(usd(2_75)))

    relay = OutboxRelay(w.database, w.client, utc_now)
    relay.push_once()
    relay.push_once()

    engine = create_engine(w.server.database_url)
    try:
        with engine.connect() as connection:
            kept = connection.execute(
                select(SyncedShift.z_number, SyncedShift.expected).where(SyncedShift.id == shift.id)
            ).all()
            moves = connection.execute(
                select(ShiftMovementRow.kind, ShiftMovementRow.amount).where(
                    ShiftMovementRow.shift_id == shift.id
                )
            ).all()
    finally:
        engine.dispose()
    assert kept == [(2, 2_75)]
    assert moves == [("pay_out", -1_00)]
    assert all(past.sent for past in drawer.past())
