"""Ticket lines and totals: per-product tax, inclusive or exclusive prices, integer rounding."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.money import Money
from pos_desktop.domain.ticket import (
    MAX_QUANTITY,
    TicketLine,
    TicketRefused,
    check_quantity,
    line_amounts,
    ticket_totals,
)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def line(price: int, quantity: int = 1, tax_bp: int = 825) -> TicketLine:
    return TicketLine(uuid.uuid4(), None, "Item", usd(price), quantity, tax_bp)


def test_line_amounts_add_tax_on_top_of_exclusive_prices() -> None:
    """$4.50 at 8.25 % is $0.37 tax (0.37125 rounds down), $4.87 in all."""
    amounts = line_amounts(usd(450), 1, 825, prices_include_tax=False)
    assert (amounts.net, amounts.tax, amounts.gross) == (usd(450), usd(37), usd(487))


def test_line_amounts_take_tax_out_of_inclusive_prices() -> None:
    """A $10.00 price that includes 8.25 % holds $0.76 tax: the shelf price is what is paid."""
    amounts = line_amounts(usd(1000), 1, 825, prices_include_tax=True)
    assert (amounts.net, amounts.tax, amounts.gross) == (usd(924), usd(76), usd(1000))


def test_line_amounts_round_half_up() -> None:
    """Half a cent of tax rounds up: 10 % of $0.05 is $0.01."""
    assert line_amounts(usd(5), 1, 1000, prices_include_tax=False).tax == usd(1)


def test_ticket_totals_are_the_sum_of_the_lines() -> None:
    """Subtotal, tax and total add up line by line, as the receipt prints them."""
    totals = ticket_totals([line(450, 2), line(375, 1, 0)], "USD", prices_include_tax=False)
    assert totals.subtotal == usd(1275)
    assert totals.tax == usd(74)
    assert totals.total == usd(1349)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1_000_000),
            st.integers(min_value=1, max_value=MAX_QUANTITY),
            st.integers(min_value=0, max_value=3000),
        ),
        max_size=20,
    ),
    st.booleans(),
)
def test_ticket_totals_always_balance(rows: list[tuple[int, int, int]], inclusive: bool) -> None:
    """Whatever the prices and rates, subtotal + tax == total, and inclusive totals are the
    shelf prices exactly."""
    lines = [line(price, qty, bp) for price, qty, bp in rows]
    totals = ticket_totals(lines, "USD", prices_include_tax=inclusive)
    assert totals.subtotal + totals.tax == totals.total
    assert totals.tax.minor >= 0
    if inclusive:
        assert totals.total.minor == sum(price * qty for price, qty, _ in rows)


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_check_quantity_refuses_out_of_range(quantity: int) -> None:
    """A line's quantity stays between 1 and the maximum; removing a line is its own action."""
    with pytest.raises(TicketRefused):
        check_quantity(quantity)
