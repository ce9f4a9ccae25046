"""Tenders against a real server: cash, card, gift cards in full and in part, reversal, void."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from pos_desktop.db import outbox
from pos_desktop.db.models import Payment as PaymentRow
from pos_desktop.domain.errors import (
    INSUFFICIENT_BALANCE_MESSAGE,
    InsufficientBalance,
    InvalidAmount,
)
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.tender import PaymentState, TenderKind, TenderRefused
from pos_desktop.services.payments import PaymentService
from pos_desktop.services.results import GiftCardPaid, PartialRedeem, PaymentUnsettled
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.checkout import CheckoutWorld, utc_now


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def ring_up(w: CheckoutWorld, *names: str) -> Sale:
    sale = None
    for name in names:
        sale = w.checkout.add_product(w.cashier, w.product(name).id)
    assert sale is not None
    return sale


def test_payments_cash_over_the_due_completes_with_change(checkout_world: CheckoutWorld) -> None:
    """$20 on a $4.87 ticket completes it, $15.13 change, and queues it for the server."""
    w = checkout_world
    sale = ring_up(w, "Cappuccino")
    done = w.payments.take_cash(sale.id, usd(2000))
    assert done.status is SaleStatus.COMPLETED
    assert done.change == usd(1513)
    assert w.finished == [1]


def test_payments_gift_card_with_enough_balance_pays_all_and_completes(
    checkout_world: CheckoutWorld,
) -> None:
    """Seed 004 2.1: balance >= due redeems the due and completes the payment."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Scented candle")  # $19.49
    summary = w.payments.find_gift_card(card.number)
    outcome = w.payments.pay_with_gift_card(sale.id, summary, sale.amount_due)
    assert isinstance(outcome, GiftCardPaid)
    assert outcome.sale.status is SaleStatus.COMPLETED
    assert outcome.payment.balance_after == usd(5000 - 1949)
    assert w.balance(card.id) == 5000 - 1949


def test_payments_zero_balance_card_fails_with_the_seed_message(
    checkout_world: CheckoutWorld,
) -> None:
    """Seed 004 2.2: a $0.00 card is refused with the exact message; nothing is recorded."""
    w = checkout_world
    card = w.issue_card(500)
    sale = ring_up(w, "Espresso", "Espresso")  # $6.50
    w.payments.pay_partial(sale.id, w.payments.find_gift_card(card.number), usd(500))
    empty = w.payments.find_gift_card(card.number)
    assert empty.summary.balance == usd(0)
    with pytest.raises(InsufficientBalance) as refused:
        w.payments.pay_with_gift_card(sale.id, empty, usd(150))
    assert refused.value.message == INSUFFICIENT_BALANCE_MESSAGE
    assert len(w.payments.load(sale.id).payments) == 1


def test_payments_amount_over_balance_asks_for_a_partial_redeem(
    checkout_world: CheckoutWorld,
) -> None:
    """Seed 004 2.3: over the balance opens Partial Redeem; confirming redeems and leaves due."""
    w = checkout_world
    card = w.issue_card(1000)
    sale = ring_up(w, "Scented candle")  # $19.49
    summary = w.payments.find_gift_card(card.number)
    outcome = w.payments.pay_with_gift_card(sale.id, summary, sale.amount_due)
    assert isinstance(outcome, PartialRedeem)
    assert outcome.max_amount == usd(1000)
    paid = w.payments.pay_partial(sale.id, summary, usd(1000))
    assert paid.payment.balance_after == usd(0)
    assert paid.sale.amount_due == usd(949)
    assert paid.sale.status is SaleStatus.OPEN


def test_payments_partial_amount_above_balance_is_refused(checkout_world: CheckoutWorld) -> None:
    """The Partial Redeem amount cannot exceed the card's balance."""
    w = checkout_world
    card = w.issue_card(1000)
    sale = ring_up(w, "Scented candle")
    summary = w.payments.find_gift_card(card.number)
    with pytest.raises(InvalidAmount, match="at most the current balance"):
        w.payments.pay_partial(sale.id, summary, usd(1001))
    assert w.balance(card.id) == 1000


def test_payments_tip_is_covered_by_what_is_left_after_the_amount(
    checkout_world: CheckoutWorld,
) -> None:
    """Seed 004 2.4: $19.49 + $4.00 tip on a $21.00 card: ticket paid, $1.51 of the tip
    covered, $2.49 tip still due on another tender."""
    w = checkout_world
    card = w.issue_card(2100)
    sale = ring_up(w, "Scented candle")
    w.checkout.set_tip_amount(sale.id, "4.00")
    sale = w.payments.load(sale.id)
    paid = w.payments.pay_with_gift_card(
        sale.id, w.payments.find_gift_card(card.number), sale.amount_due
    )
    assert isinstance(paid, GiftCardPaid)
    assert (paid.payment.amount, paid.payment.tip) == (usd(1949), usd(151))
    assert paid.sale.dues.tip == usd(249)
    assert w.balance(card.id) == 0
    done = w.payments.take_cash(sale.id, usd(249))
    assert done.status is SaleStatus.COMPLETED


def test_payments_two_gift_cards_and_cash_pay_one_ticket(checkout_world: CheckoutWorld) -> None:
    """Several gift cards on a ticket, each its own line, and cash for the rest."""
    w = checkout_world
    first, second = w.issue_card(500), w.issue_card(800)
    sale = ring_up(w, "Scented candle")  # $19.49
    for card in (first, second):
        summary = w.payments.find_gift_card(card.number)
        outcome = w.payments.pay_with_gift_card(
            sale.id, summary, w.payments.load(sale.id).amount_due
        )
        assert isinstance(outcome, PartialRedeem)
        w.payments.pay_partial(sale.id, summary, summary.summary.balance)
    done = w.payments.take_cash(sale.id, usd(649))
    assert done.status is SaleStatus.COMPLETED
    kinds = [(p.kind, p.amount) for p in done.visible_payments]
    assert kinds == [
        (TenderKind.GIFT_CARD, usd(500)),
        (TenderKind.GIFT_CARD, usd(800)),
        (TenderKind.CASH, usd(649)),
    ]


def test_payments_removing_a_gift_card_tender_gives_the_money_back(
    checkout_world: CheckoutWorld,
) -> None:
    """Rule 6: removing the tender reverses the redemption; the card's balance is restored."""
    w = checkout_world
    card = w.issue_card(1000)
    sale = ring_up(w, "Scented candle")
    summary = w.payments.find_gift_card(card.number)
    paid = w.payments.pay_partial(sale.id, summary, usd(600))
    assert w.balance(card.id) == 400
    after = w.payments.remove_payment(sale.id, paid.payment.id)
    assert after.visible_payments == ()
    assert after.amount_due == usd(1949)
    assert w.balance(card.id) == 1000
    assert [a["kind"] for a in w.activities(card.id)][:2] == ["reverse", "redeem"]


def test_payments_void_reverses_every_gift_card(checkout_world: CheckoutWorld) -> None:
    """Voiding a ticket gives every card on it its money back, then voids it."""
    w = checkout_world
    card = w.issue_card(1000)
    sale = ring_up(w, "Scented candle")
    w.payments.pay_partial(sale.id, w.payments.find_gift_card(card.number), usd(700))
    voided = w.payments.void(sale.id)
    assert voided.status is SaleStatus.VOIDED
    assert w.balance(card.id) == 1000


def test_payments_unanswered_redemption_is_settled_with_its_key(
    checkout_world: CheckoutWorld, silent_server_url: str
) -> None:
    """A redemption whose answer never came is asked again with the same key: paid once."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Mug")
    summary = w.payments.find_gift_card(card.number)
    with ServerClient(silent_server_url, w.client.register_token, timeout=0.5) as silent:
        cut_off = PaymentService(w.database, silent, utc_now)
        with pytest.raises(PaymentUnsettled):
            cut_off.pay_with_gift_card(sale.id, summary, usd(500))
    pending = w.payments.load(sale.id)
    assert [p.state for p in pending.payments] == [PaymentState.PENDING]
    with pytest.raises(TenderRefused):
        w.payments.remove_payment(sale.id, pending.payments[0].id)
    settled = w.payments.settle(sale.id)
    assert [p.state for p in settled.payments] == [PaymentState.APPROVED]
    settled_again = w.payments.settle(sale.id)
    assert settled_again.payments == settled.payments
    assert w.balance(card.id) == 4500


class _GatewayErrorAfterForwarding(httpx.BaseTransport):
    """A proxy that passes every request to the real server, but answers a redemption with a
    502 of its own: the server did redeem, the register only hears of a gateway error."""

    def __init__(self) -> None:
        self._real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._real.handle_request(request)
        if not request.url.path.endswith("/redeem"):
            return answer
        answer.read()
        answer.close()
        return httpx.Response(502, text="Bad gateway")

    def close(self) -> None:
        self._real.close()


def test_payments_gateway_error_after_the_server_acted_is_settled_not_lost(
    checkout_world: CheckoutWorld,
) -> None:
    """A 5xx says nothing about whether the card was charged: the payment stays pending and the
    replay of its key finds the charge, so the card is charged once and the ticket counts it."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Mug")
    summary = w.payments.find_gift_card(card.number)
    with ServerClient(
        w.server.base_url, w.client.register_token, transport=_GatewayErrorAfterForwarding()
    ) as behind_proxy:
        behind_proxy.open_session("1111")
        flaky = PaymentService(w.database, behind_proxy, utc_now)
        with pytest.raises(PaymentUnsettled):
            flaky.pay_with_gift_card(sale.id, summary, usd(500))
    assert w.balance(card.id) == 4500
    assert [p.state for p in w.payments.load(sale.id).payments] == [PaymentState.PENDING]
    settled = w.payments.settle(sale.id)
    assert [(p.state, p.amount) for p in settled.payments] == [(PaymentState.APPROVED, usd(500))]
    assert w.balance(card.id) == 4500


def _stored_card_numbers(w: CheckoutWorld) -> list[str | None]:
    with w.database.session() as db:
        return list(db.execute(select(PaymentRow.card_number)).scalars())


def test_payments_card_number_is_kept_only_until_the_server_answers(
    checkout_world: CheckoutWorld, silent_server_url: str
) -> None:
    """An unanswered redemption keeps the number it must be asked again with; the answer
    erases it, so the register's database holds no number of a settled payment."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Mug")
    presented = w.payments.find_gift_card(card.number)
    with (
        ServerClient(silent_server_url, w.client.register_token, timeout=0.5) as silent,
        pytest.raises(PaymentUnsettled),
    ):
        PaymentService(w.database, silent, utc_now).pay_with_gift_card(sale.id, presented, usd(500))
    assert _stored_card_numbers(w) == [card.number]

    w.payments.settle(sale.id)

    assert _stored_card_numbers(w) == [None]
    assert w.balance(card.id) == 4500


def test_payments_ticket_paid_by_gift_card_reaches_the_server_at_once(
    checkout_world: CheckoutWorld,
) -> None:
    """Completing a ticket a gift card paid tells the server before the sale is shown done
    (no relay runs here), so its redemption can no longer be given back."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Scented candle")
    paid = w.payments.pay_with_gift_card(
        sale.id, w.payments.find_gift_card(card.number), sale.amount_due
    )
    assert isinstance(paid, GiftCardPaid) and paid.sale.status is SaleStatus.COMPLETED
    assert w.ticket_on_server(sale.id)
    assert w.activities(card.id)[0]["ticket_number"] == sale.number

    activity_id = paid.payment.activity_id
    assert activity_id is not None
    with pytest.raises(ServerError) as refused:
        w.client.reverse(activity_id, sale.id, "late-reverse")
    assert refused.value.code == "ticket_completed"
    assert w.balance(card.id) == 5000 - sale.amount_due.minor


def test_payments_cash_ticket_waits_for_the_outbox(checkout_world: CheckoutWorld) -> None:
    """A ticket no gift card paid is not pushed at once: the outbox relay takes it."""
    w = checkout_world
    sale = ring_up(w, "Cappuccino")
    w.payments.take_cash(sale.id, usd(2000))
    assert not w.ticket_on_server(sale.id)


def test_payments_ticket_completes_even_if_reporting_it_fails(
    checkout_world: CheckoutWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while telling the server at once (a bug, a damaged answer) does not turn a
    paid ticket into an error: it is completed and waits in the outbox."""
    w = checkout_world
    card = w.issue_card(5000)
    sale = ring_up(w, "Scented candle")

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("the relay broke")

    monkeypatch.setattr(OutboxRelay, "push_once", broken)
    paid = w.payments.pay_with_gift_card(
        sale.id, w.payments.find_gift_card(card.number), sale.amount_due
    )

    assert isinstance(paid, GiftCardPaid) and paid.sale.status is SaleStatus.COMPLETED
    assert not w.ticket_on_server(sale.id)
    with w.database.session() as db:
        assert outbox.waiting_count(db) == 1
