"""One sale as the register holds it: lines, tip and tenders, and what follows from them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import Dues, Payment, can_complete, dues
from pos_desktop.domain.ticket import TicketLine, TicketRefused, Totals, ticket_totals


class SaleStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class Sale:
    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: str
    currency: str
    prices_include_tax: bool
    opened_at: datetime
    status: SaleStatus = SaleStatus.OPEN
    tip: Money | None = None
    # The preset percent the tip was set from: None for a custom tip, and once the lines change.
    tip_percent: int | None = None
    lines: tuple[TicketLine, ...] = ()
    payments: tuple[Payment, ...] = ()
    completed_at: datetime | None = None
    number: int | None = field(default=None)  # the register's running ticket number
    # Managers' approvals of what was done to the ticket (void, a line removed after a tender).
    approvals: tuple[Approval, ...] = ()

    @property
    def tip_amount(self) -> Money:
        return self.tip if self.tip is not None else Money.zero(self.currency)

    @property
    def tip_preset(self) -> int | None:
        """The tip preset Pay shows selected: the percent the tip was set from, 0 ("No tip")
        when there is no tip, None for a custom tip.

        The percent is stored with the sale rather than found by comparing the tip with each
        preset's amount: on a small ticket two presets give the same cents (10% and 15% of
        $0.05 are both $0.01), and a custom tip can equal a preset's amount by chance."""
        if self.tip_percent is not None:
            return self.tip_percent
        return 0 if self.tip_amount.is_zero() else None

    @property
    def totals(self) -> Totals:
        return ticket_totals(self.lines, self.currency, self.prices_include_tax)

    @property
    def card_lines(self) -> tuple[TicketLine, ...]:
        """The lines that sell or reload a gift card."""
        return tuple(line for line in self.lines if line.card is not None)

    @property
    def sells_gift_cards(self) -> bool:
        return any(line.card is not None for line in self.lines)

    @property
    def tippable_totals(self) -> Totals:
        """The goods a tip percentage is taken on: a gift card's value takes no tip."""
        goods = (line for line in self.lines if line.card is None)
        return ticket_totals(goods, self.currency, self.prices_include_tax)

    @property
    def dues(self) -> Dues:
        return dues(self.totals.total, self.tip_amount, self.payments)

    @property
    def amount_due(self) -> Money:
        return self.dues.total

    @property
    def grand_total(self) -> Money:
        return self.totals.total + self.tip_amount

    @property
    def visible_payments(self) -> tuple[Payment, ...]:
        """The tenders the cashier sees: refused and given-back ones are gone from the list."""
        return tuple(p for p in self.payments if p.holds_money)

    @property
    def can_complete(self) -> bool:
        return bool(self.lines) and can_complete(self.totals.total, self.tip_amount, self.payments)

    @property
    def has_payments(self) -> bool:
        return bool(self.visible_payments)

    @property
    def change(self) -> Money:
        total = Money.zero(self.currency)
        for payment in self.visible_payments:
            total += payment.change
        return total

    def ensure_open(self) -> None:
        if self.status is not SaleStatus.OPEN:
            raise TicketRefused(f"This ticket is {self.status.value}; start a new one.")

    def ensure_lines_editable(self) -> None:
        """Lines are fixed once money is taken: a changed total would not match the tenders."""
        self.ensure_open()
        if self.has_payments:
            raise TicketRefused("Remove the payments before changing the ticket.")

    def line_removable_after_tender(self, line_id: uuid.UUID) -> TicketLine | None:
        """The line ``line_id`` (None: not on the ticket) if it may leave a ticket that has
        payments: the ticket keeps an item, and what the payments paid towards the goods still
        fits the smaller total, so no money taken is more than the ticket."""
        self.ensure_open()
        line = next((line for line in self.lines if line.id == line_id), None)
        if line is None:
            return None
        rest = tuple(other for other in self.lines if other.id != line_id)
        if not rest:
            raise TicketRefused("This is the ticket's last item: void the ticket instead.")
        paid = Money.zero(self.currency)
        for payment in self.visible_payments:
            paid += payment.amount
        if paid > ticket_totals(rest, self.currency, self.prices_include_tax).total:
            raise TicketRefused(
                "The payments come to more than the ticket would without this item. "
                "Remove a payment first."
            )
        return line

    def check_tip(self, tip: Money) -> Money:
        self.ensure_lines_editable()
        if tip.minor < 0:
            raise InvalidAmount("A tip cannot be negative.")
        if tip > self.totals.total:
            # A tip above the ticket itself is almost always a missed decimal point.
            raise InvalidAmount("A tip can be at most the ticket total.")
        return tip
