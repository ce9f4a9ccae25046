"""What the Back Office's Reports page asks for and gets back: the server's reports as plain
values with ``Money`` (no I/O, no pydantic at run time), so the screen and the exports take
their types from here and never from the module that calls the server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pos_desktop.domain.money import Money
from pos_desktop.domain.report_presets import DayRange

if TYPE_CHECKING:
    from pos_desktop import contracts as c

DEFAULT_DORMANT_MONTHS = 12


class ReportKind(StrEnum):
    SALES = "sales"
    GIFT_CARDS = "gift_cards"
    EXCEPTIONS = "exceptions"
    CHAIN = "chain"  # every store's: an owner's only


REPORT_TITLES = {
    ReportKind.SALES: "Sales",
    ReportKind.GIFT_CARDS: "Gift cards",
    ReportKind.EXCEPTIONS: "Exceptions",
    ReportKind.CHAIN: "Chain",
}


@dataclass(frozen=True, slots=True)
class ReportQuery:
    kind: ReportKind
    days: DayRange
    dormant_months: int = DEFAULT_DORMANT_MONTHS  # the gift-card report's breakage age


@dataclass(frozen=True, slots=True)
class Period:
    """The days a report covers and the instants they run between, as the server put them."""

    start: date
    end: date
    timezone: str
    start_at: datetime
    end_at: datetime

    @classmethod
    def from_wire(cls, wire: c.ReportRange) -> Period:
        return cls(wire.start, wire.end, wire.timezone, wire.start_at, wire.end_at)


# -- sales --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    gross: Money
    refunds: Money
    discounts: Money
    net: Money
    tax: Money
    tips: Money
    gift_cards_sold: Money  # a liability, never in gross or net
    tickets: int
    average: Money

    @classmethod
    def from_wire(cls, wire: c.SalesFigures) -> Figures:
        return cls(
            gross=wire.gross.to_money(),
            refunds=wire.refunds.to_money(),
            discounts=wire.discounts.to_money(),
            net=wire.net.to_money(),
            tax=wire.tax.to_money(),
            tips=wire.tips.to_money(),
            gift_cards_sold=wire.gift_cards_sold.to_money(),
            tickets=wire.tickets,
            average=wire.average.to_money(),
        )


@dataclass(frozen=True, slots=True)
class FiguresRow:
    """A day ("2026-11-03"), an hour ("00" to "23") or an employee, and its figures."""

    key: str
    label: str
    figures: Figures

    @classmethod
    def from_wire(cls, wire: c.SalesGroup) -> FiguresRow:
        return cls(wire.key, wire.label, Figures.from_wire(wire.figures))


@dataclass(frozen=True, slots=True)
class ItemRow:
    key: str
    label: str
    quantity: int
    gross: Money
    tax: Money

    @classmethod
    def from_wire(cls, wire: c.ItemSales) -> ItemRow:
        return cls(wire.key, wire.label, wire.quantity, wire.gross.to_money(), wire.tax.to_money())


@dataclass(frozen=True, slots=True)
class TenderRow:
    tender: str
    payments: int
    amount: Money
    tips: Money

    @classmethod
    def from_wire(cls, wire: c.TenderSales) -> TenderRow:
        return cls(wire.tender, wire.payments, wire.amount.to_money(), wire.tips.to_money())


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    totals: Figures
    by_day: tuple[FiguresRow, ...]
    by_hour: tuple[FiguresRow, ...]
    by_employee: tuple[FiguresRow, ...]
    by_product: tuple[ItemRow, ...]
    by_category: tuple[ItemRow, ...]
    by_tender: tuple[TenderRow, ...]
    # Read from the server's replica, this far behind its primary; None: from the primary.
    replica_lag_ms: int | None = None

    @classmethod
    def from_wire(cls, wire: c.SalesReportOut) -> SalesReport:
        return cls(
            period=Period.from_wire(wire.range),
            totals=Figures.from_wire(wire.totals),
            by_day=tuple(FiguresRow.from_wire(row) for row in wire.by_day),
            by_hour=tuple(FiguresRow.from_wire(row) for row in wire.by_hour),
            by_employee=tuple(FiguresRow.from_wire(row) for row in wire.by_employee),
            by_product=tuple(ItemRow.from_wire(row) for row in wire.by_product),
            by_category=tuple(ItemRow.from_wire(row) for row in wire.by_category),
            by_tender=tuple(TenderRow.from_wire(row) for row in wire.by_tender),
            replica_lag_ms=wire.replica_lag_ms,
        )


# -- gift cards ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowRow:
    kind: str
    label: str
    activities: int
    amount: Money  # onto the cards (positive) or off them (negative)


@dataclass(frozen=True, slots=True)
class AgingRow:
    label: str
    cards: int
    outstanding: Money


@dataclass(frozen=True, slots=True)
class DormantRow:
    card_id: uuid.UUID
    last4: str
    balance: Money
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class LiabilityDay:
    day: date
    outstanding: Money  # at the end of that day, store time


@dataclass(frozen=True, slots=True)
class GiftCardReport:
    period: Period
    opening: Money
    closing: Money
    cards: int
    flows: tuple[FlowRow, ...]
    aging: tuple[AgingRow, ...]
    dormant_months: int
    dormant_cards: int
    dormant_outstanding: Money
    dormant: tuple[DormantRow, ...]
    series: tuple[LiabilityDay, ...]

    @classmethod
    def from_wire(cls, wire: c.GiftCardReportOut) -> GiftCardReport:
        return cls(
            period=Period.from_wire(wire.range),
            opening=wire.opening.to_money(),
            closing=wire.closing.to_money(),
            cards=wire.cards,
            flows=tuple(
                FlowRow(f.kind, f.label, f.activities, f.amount.to_money()) for f in wire.flows
            ),
            aging=tuple(AgingRow(a.label, a.cards, a.outstanding.to_money()) for a in wire.aging),
            dormant_months=wire.dormant_months,
            dormant_cards=wire.dormant_cards,
            dormant_outstanding=wire.dormant_outstanding.to_money(),
            dormant=tuple(
                DormantRow(d.card_id, d.last4, d.balance.to_money(), d.last_activity_at)
                for d in wire.dormant
            ),
            series=tuple(LiabilityDay(p.day, p.outstanding.to_money()) for p in wire.series),
        )


@dataclass(frozen=True, slots=True)
class OwedAt:
    """What the store owed on its gift cards at one instant, exact from the ledger."""

    at: datetime
    outstanding: Money
    cards: int  # cards holding value then

    @classmethod
    def from_wire(cls, wire: c.LiabilityOut) -> OwedAt:
        return cls(wire.at, wire.outstanding.to_money(), wire.cards)


# -- exceptions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnsettledRow:
    activity_id: uuid.UUID
    card_last4: str
    amount: Money
    ticket_id: uuid.UUID | None
    register_name: str
    employee_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class EmployeeExceptionRow:
    employee_id: uuid.UUID | None
    name: str
    ticket_voids: int
    card_voids: int
    blocks: int
    adjustments: int
    adjusted: Money
    refunds: int
    refunded: Money


@dataclass(frozen=True, slots=True)
class RegisterExceptionRow:
    register_id: uuid.UUID
    name: str
    unknown_cards: int
    wrong_pins: int


@dataclass(frozen=True, slots=True)
class MailFailureRow:
    queued_at: datetime
    kind: str
    to: str
    attempts: int
    error: str


@dataclass(frozen=True, slots=True)
class ExceptionsReport:
    period: Period
    unsettled: tuple[UnsettledRow, ...]
    by_employee: tuple[EmployeeExceptionRow, ...]
    by_register: tuple[RegisterExceptionRow, ...]
    mail_failures: tuple[MailFailureRow, ...]
    replica_lag_ms: int | None = None  # as SalesReport's

    @classmethod
    def from_wire(cls, wire: c.ExceptionsReportOut) -> ExceptionsReport:
        return cls(
            period=Period.from_wire(wire.range),
            unsettled=tuple(
                UnsettledRow(
                    u.activity_id,
                    u.card_last4,
                    u.amount.to_money(),
                    u.ticket_id,
                    u.register_name,
                    u.employee_name,
                    u.at,
                )
                for u in wire.unsettled
            ),
            by_employee=tuple(
                EmployeeExceptionRow(
                    e.employee_id,
                    e.name,
                    e.ticket_voids,
                    e.card_voids,
                    e.blocks,
                    e.adjustments,
                    e.adjusted.to_money(),
                    e.refunds,
                    e.refunded.to_money(),
                )
                for e in wire.by_employee
            ),
            by_register=tuple(
                RegisterExceptionRow(r.register_id, r.name, r.unknown_cards, r.wrong_pins)
                for r in wire.by_register
            ),
            mail_failures=tuple(
                MailFailureRow(m.queued_at, m.kind, m.to, m.attempts, m.error)
                for m in wire.mail_failures
            ),
            replica_lag_ms=wire.replica_lag_ms,
        )


# -- the chain ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainRow:
    """A store of the chain (``name``), or the chain's stores of one currency (``stores`` of
    them): their sales over the days, and what their cards owed at the end."""

    name: str
    stores: int
    sales: Figures
    outstanding: Money
    cards: int


@dataclass(frozen=True, slots=True)
class ChainReport:
    period: Period
    stores: tuple[ChainRow, ...]
    totals: tuple[ChainRow, ...]  # one a currency

    @classmethod
    def from_wire(cls, wire: c.ChainReportOut) -> ChainReport:
        return cls(
            period=Period.from_wire(wire.range),
            stores=tuple(
                ChainRow(s.name, 1, Figures.from_wire(s.sales), s.outstanding.to_money(), s.cards)
                for s in wire.stores
            ),
            totals=tuple(
                ChainRow(
                    t.currency,
                    t.stores,
                    Figures.from_wire(t.sales),
                    t.outstanding.to_money(),
                    t.cards,
                )
                for t in wire.totals
            ),
        )


Report = SalesReport | GiftCardReport | ExceptionsReport | ChainReport


# -- alerts -------------------------------------------------------------------------------------


class AlertKind(StrEnum):
    UNKNOWN_CARDS = "unknown_cards"
    WRONG_PINS = "wrong_pins"


@dataclass(frozen=True, slots=True)
class RegisterAlert:
    """A register past a threshold right now."""

    register_id: uuid.UUID
    register_name: str
    kind: AlertKind
    count: int
    threshold: int
    window_minutes: int
    last_at: datetime

    @classmethod
    def from_wire(cls, wire: c.Alert) -> RegisterAlert:
        return cls(
            wire.register_id,
            wire.register_name,
            AlertKind(wire.kind),
            wire.count,
            wire.threshold,
            wire.window_minutes,
            wire.last_at,
        )


# -- exports ------------------------------------------------------------------------------------


class ExportFormat(StrEnum):
    CSV = "csv"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class ExportFolder:
    """A folder the manager may save a report into: the data folder's exports, the home
    folder, a USB drive."""

    label: str
    path: Path


@dataclass(frozen=True, slots=True)
class ExportedReport:
    path: Path
    format: ExportFormat
