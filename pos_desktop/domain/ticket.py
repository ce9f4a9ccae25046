"""A ticket's lines and totals: quantities, per-product tax, tax-inclusive or exclusive prices.

Tax is computed per line in integer minor units and rounded half up, so the receipt's line
taxes always add up to its tax total; the totals are never computed from floats.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from pos_desktop.domain.card_sale import CardLine
from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money, divide_half_up

BASIS_POINTS = 10_000
MAX_QUANTITY = 999
MAX_LINES = 200


class TicketRefused(DomainError):
    """A change the ticket cannot take (too many lines, quantity out of range, ...)."""

    code = ErrorCode.TICKET_REFUSED


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net: Money
    tax: Money
    gross: Money


def line_amounts(
    unit_price: Money, quantity: int, tax_rate_bp: int, prices_include_tax: bool
) -> LineAmounts:
    """Net, tax and gross of ``quantity`` units; a price includes its tax when the store says so."""
    extended = unit_price.minor * quantity
    if prices_include_tax:
        net = divide_half_up(extended * BASIS_POINTS, BASIS_POINTS + tax_rate_bp)
        tax = extended - net
    else:
        net = extended
        tax = divide_half_up(extended * tax_rate_bp, BASIS_POINTS)
    currency = unit_price.currency
    return LineAmounts(Money(net, currency), Money(tax, currency), Money(net + tax, currency))


@dataclass(frozen=True, slots=True)
class TicketLine:
    id: uuid.UUID
    product_id: uuid.UUID | None
    name: str
    unit_price: Money
    quantity: int
    tax_rate_bp: int
    # A gift card sold or reloaded on this line (no tax: a card's value is not revenue).
    card: CardLine | None = None

    def amounts(self, prices_include_tax: bool) -> LineAmounts:
        return line_amounts(self.unit_price, self.quantity, self.tax_rate_bp, prices_include_tax)


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Money  # before tax
    tax: Money
    total: Money  # what the goods cost, tip not included


def ticket_totals(lines: Iterable[TicketLine], currency: str, prices_include_tax: bool) -> Totals:
    net = tax = 0
    for line in lines:
        amounts = line.amounts(prices_include_tax)
        net += amounts.net.minor
        tax += amounts.tax.minor
    return Totals(Money(net, currency), Money(tax, currency), Money(net + tax, currency))


def check_quantity(quantity: int) -> int:
    if quantity < 1:
        raise TicketRefused("A line needs a quantity of at least 1; remove it instead.")
    if quantity > MAX_QUANTITY:
        raise TicketRefused(f"A line holds at most {MAX_QUANTITY} of an item.")
    return quantity


def check_room_for_line(line_count: int) -> None:
    if line_count >= MAX_LINES:
        raise TicketRefused(f"A ticket holds at most {MAX_LINES} lines. Pay this one first.")


def check_total_in_range(total: Money) -> None:
    if total.minor > MAX_MINOR_UNITS:
        raise TicketRefused("That would make the ticket total too large.")
