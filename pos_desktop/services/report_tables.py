"""A report laid out as titled tables (and the chart beside a table), once for every reader:
the Reports page shows them, the CSV and PDF exports write them. No I/O.

Cells keep their types (``Money``, dates, counts) until a reader writes them: the screen and
the PDF in the store's language and time zone (``cell_text``), the CSV as plain numbers a
spreadsheet sums (``cell_csv``). A column may be left off the screen where a 1024 px page has
no room for it; the exports carry every column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from babel.dates import format_date, format_datetime, format_skeleton

from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import known_locale, local_time
from pos_desktop.services.report_results import (
    ChainReport,
    ChainRow,
    ExceptionsReport,
    Figures,
    FiguresRow,
    GiftCardReport,
    ItemRow,
    OwedAt,
    Period,
    Report,
    ReportKind,
    SalesReport,
)

Cell = str | int | Money | date | datetime  # a datetime is aware; shown on the store's clock


class ChartKind(StrEnum):
    BARS = "bars"
    LINE = "line"


@dataclass(frozen=True, slots=True)
class Chart:
    """Amounts to draw: one bar or point a label (a day, an hour)."""

    kind: ChartKind
    title: str
    labels: tuple[str, ...]
    values: tuple[Money, ...]


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    numeric: bool = False  # right-aligned
    on_screen: bool = True
    screen_title: str = ""  # a shorter title, in lines, where the screen is narrow

    @property
    def shown_title(self) -> str:
        return self.screen_title or self.title


@dataclass(frozen=True, slots=True)
class ReportTable:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str  # what the table says with no row
    note: str = ""  # a line above it: e.g. how many dormant cards the 100 listed are of
    chart: Chart | None = None


@dataclass(frozen=True, slots=True)
class ReportSheet:
    kind: ReportKind
    title: str
    period: Period
    tables: tuple[ReportTable, ...]
    replica_lag_ms: int | None = None  # read from the server's replica, this far behind

    def table(self, key: str) -> ReportTable:
        return next(table for table in self.tables if table.key == key)


def report_sheet(report: Report, locale: str) -> ReportSheet:
    """``report`` as its tables, chart labels in ``locale``."""
    locale = known_locale(locale)
    if isinstance(report, SalesReport):
        return ReportSheet(
            ReportKind.SALES,
            "Sales report",
            report.period,
            _sales_tables(report, locale),
            report.replica_lag_ms,
        )
    if isinstance(report, GiftCardReport):
        return ReportSheet(
            ReportKind.GIFT_CARDS,
            "Gift-card liability report",
            report.period,
            _gift_card_tables(report, locale),
        )
    if isinstance(report, ChainReport):
        return ReportSheet(ReportKind.CHAIN, "Chain report", report.period, _chain_tables(report))
    return ReportSheet(
        ReportKind.EXCEPTIONS,
        "Exceptions report",
        report.period,
        _exceptions_tables(report),
        report.replica_lag_ms,
    )


# -- writing cells -----------------------------------------------------------------------------


def cell_text(cell: Cell, locale: str, timezone: str) -> str:
    """A cell as a person reads it, in the store's language and on its clock."""
    if isinstance(cell, Money):
        return cell.format(locale)
    if isinstance(cell, datetime):
        return str(format_datetime(local_time(cell, timezone), "short", locale=locale))
    if isinstance(cell, date):
        return str(format_date(cell, "medium", locale=locale))
    return str(cell)


def cell_csv(cell: Cell, timezone: str) -> str:
    """A cell as a spreadsheet reads it: amounts as plain decimals ("-1234.50"), days as ISO
    dates, times on the store's clock as "2026-11-03 14:05"."""
    if isinstance(cell, Money):
        return str(cell.to_decimal())
    if isinstance(cell, datetime):
        return local_time(cell, timezone).strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def period_text(period: Period, locale: str) -> str:
    """ "Nov 2, 2026 to Nov 8, 2026 (America/New_York)" with an en dash; one day once."""
    locale = known_locale(locale)
    start = format_date(period.start, "medium", locale=locale)
    if period.start == period.end:
        return f"{start} ({period.timezone})"
    end = format_date(period.end, "medium", locale=locale)
    return f"{start} \u2013 {end} ({period.timezone})"


def replica_text(lag_ms: int | None) -> str:
    """How current a report read from the server's replica is: "" for one read from the
    primary itself (as current as can be)."""
    if lag_ms is None:
        return ""
    if lag_ms < 1000:
        return "read from the replica, up to date within a second"
    return f"read from the replica, {lag_ms / 1000:.1f} s behind"


def owed_text(owed: OwedAt, locale: str, timezone: str) -> str:
    """ "$5,175.00 on 87 cards at Nov 5, 2026, 2:00 PM": the liability at one instant, read
    on the store's clock."""
    cards = "1 card" if owed.cards == 1 else f"{owed.cards} cards"
    at = cell_text(owed.at, locale, timezone)
    return f"{owed.outstanding.format(locale)} on {cards} at {at}"


def currency_of(sheet: ReportSheet) -> str:
    """The currency the sheet's amounts are in (the store's), "" when it holds none; a
    chain's stores in several currencies give each, in the order they come ("USD, EUR")."""
    seen = {
        cell.currency: None
        for table in sheet.tables
        for row in table.rows
        for cell in row
        if isinstance(cell, Money)
    }
    return ", ".join(seen)


# -- sales -------------------------------------------------------------------------------------

NET = "Net sales"
GIFT_CARDS_SOLD = "Gift cards sold"


def _figure_columns(first: str) -> tuple[Column, ...]:
    return (
        Column(first),
        Column("Gross", numeric=True),
        Column("Refunds", numeric=True),
        Column("Discounts", numeric=True, on_screen=False),
        Column("Net", numeric=True),
        Column("Tax", numeric=True),
        Column("Tips", numeric=True, on_screen=False),
        Column(GIFT_CARDS_SOLD, numeric=True, on_screen=False),
        Column("Tickets", numeric=True),
        Column("Average", numeric=True),
    )


def _figure_cells(first: Cell, f: Figures) -> tuple[Cell, ...]:
    return (
        first,
        f.gross,
        f.refunds,
        f.discounts,
        f.net,
        f.tax,
        f.tips,
        f.gift_cards_sold,
        f.tickets,
        f.average,
    )


def _day(row: FiguresRow) -> Cell:
    try:
        return date.fromisoformat(row.key)
    except ValueError:
        return row.label


def _bars(title: str, rows: tuple[FiguresRow, ...], label: Callable[[FiguresRow], str]) -> Chart:
    return Chart(
        ChartKind.BARS,
        title,
        tuple(label(row) for row in rows),
        tuple(row.figures.net for row in rows),
    )


def _sales_tables(report: SalesReport, locale: str) -> tuple[ReportTable, ...]:
    def day_label(row: FiguresRow) -> str:
        day = _day(row)
        return format_skeleton("Md", day, locale=locale) if isinstance(day, date) else row.label

    by_day_chart = _bars(f"{NET} by day", report.by_day, day_label)
    by_hour_chart = _bars(f"{NET} by hour", report.by_hour, lambda row: row.key)
    totals = report.totals
    summary = ReportTable(
        "summary",
        "Totals",
        (Column("Figure"), Column("Amount", numeric=True)),
        (
            ("Gross sales", totals.gross),
            ("Refunds", totals.refunds),
            ("Discounts", totals.discounts),
            (NET, totals.net),
            ("Tax", totals.tax),
            ("Tips", totals.tips),
            ("Tickets", totals.tickets),
            ("Average ticket", totals.average),
            (f"{GIFT_CARDS_SOLD} (a liability, not sales)", totals.gift_cards_sold),
        ),
        "No sales in this range.",
        chart=by_day_chart,
    )
    figure_tables = (
        ("by_day", "By day", "Day", report.by_day, _day, by_day_chart),
        ("by_hour", "By hour", "Hour", report.by_hour, lambda r: r.label, by_hour_chart),
        ("by_employee", "By employee", "Employee", report.by_employee, lambda r: r.label, None),
    )
    tables = [summary]
    for key, title, first, rows, first_cell, chart in figure_tables:
        tables.append(
            ReportTable(
                key,
                title,
                _figure_columns(first),
                tuple(_figure_cells(first_cell(row), row.figures) for row in rows),
                "No sales in this range.",
                chart=chart,
            )
        )
    for key, title, first, items in (
        ("by_product", "By product", "Product", report.by_product),
        ("by_category", "By category", "Category", report.by_category),
    ):
        tables.append(_items_table(key, title, first, items))
    tables.append(
        ReportTable(
            "by_tender",
            "By tender",
            (
                Column("Tender"),
                Column("Payments", numeric=True),
                Column("Amount", numeric=True),
                Column("Tips", numeric=True),
            ),
            tuple((t.tender, t.payments, t.amount, t.tips) for t in report.by_tender),
            "No payments in this range.",
        )
    )
    return tuple(tables)


def _items_table(key: str, title: str, first: str, items: tuple[ItemRow, ...]) -> ReportTable:
    return ReportTable(
        key,
        title,
        (
            Column(first),
            Column("Quantity", numeric=True),
            Column("Gross", numeric=True),
            Column("Tax", numeric=True),
        ),
        tuple((item.label or "(none)", item.quantity, item.gross, item.tax) for item in items),
        "Nothing sold in this range.",
    )


# -- gift cards --------------------------------------------------------------------------------


def _gift_card_tables(report: GiftCardReport, locale: str) -> tuple[ReportTable, ...]:
    line = Chart(
        ChartKind.LINE,
        "Outstanding on gift cards",
        tuple(format_skeleton("Md", p.day, locale=locale) for p in report.series),
        tuple(p.outstanding for p in report.series),
    )
    summary_rows: list[tuple[Cell, ...]] = [("Outstanding at the start", "", report.opening)]
    summary_rows += [(flow.label, flow.activities, flow.amount) for flow in report.flows]
    summary_rows.append(("Outstanding at the end", f"{report.cards} cards", report.closing))
    months = report.dormant_months
    return (
        ReportTable(
            "summary",
            "Liability",
            (Column("Line"), Column("Activities", numeric=True), Column("Amount", numeric=True)),
            tuple(summary_rows),
            "No gift-card activity.",
            chart=line,
        ),
        ReportTable(
            "series",
            "By day",
            (
                Column("Day"),
                Column(
                    "Outstanding at the day's end",
                    numeric=True,
                    screen_title="Outstanding at\nthe day's end",
                ),
            ),
            tuple((p.day, p.outstanding) for p in report.series),
            "No day in this range.",
            chart=line,
        ),
        ReportTable(
            "aging",
            "Aging",
            (
                Column("Last activity"),
                Column("Cards", numeric=True),
                Column("Outstanding", numeric=True),
            ),
            tuple((a.label, a.cards, a.outstanding) for a in report.aging),
            "No card holds value.",
        ),
        ReportTable(
            "dormant",
            "Dormant",
            (Column("Card"), Column("Balance", numeric=True), Column("Last activity")),
            tuple((f"•••• {d.last4}", d.balance, d.last_activity_at) for d in report.dormant),
            f"No card with value has been idle for {months} months.",
            note=_dormant_note(report, locale),
        ),
    )


def _dormant_note(report: GiftCardReport, locale: str) -> str:
    cards = report.dormant_cards
    noun = "card" if cards == 1 else "cards"
    note = (
        f"{cards} {noun} with no activity for {report.dormant_months} months "
        f"hold {report.dormant_outstanding.format(locale)} in all"
    )
    if cards > len(report.dormant):
        note += f"; the {len(report.dormant)} largest balances are listed"
    return note + "."


# -- the chain ---------------------------------------------------------------------------------


# What each row of both tables shows after the names that tell them apart.
_CHAIN_FIGURES = (
    Column(NET, numeric=True),
    Column("Tickets", numeric=True),
    Column(GIFT_CARDS_SOLD, numeric=True, on_screen=False),
    Column("Cards owe", numeric=True),
    Column("Cards", numeric=True, screen_title="Cards\nholding"),
)


def _chain_figures(row: ChainRow) -> tuple[Cell, ...]:
    return (row.sales.net, row.sales.tickets, row.sales.gift_cards_sold, row.outstanding, row.cards)


def _chain_tables(report: ChainReport) -> tuple[ReportTable, ...]:
    return (
        ReportTable(
            "stores",
            "By store",
            (Column("Store"), *_CHAIN_FIGURES),
            tuple((row.name, *_chain_figures(row)) for row in report.stores),
            "The chain has no store.",
            note="Each store over these days on its own clock; its cards as they stood at "
            "the end of its last day.",
        ),
        ReportTable(
            "totals",
            "Chain total",
            (Column("Currency"), Column("Stores", numeric=True), *_CHAIN_FIGURES),
            tuple((row.name, row.stores, *_chain_figures(row)) for row in report.totals),
            "The chain has no store.",
            note="Stores in different currencies are never added together.",
        ),
    )


# -- exceptions --------------------------------------------------------------------------------


def _exceptions_tables(report: ExceptionsReport) -> tuple[ReportTable, ...]:
    return (
        ReportTable(
            "unsettled",
            "Unsettled redemptions",
            (
                Column("When"),
                Column("Card"),
                Column("Amount", numeric=True),
                Column("Register"),
                Column("Employee"),
                Column("Ticket", on_screen=False),
            ),
            tuple(
                (
                    u.at,
                    f"•••• {u.card_last4}",
                    u.amount,
                    u.register_name,
                    u.employee_name,
                    str(u.ticket_id) if u.ticket_id else "",
                )
                for u in report.unsettled
            ),
            "No redemption waits for its ticket.",
        ),
        ReportTable(
            "by_employee",
            "By employee",
            (
                Column("Employee"),
                Column("Ticket voids", numeric=True, screen_title="Ticket\nvoids"),
                Column("Card voids", numeric=True, screen_title="Card\nvoids"),
                Column("Blocks", numeric=True),
                # On screen the amounts stand for their counts: eight columns do not fit.
                Column("Adjustments", numeric=True, on_screen=False),
                Column("Adjusted", numeric=True),
                Column("Refunds", numeric=True, on_screen=False),
                Column("Refunded", numeric=True),
            ),
            tuple(
                (
                    e.name,
                    e.ticket_voids,
                    e.card_voids,
                    e.blocks,
                    e.adjustments,
                    e.adjusted,
                    e.refunds,
                    e.refunded,
                )
                for e in report.by_employee
            ),
            "No voids, blocks, adjustments or refunds.",
        ),
        ReportTable(
            "by_register",
            "By register",
            (
                Column("Register"),
                Column("Unknown card numbers", numeric=True, screen_title="Unknown\ncard numbers"),
                Column("Wrong PINs", numeric=True),
            ),
            tuple((r.name, r.unknown_cards, r.wrong_pins) for r in report.by_register),
            "No unknown card numbers or wrong PINs.",
        ),
        ReportTable(
            "mail",
            "E-mail not sent",
            (
                Column("Queued"),
                Column("Kind"),
                Column("To"),
                Column("Tries", numeric=True),
                Column("Error", on_screen=False),
            ),
            tuple((m.queued_at, m.kind, m.to, m.attempts, m.error) for m in report.mail_failures),
            "Every e-mail was sent.",
        ),
    )
