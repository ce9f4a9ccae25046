"""The receipt model and its fixed-width text: money from the sale, masked cards, local time."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.money import MAX_MINOR_UNITS
from pos_desktop.domain.receipt import (
    MIN_WIDTH,
    PRICES_INCLUDE_TAX,
    receipt_for,
    receipt_text,
    text_columns,
    wrap_text,
)
from pos_desktop.domain.tender import PaymentState, TenderKind
from pos_desktop.domain.ticket import MAX_QUANTITY
from tests.fixtures.sales import (
    COMPLETED_AT,
    SALE_ID,
    card,
    cash,
    coffee_sale,
    completed_sale,
    gift_card,
    line,
    split_sale,
    store,
    usd,
)

REGISTER = "Register 2"


def amount_on(lines: list[str], label: str) -> str:
    """The amount at the right end of the row whose left part is ``label``."""
    for row in lines:
        left, _, amount = row.strip().rpartition(" ")
        if left.strip() == label:
            return amount
    raise AssertionError(f"no row {label!r} in {lines}")


def test_totals_equal_the_sale_s() -> None:
    sale = split_sale()
    receipt = receipt_for(sale, store(), REGISTER)
    assert receipt.subtotal == sale.totals.subtotal == usd(2795)
    assert receipt.tax == sale.totals.tax == usd(230)
    assert receipt.tip == usd(500)
    assert receipt.total == sale.grand_total == usd(3525)
    text = receipt_text(receipt)
    assert amount_on(text, "Subtotal") == "$27.95"
    assert amount_on(text, "Tax") == "$2.30"
    assert amount_on(text, "Tip") == "$5.00"
    assert amount_on(text, "TOTAL") == "$35.25"


def test_exclusive_prices_show_net_lines_that_add_up_to_the_subtotal() -> None:
    sale = coffee_sale(prices_include_tax=False)
    receipt = receipt_for(sale, store(prices_include_tax=False), REGISTER)
    assert [(r.name, r.quantity, r.unit_price, r.amount) for r in receipt.lines] == [
        ("Caffe Latte", 2, usd(450), usd(900)),
        ("Mug", 1, usd(1200), usd(1200)),
    ]
    assert sum(r.amount.minor for r in receipt.lines) == receipt.subtotal.minor
    assert receipt.total == receipt.subtotal + receipt.tax == usd(2273)
    assert receipt.note is None
    text = receipt_text(receipt)
    assert PRICES_INCLUDE_TAX not in "\n".join(text)
    assert "  2 x $4.50" in text


def test_inclusive_prices_show_shelf_prices_and_say_tax_is_included() -> None:
    sale = coffee_sale(prices_include_tax=True)
    receipt = receipt_for(sale, store(prices_include_tax=True), REGISTER)
    assert [r.amount for r in receipt.lines] == [usd(900), usd(1200)]
    assert sum(r.amount.minor for r in receipt.lines) == receipt.total.minor == 2100
    assert (receipt.subtotal, receipt.tax) == (sale.totals.subtotal, sale.totals.tax)
    assert receipt.subtotal + receipt.tax == receipt.total
    assert receipt.note == PRICES_INCLUDE_TAX
    text = receipt_text(receipt)
    assert amount_on(text, "Subtotal excl. tax") == "$19.40"
    assert text[-1].strip() == PRICES_INCLUDE_TAX


def test_the_sale_s_tax_mode_wins_over_the_store_s_current_one() -> None:
    """The store may switch modes later; the sale's totals were made with its own."""
    receipt = receipt_for(coffee_sale(prices_include_tax=True), store(), REGISTER)
    assert receipt.prices_include_tax
    assert receipt.total == usd(2100)


def test_cash_shows_what_was_handed_over_and_the_change() -> None:
    sale = coffee_sale()
    receipt = receipt_for(sale, store(), REGISTER)
    (payment,) = receipt.payments
    assert payment.kind is TenderKind.CASH
    assert (payment.covered, payment.tendered, payment.change) == (usd(2273), usd(2500), usd(227))
    assert receipt.change == sale.change == usd(227)
    text = receipt_text(receipt)
    assert amount_on(text, "Cash") == "$22.73"
    assert amount_on(text, "Tendered") == "$25.00"
    assert amount_on(text, "CHANGE") == "$2.27"


def test_no_change_row_without_change() -> None:
    text = receipt_text(receipt_for(split_sale(), store(), REGISTER))
    assert not any(row.startswith("CHANGE") for row in text)


def test_a_gift_card_shows_only_its_last_four_digits_and_the_balance_after() -> None:
    receipt = receipt_for(split_sale(), store(), REGISTER)
    gift = receipt.payments[0]
    assert gift.kind is TenderKind.GIFT_CARD
    assert gift.masked_card == "•••• 5184"
    assert gift.balance_after == usd(375)
    assert gift.reference is None
    text = receipt_text(receipt)
    assert amount_on(text, "Gift Card •••• 5184") == "$20.00"
    assert amount_on(text, "Card balance") == "$3.75"
    joined = "\n".join(text)
    assert "6035" not in joined
    assert "71849205" not in joined


def test_only_the_last_four_digits_even_if_the_reference_holds_the_number() -> None:
    leaky = replace(gift_card(2273, 0), card_last4=None, reference="6035718492055184")
    receipt = receipt_for(completed_sale(coffee_sale().lines, (leaky,)), store(), REGISTER)
    assert receipt.payments[0].masked_card == "•••• 5184"
    assert "60357184" not in "\n".join(receipt_text(receipt))


def test_refused_and_given_back_payments_are_not_on_the_receipt() -> None:
    sale = split_sale()
    reversed_card = gift_card(700, 4300, number="6035718492017333", state=PaymentState.REVERSED)
    sale = completed_sale(sale.lines, (*sale.payments, reversed_card), tip=500)
    receipt = receipt_for(sale, store(), REGISTER)
    assert [p.label for p in receipt.payments] == ["Gift Card", "Card"]
    joined = "\n".join(receipt_text(receipt))
    assert "•••• 0421" not in joined
    assert "•••• 7333" not in joined


def test_a_payment_covers_its_share_of_the_ticket_and_the_tip() -> None:
    receipt = receipt_for(split_sale(), store(), REGISTER)
    terminal = receipt.payments[1]
    assert terminal.covered == usd(1525)  # $10.25 of the ticket and the $5.00 tip
    assert terminal.reference == "AUTH 042117"
    assert terminal.tendered is None
    assert terminal.change is None
    assert "  Ref AUTH 042117" in receipt_text(receipt)
    assert sum(p.covered.minor for p in receipt.payments) == receipt.total.minor


def test_no_tip_row_without_a_tip() -> None:
    receipt = receipt_for(coffee_sale(), store(), REGISTER)
    assert receipt.tip is None
    assert not any(row.startswith("Tip") for row in receipt_text(receipt))


def test_header_names_store_register_ticket_and_cashier() -> None:
    receipt = receipt_for(coffee_sale(), store(), REGISTER)
    assert (receipt.store_name, receipt.register_name) == ("Corner Coffee & Gifts", REGISTER)
    assert (receipt.ticket_number, receipt.short_id) == (1042, SALE_ID.hex[:8])
    assert receipt.employee_name == "Dana Whitfield"
    text = receipt_text(receipt)
    assert text[0].strip() == "Corner Coffee & Gifts"
    assert text[1].strip() == REGISTER
    assert text[3].split() == ["Ticket", "#1042", SALE_ID.hex[:8]]
    assert "Cashier: Dana Whitfield" in text


def test_store_address_phone_and_header_print_under_its_name_and_the_footer_last() -> None:
    """What a manager sets for receipts prints on them: address, phone and header lines under
    the store's name, the footer after everything, with no control character reaching the
    printer and no empty line kept."""
    shop = replace(
        store(),
        address="12 Main St\nSpringfield",
        phone="(555) 010-0199",
        receipt_header="Open daily 7-19",
        receipt_footer="Thank you!\n\nReturns within 30 days\x1b@",
    )
    text = [row.strip() for row in receipt_text(receipt_for(coffee_sale(), shop, REGISTER))]
    assert text[:6] == [
        "Corner Coffee & Gifts",
        "12 Main St",
        "Springfield",
        "(555) 010-0199",
        "Open daily 7-19",
        REGISTER,
    ]
    assert text[-2:] == ["Thank you!", "Returns within 30 days @"]


def test_time_is_shown_on_the_store_s_clock() -> None:
    receipt = receipt_for(coffee_sale(), store(timezone="America/New_York"), REGISTER)
    assert receipt.completed_at == COMPLETED_AT
    assert receipt.completed_at.utcoffset() == timedelta(hours=-4)
    assert (receipt.completed_at.hour, receipt.completed_at.minute) == (14, 5)
    date_row = receipt_text(receipt)[4]
    assert date_row.startswith("Jul 4, 2024")
    assert date_row.replace("\u202f", " ").endswith("2:05 PM")


def test_time_may_fall_on_the_next_day_locally() -> None:
    receipt = receipt_for(coffee_sale(), store(timezone="Asia/Tokyo"), REGISTER)
    assert (receipt.completed_at.day, receipt.completed_at.hour) == (5, 3)
    assert receipt_text(receipt)[4].startswith("Jul 5, 2024")


def test_an_unknown_zone_falls_back_to_utc() -> None:
    for zone in ("Mars/Olympus_Mons", "", "../../etc/passwd"):
        receipt = receipt_for(coffee_sale(), store(timezone=zone), REGISTER)
        assert receipt.completed_at.utcoffset() == timedelta(0)
        assert receipt.completed_at.hour == 18


def test_a_naive_time_is_taken_as_utc() -> None:
    sale = completed_sale(coffee_sale().lines, (), completed_at=COMPLETED_AT.replace(tzinfo=None))
    receipt = receipt_for(sale, store(timezone="America/New_York"), REGISTER)
    assert receipt.completed_at.hour == 14


def test_money_follows_the_store_s_locale_and_an_unknown_one_falls_back() -> None:
    german = receipt_text(receipt_for(coffee_sale(), store(locale="de_DE"), REGISTER))
    assert any(row.endswith("22,73\xa0$") for row in german)
    fallback = receipt_for(coffee_sale(), store(locale="xx_YY"), REGISTER)
    assert fallback.locale == "en_US"
    assert amount_on(receipt_text(fallback), "TOTAL") == "$22.73"


def test_a_sale_that_is_not_completed_has_no_receipt() -> None:
    sale = completed_sale(coffee_sale().lines, ())
    open_sale = type(sale)(
        id=uuid.uuid4(),
        employee_id=sale.employee_id,
        employee_name="Dana",
        currency="USD",
        prices_include_tax=False,
        opened_at=COMPLETED_AT,
    )
    with pytest.raises(ValueError, match="completed"):
        receipt_for(open_sale, store(), REGISTER)


def test_long_names_wrap_with_the_amount_on_their_first_row() -> None:
    text = receipt_text(receipt_for(split_sale(), store(), REGISTER))
    first = text.index(next(row for row in text if row.startswith("Single-origin")))
    assert text[first].endswith("$18.95")
    assert len(text[first]) == 42
    assert text[first + 1] == "whole beans, 340 g bag"


def test_control_characters_never_reach_the_text() -> None:
    lines = (line("Mug\x1b@\x1dV\x00 red\nlarge\u200b", 1200),)
    sale = completed_sale(lines, (cash(1299, 1299),), employee_name="Dana\r\nX")
    text = receipt_text(receipt_for(sale, store(name="Shop\x07"), "Reg\t1"))
    joined = "".join(text)
    assert not [char for char in joined if unicodedata.category(char)[0] == "C"]
    assert "Mug @ V red large" in joined
    assert "Cashier: Dana X" in joined


@pytest.mark.parametrize("width", [MIN_WIDTH, 32, 42, 48, 64])
def test_rows_fit_the_width(width: int) -> None:
    for sale in (coffee_sale(), split_sale(), coffee_sale(prices_include_tax=True)):
        text = receipt_text(receipt_for(sale, store(name="A" * 100), REGISTER), width)
        assert all(len(row) <= width for row in text), text
        assert any(len(row) == width for row in text)


def test_a_width_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        receipt_text(receipt_for(coffee_sale(), store(), REGISTER), MIN_WIDTH - 1)


def test_wide_characters_take_two_columns() -> None:
    assert text_columns("抹茶") == 4
    assert all(text_columns(part) <= 5 for part in wrap_text("抹茶ラテ 抹茶ラテ", 5))


names = st.text(min_size=1, max_size=120)
amounts = st.integers(min_value=0, max_value=MAX_MINOR_UNITS // MAX_QUANTITY)
quantities = st.integers(min_value=1, max_value=MAX_QUANTITY)


@given(
    items=st.lists(st.tuples(names, amounts, quantities), min_size=1, max_size=6),
    store_name=names,
    cashier=names,
    width=st.integers(min_value=MIN_WIDTH, max_value=80),
)
def test_any_names_and_quantities_fit_the_width(
    items: list[tuple[str, int, int]], store_name: str, cashier: str, width: int
) -> None:
    lines = tuple(line(name, price, quantity) for name, price, quantity in items)
    sale = completed_sale(lines, (card(1),), employee_name=cashier, tip=1)
    text = receipt_text(receipt_for(sale, store(name=store_name), REGISTER), width)
    for row in text:
        assert len(row) <= width
        assert text_columns(row) <= width


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(
    name=st.lists(words, min_size=1, max_size=12).map(" ".join),
    quantity=quantities,
    width=st.integers(min_value=MIN_WIDTH, max_value=80),
)
def test_short_words_of_a_name_are_never_broken(name: str, quantity: int, width: int) -> None:
    sale = completed_sale((line(name, 99_999, quantity),), ())
    text = receipt_text(receipt_for(sale, store(), REGISTER), width)
    printed = {word for row in text for word in row.split()}
    assert set(name.split()) <= printed
