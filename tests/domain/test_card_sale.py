"""Gift cards on ticket lines: the store's range, an e-gift's recipient and time, no tax or
tip on a card's value, and no gift card paying for one unless the store allows it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from pos_desktop.domain.card_sale import (
    CardLimits,
    CardLine,
    CardLineKind,
    CardOrderRefused,
    card_line_name,
    check_card_amount,
    check_egift,
    deliver_at,
    ensure_gift_card_may_pay,
)
from pos_desktop.domain.errors import GiftCardForGiftCard
from pos_desktop.domain.giftcard import Delivery
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.ticket import TicketLine

LIMITS = CardLimits(Money(5_00, "USD"), Money(500_00, "USD"))
NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def sale_of(*lines: TicketLine) -> Sale:
    return Sale(
        id=uuid.uuid4(),
        employee_id=uuid.uuid4(),
        employee_name="Casey",
        currency="USD",
        prices_include_tax=False,
        opened_at=NOW,
        lines=lines,
    )


def goods(price: int) -> TicketLine:
    return TicketLine(uuid.uuid4(), uuid.uuid4(), "Mug", usd(price), 1, 825)


def card_line(amount: int) -> TicketLine:
    card = CardLine(CardLineKind.SALE, uuid.uuid4(), "4321", Delivery.PHYSICAL)
    return TicketLine(uuid.uuid4(), None, "Gift card •••• 4321", usd(amount), 1, 0, card)


@pytest.mark.parametrize("amount", [500, 2500, 50000])
def test_card_amount_within_the_store_range_is_taken(amount: int) -> None:
    """From the store's minimum to its maximum, both included."""
    assert check_card_amount(usd(amount), LIMITS) == usd(amount)


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        (None, "Enter the amount"),
        (0, "Enter the amount"),
        (499, "at least $5.00"),
        (50001, "at most $500.00"),
    ],
)
def test_card_amount_outside_the_range_is_refused_on_the_amount(
    amount: int | None, said: str
) -> None:
    """Each refusal names the limit and is said next to the amount."""
    with pytest.raises(CardOrderRefused) as refused:
        check_card_amount(usd(amount) if amount is not None else None, LIMITS)
    assert said in refused.value.message
    assert refused.value.field == "amount"


def test_card_limits_without_a_store_minimum_start_at_one_cent() -> None:
    """A server from before card sales sends no minimum: one minor unit is the least."""
    assert CardLimits.of(None, usd(500_00)).minimum == usd(1)


def test_card_egift_needs_a_name_and_an_address() -> None:
    """The recipient's name and a whole e-mail address, each refusal on its field."""
    with pytest.raises(CardOrderRefused) as no_name:
        check_egift("  ", "robin@example.com", "")
    with pytest.raises(CardOrderRefused) as bad_address:
        check_egift("Robin", "robin@", "")
    assert no_name.value.field == "recipient_name"
    assert bad_address.value.field == "recipient_email"


def test_card_egift_keeps_its_message_trimmed() -> None:
    egift = check_egift(" Robin  Lee ", " robin@example.com ", "  Happy birthday ")
    assert egift.recipient_name == "Robin Lee"
    assert egift.recipient_email == "robin@example.com"
    assert egift.message == "Happy birthday"


def test_card_deliver_at_is_the_store_clock_in_utc() -> None:
    """9:00 on the 24th in New York is 14:00 UTC (winter)."""
    when = deliver_at(date(2026, 12, 24), time(9, 0), "America/New_York", NOW)
    assert when == datetime(2026, 12, 24, 14, 0, tzinfo=UTC)


def test_card_deliver_at_in_the_past_is_refused() -> None:
    with pytest.raises(CardOrderRefused) as refused:
        deliver_at(date(2026, 12, 5), time(9, 0), "America/New_York", NOW)
    assert refused.value.field == "deliver_at"


def test_card_line_names_say_the_kind_and_the_last_4() -> None:
    assert card_line_name(CardLineKind.SALE, "4321", Delivery.PHYSICAL) == "Gift card •••• 4321"
    assert card_line_name(CardLineKind.SALE, "4321", Delivery.EMAIL) == "E-gift card •••• 4321"
    assert card_line_name(CardLineKind.RELOAD, "4321") == "Gift card reload •••• 4321"


def test_card_line_takes_no_tax_and_no_tip() -> None:
    """A $25 card beside a $10 mug: tax on the mug only, and the tip base is the mug."""
    sale = sale_of(goods(10_00), card_line(25_00))
    assert sale.totals.tax == usd(83)
    assert sale.totals.total == usd(35_83)
    assert sale.tippable_totals.subtotal == usd(10_00)
    assert sale.sells_gift_cards


def test_card_gift_card_tender_refused_on_a_ticket_selling_one() -> None:
    with pytest.raises(GiftCardForGiftCard) as refused:
        ensure_gift_card_may_pay(sells_gift_cards=True, giftcard_pays_giftcard=False)
    assert "a gift card cannot pay for a gift card" in refused.value.message


def test_card_gift_card_tender_allowed_where_the_store_says_so() -> None:
    ensure_gift_card_may_pay(sells_gift_cards=True, giftcard_pays_giftcard=True)
    ensure_gift_card_may_pay(sells_gift_cards=False, giftcard_pays_giftcard=False)
