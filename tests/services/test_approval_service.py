"""Managers' approvals on the spot (issue 13): the PIN checked on the register, the rules the
services keep whatever the screen asked, and each approval recorded with its action, pushed,
and in the server's audit log once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from pos_desktop.contracts import StoreSettings
from pos_desktop.db import catalog
from pos_desktop.db.models import ApprovalOutbox, Setting
from pos_desktop.db.models import Outbox as OutboxRow
from pos_desktop.domain.approvals import (
    MANAGER_NEEDED,
    NOT_A_MANAGER,
    WRONG_PIN,
    Approval,
    ApprovalAction,
    ApprovalRefused,
)
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import receipt_for
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.ticket import TicketRefused
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.services.approvals import ApprovalService
from pos_desktop.services.printing import PrintService
from pos_desktop.services.session import (
    OFFLINE_WRONG_PIN_LIMIT,
    OfflineLogInRefused,
    SessionService,
    WrongPinLimit,
)
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.checkout import CheckoutWorld, utc_now

ALL = list(ApprovalAction)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def require(w: CheckoutWorld, actions: list[ApprovalAction]) -> None:
    """The store asks for these approvals, as the register's next pull would bring it."""
    with w.database.session() as db:
        row = db.get(Setting, catalog.SETTINGS_KEY)
        assert row is not None
        settings = StoreSettings.model_validate_json(row.value)
        row.value = settings.model_copy(update={"approvals": actions}).model_dump_json()
        db.commit()


@pytest.fixture
def approvals(checkout_world: CheckoutWorld) -> ApprovalService:
    return ApprovalService(checkout_world.database, utc_now, WrongPinLimit())


def approved(w: CheckoutWorld, approvals: ApprovalService, action: ApprovalAction) -> Approval:
    return approvals.approve(action, MANAGER_PIN, w.cashier)


def ring_up(w: CheckoutWorld, *names: str) -> Sale:
    sale = None
    for name in names:
        sale = w.checkout.add_product(w.cashier, w.product(name).id)
    assert sale is not None
    return sale


def audit(w: CheckoutWorld) -> list[dict[str, Any]]:
    answer = w.as_manager("GET", "/backoffice/audit", params={"limit": 500})
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["items"] if e["action"] == "approval.given"]


# -- the PIN ---------------------------------------------------------------------------------


def test_approval_manager_pin_approves_as_that_manager(
    checkout_world: CheckoutWorld, approvals: ApprovalService
) -> None:
    """The manager's PIN gives an approval of the action, naming the manager and the cashier."""
    approval = approved(checkout_world, approvals, ApprovalAction.REPRINT)

    assert approval.action is ApprovalAction.REPRINT
    assert approval.manager_name == "Morgan Manager"
    assert approval.cashier_id == checkout_world.cashier.id


def test_approval_refuses_a_cashier_pin_and_a_wrong_one(approvals: ApprovalService) -> None:
    """A cashier's PIN is not a manager's; a PIN nobody has is wrong."""
    with pytest.raises(ApprovalRefused, match=NOT_A_MANAGER):
        approvals.approve(ApprovalAction.VOID_TICKET, CASHIER_PIN, None)
    with pytest.raises(ApprovalRefused, match=WRONG_PIN):
        approvals.approve(ApprovalAction.VOID_TICKET, "4321", None)


def test_approval_shares_the_log_in_limit_on_wrong_pins(
    checkout_world: CheckoutWorld, unused_port_url: str
) -> None:
    """Wrong PINs at the approval pad count against the register's one limit: past it, even
    the manager's PIN is not checked, at either pad."""
    with ServerClient(unused_port_url, "token", timeout=2) as away:
        session = SessionService(away, checkout_world.database)
        approvals = ApprovalService(checkout_world.database, utc_now, session.wrong_pins)
        for _ in range(OFFLINE_WRONG_PIN_LIMIT):
            with pytest.raises(ApprovalRefused, match=WRONG_PIN):
                approvals.approve(ApprovalAction.REPRINT, "4321", None)

        with pytest.raises(ApprovalRefused, match="Too many wrong PINs"):
            approvals.approve(ApprovalAction.REPRINT, MANAGER_PIN, None)
        with pytest.raises(OfflineLogInRefused, match="Too many wrong PINs"):
            session.log_in(MANAGER_PIN)


# -- void ------------------------------------------------------------------------------------


def test_approval_void_needs_one_when_the_store_asks(checkout_world: CheckoutWorld) -> None:
    """Without an approval a cashier's void is refused and the ticket stays open."""
    w = checkout_world
    require(w, ALL)
    sale = ring_up(w, "Mug")

    with pytest.raises(ApprovalRefused, match=MANAGER_NEEDED):
        w.payments.void(sale.id)

    assert w.payments.load(sale.id).status is SaleStatus.OPEN


def test_approval_void_is_recorded_on_the_ticket_and_audited_once(
    checkout_world: CheckoutWorld, approvals: ApprovalService
) -> None:
    """The approved void carries its approval to the server, which logs it by the manager."""
    w = checkout_world
    require(w, ALL)
    sale = ring_up(w, "Mug")
    approval = approved(w, approvals, ApprovalAction.VOID_TICKET)

    voided = w.payments.void(sale.id, approval)

    assert voided.status is SaleStatus.VOIDED
    assert [(a.id, a.ticket_id, a.detail) for a in voided.approvals] == [
        (approval.id, sale.id, f"Ticket #{sale.number}")
    ]
    relay = OutboxRelay(w.database, w.client, utc_now)
    assert relay.push_once() == 1
    with w.database.session() as db:
        body = db.execute(select(OutboxRow.body).where(OutboxRow.ticket_id == sale.id)).scalar()
    assert body is not None and str(approval.id) in body
    [entry] = [e for e in audit(w) if e["id"] == str(approval.id)]
    assert entry["employee"]["name"] == "Morgan Manager"
    assert entry["changes"]["ticket_id"] == str(sale.id)


def test_approval_void_of_a_store_that_asks_none_records_none(
    checkout_world: CheckoutWorld,
) -> None:
    """Nothing asked, nothing recorded: the ticket goes out as before."""
    w = checkout_world
    require(w, [])
    sale = ring_up(w, "Mug")

    assert w.payments.void(sale.id).approvals == ()


def test_approval_given_for_another_action_is_refused(
    checkout_world: CheckoutWorld, approvals: ApprovalService
) -> None:
    """A reprint's approval does not void a ticket."""
    w = checkout_world
    require(w, ALL)
    sale = ring_up(w, "Mug")

    with pytest.raises(ApprovalRefused):
        w.payments.void(sale.id, approved(w, approvals, ApprovalAction.REPRINT))


# -- a line removed after a tender -------------------------------------------------------------


def test_approval_line_removed_after_a_tender_is_recorded_with_its_name(
    checkout_world: CheckoutWorld, approvals: ApprovalService
) -> None:
    """$5 cash on a Mug and a Croissant: the Croissant may go, approved; the ticket keeps the
    payment and records the approval naming the line."""
    w = checkout_world
    require(w, ALL)
    sale = ring_up(w, "Mug", "Croissant")
    sale = w.payments.take_cash(sale.id, usd(5_00))
    croissant = next(line for line in sale.lines if line.name == "Croissant")

    with pytest.raises(ApprovalRefused, match=MANAGER_NEEDED):
        w.payments.remove_paid_line(sale.id, croissant.id)
    approval = approved(w, approvals, ApprovalAction.REMOVE_PAID_LINE)
    after = w.payments.remove_paid_line(sale.id, croissant.id, approval)

    assert [line.name for line in after.lines] == ["Mug"]
    assert after.has_payments
    assert [(a.action, a.detail) for a in after.approvals] == [
        (ApprovalAction.REMOVE_PAID_LINE, "Croissant")
    ]


def test_approval_line_removal_completes_a_ticket_its_payments_now_cover(
    checkout_world: CheckoutWorld,
) -> None:
    """A Croissant ($3.75, no tax) and a Mug: $3.75 cash taken, the Mug taken off: paid in
    full, the ticket completes. No approval is asked where the store asks none."""
    w = checkout_world
    require(w, [])
    sale = ring_up(w, "Croissant", "Mug")
    sale = w.payments.take_cash(sale.id, usd(3_75))
    mug = next(line for line in sale.lines if line.name == "Mug")

    done = w.payments.remove_paid_line(sale.id, mug.id)

    assert done.status is SaleStatus.COMPLETED
    assert [line.name for line in done.lines] == ["Croissant"]


def test_approval_line_removal_keeps_payments_within_the_ticket(
    checkout_world: CheckoutWorld,
) -> None:
    """Paid more than what would be left, or the last item: refused, nothing changes."""
    w = checkout_world
    require(w, [])
    sale = ring_up(w, "Croissant", "Mug")
    sale = w.payments.take_card(sale.id, usd(10_00), "AUTH1")
    croissant, mug = sale.lines

    with pytest.raises(TicketRefused, match="Remove a payment first"):
        w.payments.remove_paid_line(sale.id, mug.id)
    assert w.payments.remove_paid_line(sale.id, croissant.id).lines == (mug,)
    with pytest.raises(TicketRefused, match="void the ticket"):
        w.payments.remove_paid_line(sale.id, mug.id)


# -- reprint and drawer ----------------------------------------------------------------------


@pytest.fixture
def printing(checkout_world: CheckoutWorld) -> Iterator[PrintService]:
    """A print queue whose printer is never reached: only the stored jobs matter here."""

    class Away:
        name = "away"

        def send(self, data: bytes) -> None:
            raise AssertionError("nothing prints in these tests")

    yield PrintService(checkout_world.database, Away(), render_escpos, utc_now)


def test_approval_of_a_reprint_and_the_drawer_is_pushed_once(
    checkout_world: CheckoutWorld, approvals: ApprovalService, printing: PrintService
) -> None:
    """Approvals of a reprint (naming the receipt's ticket) and of the drawer wait in the
    approval outbox with their jobs, go out with the next push, and are in the log once."""
    w = checkout_world
    sale = w.payments.take_cash(ring_up(w, "Croissant").id, usd(5_00))
    printing.queue_receipt(receipt_for(sale, w.checkout.rules(), "Checkout register"), sale.id)
    reprint = approved(w, approvals, ApprovalAction.REPRINT)
    drawer = approved(w, approvals, ApprovalAction.OPEN_DRAWER)

    assert printing.reprint_last_receipt(reprint)
    printing.open_drawer(drawer)

    relay = OutboxRelay(w.database, w.client, utc_now)
    relay.push_once()
    with w.database.session() as db:  # as if the answer had been lost: pushed again
        db.execute(update(ApprovalOutbox).values(sent_at=None))
        db.commit()
    relay.push_once()
    with w.database.session() as db:
        waiting = db.execute(select(ApprovalOutbox).where(ApprovalOutbox.sent_at.is_(None)))
        assert waiting.first() is None
    logged = {e["id"]: e for e in audit(w)}
    assert logged[str(reprint.id)]["changes"]["ticket_id"] == str(sale.id)
    assert logged[str(reprint.id)]["changes"]["detail"] == f"Receipt of ticket #{sale.number}"
    assert logged[str(drawer.id)]["target_kind"] == "register"
    ids = [e["id"] for e in audit(w)]
    assert (ids.count(str(reprint.id)), ids.count(str(drawer.id))) == (1, 1)
