"""Gift cards sold and reloaded on ticket lines, against a real server: the line appears
with the server's answer, the completed ticket loads the card, a removed line or a voided
ticket cancels it, and no gift card pays for one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import CardLine as CardLineRow
from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.domain.card_sale import CardLineKind, CardOrderRefused
from pos_desktop.domain.errors import GiftCardForGiftCard
from pos_desktop.domain.giftcard import Delivery
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.services.card_sales import CardSaleService
from pos_desktop.services.payments import NeedsServer
from pos_desktop.services.results import CardOrder
from pos_desktop.sync.client import ServerClient
from tests.fixtures.checkout import CheckoutWorld, utc_now


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def test_selling_a_card_the_server_numbers_adds_a_pending_line(
    checkout_world: CheckoutWorld,
) -> None:
    """The line shows the card's last 4; its full number is said once; the card holds
    nothing until the ticket completes."""
    w = checkout_world
    sold = w.cards.sell(w.cashier, CardOrder(usd(25_00)))

    line = sold.sale.lines[-1]
    assert line.card is not None and line.card.kind is CardLineKind.SALE
    assert line.name == f"Gift card •••• {line.card.last4}"
    assert line.unit_price == usd(25_00) and line.tax_rate_bp == 0
    assert sold.number is not None and sold.number.endswith(line.card.last4)
    shown = w.card(line.card.card_id)
    assert shown["status"] == "pending" and shown["balance"]["amount"] == 0


def test_selling_keeps_no_full_number_in_the_register(checkout_world: CheckoutWorld) -> None:
    """Answered, the request (and any number in it) is gone from the register's disk."""
    w = checkout_world
    number = generate_card_number()
    w.cards.sell(w.cashier, CardOrder(usd(10_00), number=number))

    with w.database.session() as db:
        rows = db.execute(select(CardLineRow)).scalars().all()
    assert [row.request for row in rows] == [None]
    assert number not in repr([row.__dict__ for row in rows])


def test_selling_a_blank_card_loads_it_when_the_ticket_is_paid(
    checkout_world: CheckoutWorld,
) -> None:
    """A blank's typed number becomes the card; cash completes the ticket, whose push loads
    it at once."""
    w = checkout_world
    number = generate_card_number()
    sold = w.cards.sell(w.cashier, CardOrder(usd(30_00), number=number))

    done = w.payments.take_cash(sold.sale.id, usd(30_00))

    card = sold.sale.lines[-1].card
    assert card is not None and sold.number is None
    assert done.status is SaleStatus.COMPLETED
    assert w.balance(card.card_id) == 30_00
    assert w.card(card.card_id)["status"] == "active"


def test_selling_below_the_store_minimum_is_refused_on_the_amount(
    checkout_world: CheckoutWorld,
) -> None:
    """The store's minimum ($1.00 by default) is said next to the amount; nothing is added."""
    w = checkout_world
    with pytest.raises(CardOrderRefused) as refused:
        w.cards.sell(w.cashier, CardOrder(usd(50)))
    assert refused.value.field == "amount" and "$1.00" in refused.value.message
    assert w.checkout.open_sale(w.cashier) is None


def test_selling_a_blank_number_in_use_is_refused_on_the_number(
    checkout_world: CheckoutWorld,
) -> None:
    w = checkout_world
    active = w.issue_card(10_00)
    with pytest.raises(CardOrderRefused) as refused:
        w.cards.sell(w.cashier, CardOrder(usd(10_00), number=active.number))
    assert refused.value.field == "number"
    sale = w.checkout.open_sale(w.cashier)
    assert sale is not None and sale.lines == ()


def test_selling_an_egift_for_later_keeps_its_time(checkout_world: CheckoutWorld) -> None:
    """The e-gift's recipient and its sending time (the store's clock) are on the line."""
    w = checkout_world
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    order = CardOrder(
        usd(40_00),
        egift=True,
        recipient_name="Robin",
        recipient_email="robin@example.com",
        message="Happy birthday",
        send_on=tomorrow.date(),
        send_at=tomorrow.time().replace(microsecond=0),
    )
    sold = w.cards.sell(w.cashier, order)

    card = sold.sale.lines[-1].card
    assert card is not None and card.delivery is Delivery.EMAIL
    assert card.recipient_name == "Robin" and card.deliver_at is not None
    assert sold.number is None
    assert w.card(card.card_id)["recipient_email"] == "robin@example.com"


def test_selling_a_reload_adds_value_when_the_ticket_completes(
    checkout_world: CheckoutWorld,
) -> None:
    w = checkout_world
    active = w.issue_card(20_00)
    sold = w.cards.reload(w.cashier, active.number, usd(15_00))

    assert sold.sale.lines[-1].name.startswith("Gift card reload ••••")
    assert w.balance(active.id) == 20_00
    w.payments.take_cash(sold.sale.id, usd(15_00))
    assert w.balance(active.id) == 35_00


def test_selling_removed_line_cancels_its_card(checkout_world: CheckoutWorld) -> None:
    """The line goes, and the server voids the unpaid card."""
    w = checkout_world
    sold = w.cards.sell(w.cashier, CardOrder(usd(15_00)))
    card = sold.sale.lines[-1].card
    assert card is not None

    left = w.checkout.remove_line(sold.sale.id, sold.line_id)
    w.cards.cancel_owed()

    assert left.lines == ()
    assert w.card(card.card_id)["status"] == "voided"


def test_selling_voided_ticket_cancels_its_cards(checkout_world: CheckoutWorld) -> None:
    w = checkout_world
    sold = w.cards.sell(w.cashier, CardOrder(usd(15_00)))
    card = sold.sale.lines[-1].card
    assert card is not None

    w.payments.void(sold.sale.id)
    w.cards.cancel_owed()

    assert w.card(card.card_id)["status"] == "voided"


def test_selling_gift_card_tender_is_refused_before_the_server(
    checkout_world: CheckoutWorld,
) -> None:
    """A ticket selling a card: the gift-card tender is refused, the paying card untouched."""
    w = checkout_world
    payer = w.issue_card(50_00)
    sold = w.cards.sell(w.cashier, CardOrder(usd(20_00)))

    with pytest.raises(GiftCardForGiftCard):
        w.payments.ensure_gift_card_may_pay(sold.sale.id)
    presented = w.payments.find_gift_card(payer.number)
    with pytest.raises(GiftCardForGiftCard):
        w.payments.pay_with_gift_card(sold.sale.id, presented, usd(20_00))
    assert w.balance(payer.id) == 50_00


def test_selling_without_the_server_says_so_and_adds_nothing(
    checkout_world: CheckoutWorld, unused_port_url: str, tmp_path: Path
) -> None:
    """No server: selling a card needs it, and the ticket is left as it was."""
    w = checkout_world
    with ServerClient(unused_port_url, "token", timeout=1) as offline:
        cards = CardSaleService(w.database, offline, utc_now)
        with pytest.raises(NeedsServer) as check:
            cards.check_server()
        with pytest.raises(NeedsServer):
            cards.sell(w.cashier, CardOrder(usd(10_00)))
    assert "needs the server" in check.value.message
    sale = w.checkout.open_sale(w.cashier)
    assert sale is not None and sale.lines == ()


def test_selling_a_lost_answer_is_cancelled_when_the_server_is_back(
    checkout_world: CheckoutWorld, unused_port_url: str
) -> None:
    """A sale whose answer never came is owed a cancel, asked once the server answers."""
    w = checkout_world
    with (
        ServerClient(unused_port_url, "token", timeout=1) as offline,
        pytest.raises(NeedsServer),
    ):
        CardSaleService(w.database, offline, utc_now).sell(w.cashier, CardOrder(usd(10_00)))

    assert w.cards.cancel_owed() == 1
    with w.database.session() as db:
        states = db.execute(select(CardLineRow.state)).scalars().all()
    assert states == ["cancelled"]


def test_selling_store_rules_carry_the_card_settings(checkout_world: CheckoutWorld) -> None:
    rules = checkout_world.checkout.rules()
    assert rules.min_card_amount == usd(1_00)
    assert rules.giftcard_pays_giftcard is False


def test_selling_completed_ticket_names_its_card_line(
    checkout_world: CheckoutWorld, register_db: RegisterDatabase
) -> None:
    """The ticket pushed carries the line's id: the server loads the card by it."""
    from pos_desktop.db import sales

    w = checkout_world
    sold = w.cards.sell(w.cashier, CardOrder(usd(12_00)))
    done = w.payments.take_cash(sold.sale.id, usd(12_00))

    wire = sales.to_wire(done)
    assert [line.id for line in wire.lines] == [sold.line_id]
    assert isinstance(sold.line_id, uuid.UUID)
    assert w.ticket_on_server(done.id)


def test_selling_cancel_owed_goes_with_the_outbox_relay(checkout_world: CheckoutWorld) -> None:
    """A line removed while the cancel could not be asked: the relay's next round asks it."""
    from pos_desktop.sync.relay import OutboxRelay

    w = checkout_world
    sold = w.cards.sell(w.cashier, CardOrder(usd(15_00)))
    card = sold.sale.lines[-1].card
    assert card is not None
    w.checkout.remove_line(sold.sale.id, sold.line_id)  # no call to the server here
    assert w.card(card.card_id)["status"] == "pending"

    OutboxRelay(w.database, w.client, utc_now).push_once()

    assert w.card(card.card_id)["status"] == "voided"
