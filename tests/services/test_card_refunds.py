"""Refunds of completed sales onto gift cards, and a small balance cashed out, against the real
server: what the card holds after, what the register keeps, and a lost answer asked again
giving the money once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from pos_desktop.db.models import ApprovalOutbox, CardPayout, CashMovement, PrintJob
from pos_desktop.domain.approvals import ApprovalAction, ApprovalRefused
from pos_desktop.domain.errors import ErrorCode, InvalidAmount
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from pos_desktop.services.printing import PrintService
from pos_desktop.services.refund_results import CashOutOffer, RefundRequest, RefundUnsettled
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError
from tests.fixtures.checkout import CheckoutWorld, utc_now
from tests.fixtures.refunds import (
    manager_approval,
    refund_service,
    sale_paid_by_card,
    sale_paid_in_cash,
    set_store,
    usd,
)

CANDLE = 19_49


@pytest.fixture
def refunds_needing_a_manager(checkout_world: CheckoutWorld) -> Iterator[None]:
    undo = set_store(checkout_world, approvals=["refund"])
    yield
    undo()


def _payouts(w: CheckoutWorld) -> list[CardPayout]:
    with w.database.session() as db:
        rows = list(db.execute(select(CardPayout).order_by(CardPayout.created_at)).scalars())
        db.expunge_all()
    return rows


def test_refund_to_the_card_gives_the_whole_payment_back(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """A card that paid a whole sale gets all of it back; the register records the refund."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    refunds = refund_service(w, tmp_path)
    listed = refunds.recent_sales()[0]
    payment = listed.card_payments[0]

    done = refunds.refund(
        w.cashier,
        RefundRequest(sale.id, usd(CANDLE), "Item returned", payment_id=payment.payment_id),
    )

    assert w.balance(card.id) == 50_00
    assert done.balance_after == usd(50_00) and done.card_last4 == card.number[-4:]
    assert done.sale.left == usd(0) and done.sale.card_payments[0].left == usd(0)
    assert [(p.kind, p.state, p.amount, p.request) for p in _payouts(w)] == [
        ("refund_tender", "done", CANDLE, None)
    ]


def test_refund_to_the_card_in_parts_never_more_than_it_paid(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """Two parts add up to the payment; a third cent is refused before the server is asked."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    refunds = refund_service(w, tmp_path)
    payment_id = refunds.sale(sale.id).card_payments[0].payment_id

    refunds.refund(w.cashier, RefundRequest(sale.id, usd(10_00), "Part", payment_id=payment_id))
    second = refunds.refund(
        w.cashier, RefundRequest(sale.id, usd(9_49), "Rest", payment_id=payment_id)
    )
    with pytest.raises(InvalidAmount, match=r"\$0\.00"):
        refunds.refund(w.cashier, RefundRequest(sale.id, usd(1), "More", payment_id=payment_id))

    assert second.balance_after == usd(50_00)
    assert w.balance(card.id) == 50_00


def test_store_credit_on_a_new_card_tells_its_number_once(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """A cash sale refunded onto a new card: active, holding the refund; its number is in the
    answer and nowhere in the register's database."""
    w = checkout_world
    sale = sale_paid_in_cash(w)
    refunds = refund_service(w, tmp_path)

    done = refunds.refund(w.cashier, RefundRequest(sale.id, usd(15_00), "Store credit"))

    assert done.number is not None and done.number.endswith(done.card_last4)
    card = w.client.lookup_card(done.number)
    assert card.status == "active" and card.balance.amount == 15_00
    assert done.number not in repr([row.__dict__ for row in _payouts(w)])


def test_store_credit_on_a_card_at_the_counter(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """The card the customer hands over, looked up first, gets the credit on its balance."""
    w = checkout_world
    sale = sale_paid_in_cash(w)
    card = w.issue_card(5_00)
    refunds = refund_service(w, tmp_path)
    presented = refunds.find_card(card.number)

    done = refunds.refund(w.cashier, RefundRequest(sale.id, usd(12_00), "Returned", card=presented))

    assert done.number is None
    assert done.balance_after == usd(17_00)
    assert w.balance(card.id) == 17_00


def test_store_credit_never_more_than_is_left_of_the_sale(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """Refunds of one sale, to its card and as credit, stay within its total."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    refunds = refund_service(w, tmp_path)
    payment_id = refunds.sale(sale.id).card_payments[0].payment_id
    refunds.refund(w.cashier, RefundRequest(sale.id, usd(15_00), "Part", payment_id=payment_id))

    with pytest.raises(InvalidAmount, match=r"\$4\.49"):
        refunds.refund(w.cashier, RefundRequest(sale.id, usd(4_50), "Credit"))

    assert w.balance(card.id) == 50_00 - CANDLE + 15_00


def test_refund_of_a_cashier_needs_a_manager_where_the_store_says_so(
    checkout_world: CheckoutWorld, tmp_path: Path, refunds_needing_a_manager: None
) -> None:
    """Without a manager's approval nothing is asked of the server; with it, the refund goes
    through naming the manager, and the approval waits to be pushed to the audit log."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    refunds = refund_service(w, tmp_path)
    payment_id = refunds.sale(sale.id).card_payments[0].payment_id
    request = RefundRequest(sale.id, usd(5_00), "Returned", payment_id=payment_id)

    with pytest.raises(ApprovalRefused):
        refunds.refund(w.cashier, request)
    assert w.balance(card.id) == 50_00 - CANDLE

    approval = manager_approval(w)
    refunds.refund(w.cashier, request, approval)

    assert w.balance(card.id) == 50_00 - CANDLE + 5_00
    assert [p.approved_by for p in _payouts(w)] == [approval.manager_id]
    with w.database.session() as db:
        recorded = db.execute(select(ApprovalOutbox.action, ApprovalOutbox.ticket_id)).all()
    assert recorded == [(ApprovalAction.REFUND.value, sale.id)]


def test_refund_without_the_manager_the_server_asks_for_is_refused(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """A register that has not pulled the store's new rule yet is refused by the server (403),
    and the refund is recorded as refused."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    refunds = refund_service(w, tmp_path)
    payment_id = refunds.sale(sale.id).card_payments[0].payment_id
    w.as_manager("PATCH", "/backoffice/store", json={"approvals": ["refund"]})  # not pulled
    try:
        with pytest.raises(ServerError) as refused:
            refunds.refund(
                w.cashier, RefundRequest(sale.id, usd(5_00), "Returned", payment_id=payment_id)
            )
    finally:
        w.as_manager("PATCH", "/backoffice/store", json={"approvals": []})

    assert refused.value.code == ErrorCode.FORBIDDEN
    assert [p.state for p in _payouts(w)] == ["refused"]
    assert w.balance(card.id) == 50_00 - CANDLE


class _GatewayErrorAfterForwarding(httpx.BaseTransport):
    """Passes every request to the real server but answers a refund or a cash-out with a 502
    of its own: the server gave the money, the register only hears of a gateway error."""

    def __init__(self) -> None:
        self._real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._real.handle_request(request)
        path = request.url.path
        if "/refunds/" not in path and not path.endswith("/cash-out"):
            return answer
        answer.read()
        answer.close()
        return httpx.Response(502, text="Bad gateway")

    def close(self) -> None:
        self._real.close()


def test_refund_asked_again_after_no_answer_is_given_once(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """The answer is lost after the server gave the refund: Try again, with the stored key,
    finds it, and the card got the money once."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    with ServerClient(
        w.server.base_url, w.client.register_token, transport=_GatewayErrorAfterForwarding()
    ) as behind_proxy:
        behind_proxy.open_session("1111")
        flaky = refund_service(w, tmp_path, client=behind_proxy)
        payment_id = flaky.sale(sale.id).card_payments[0].payment_id
        with pytest.raises(RefundUnsettled) as unsettled:
            flaky.refund(
                w.cashier, RefundRequest(sale.id, usd(CANDLE), "Returned", payment_id=payment_id)
            )
    assert [p.state for p in _payouts(w)] == ["asking"]

    done = refund_service(w, tmp_path).retry(unsettled.value.payout_id)

    assert done.balance_after == usd(50_00)
    assert w.balance(card.id) == 50_00
    refunds = [a for a in w.activities(card.id) if a["kind"] == "refund"]
    assert len(refunds) == 1
    assert [p.state for p in _payouts(w)] == ["done"]


def test_refund_of_a_sale_still_in_the_outbox_pushes_it_first(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """A cash sale is pushed by the relay later; a refund of it sends it at once."""
    w = checkout_world
    sale = sale_paid_in_cash(w)
    assert not w.ticket_on_server(sale.id)

    refund_service(w, tmp_path).refund(w.cashier, RefundRequest(sale.id, usd(1_00), "Oops"))

    assert w.ticket_on_server(sale.id)


def test_cash_out_pays_the_balance_and_records_the_cash(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """Under the store's threshold any employee cashes a card out: it ends at zero and the
    register counts the cash paid out."""
    w = checkout_world
    undo = set_store(w, cash_out_below=10_00)
    try:
        card = w.issue_card(4_00)
        offer = CashOutOffer(card.id, card.number, card.number[-4:], usd(4_00))

        done = refund_service(w, tmp_path).cash_out(w.cashier, offer)
    finally:
        undo()

    assert done.amount == usd(4_00) and done.balance_after == usd(0)
    assert not done.drawer  # no receipt printer on this register
    assert w.balance(card.id) == 0
    with w.database.session() as db:
        moved = db.execute(
            select(CashMovement.kind, CashMovement.amount, CashMovement.card_last4)
        ).all()
    assert moved == [("gift_card_cash_out", -4_00, card.number[-4:])]


class _Paper:
    name = "paper"

    def send(self, data: bytes) -> None:  # the jobs are read from the queue, not printed
        raise AssertionError("not started")


def _queued(w: CheckoutWorld) -> list[tuple[str, bytes]]:
    with w.database.session() as db:
        return [(row.kind, row.data) for row in db.execute(select(PrintJob)).scalars()]


def test_refund_prints_a_slip_with_the_masked_card(
    checkout_world: CheckoutWorld, tmp_path: Path
) -> None:
    """The slip says the refund, the card by its last 4 only, and its new balance."""
    w = checkout_world
    card = w.issue_card(50_00)
    sale = sale_paid_by_card(w, card)
    printing = PrintService(
        w.database, _Paper(), render_escpos, utc_now, render_slip=render_slip_escpos
    )
    refunds = refund_service(w, tmp_path, printing=printing)
    payment_id = refunds.sale(sale.id).card_payments[0].payment_id

    refunds.refund(w.cashier, RefundRequest(sale.id, usd(5_00), "Returned", payment_id=payment_id))

    slips = [data for kind, data in _queued(w) if kind == "slip"]
    assert len(slips) == 1
    text = slips[0].decode("cp437", errors="replace")
    assert "REFUNDED" in text and "$5.00" in text and "$35.51" in text
    assert card.number[-4:] in text and card.number not in text


def test_cash_out_opens_the_drawer(checkout_world: CheckoutWorld, tmp_path: Path) -> None:
    """With a receipt printer, the cash-out queues the drawer's kick."""
    w = checkout_world
    undo = set_store(w, cash_out_below=10_00)
    printing = PrintService(w.database, _Paper(), render_escpos, utc_now)
    try:
        card = w.issue_card(4_00)
        offer = CashOutOffer(card.id, card.number, card.number[-4:], usd(4_00))
        done = refund_service(w, tmp_path, printing=printing).cash_out(w.cashier, offer)
    finally:
        undo()

    assert done.drawer
    assert [kind for kind, _ in _queued(w)] == ["drawer"]
