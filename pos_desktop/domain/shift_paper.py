"""The X and Z reports as paper: one model laid out as receipt rows, so the receipt printer,
the PDF and the screen say the same words and figures (``receipt.receipt_text`` sets them in
columns for the screen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from babel.dates import format_date, format_time

from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import COPY_MARK, ReceiptRow, RowStyle, printable
from pos_desktop.domain.shifts import MOVEMENT_LABELS, Movement, ShiftReport, Tally


class ReportKind(StrEnum):
    X = "X"  # any time during the shift; closes nothing
    Z = "Z"  # the shift's close: numbered, once


@dataclass(frozen=True, slots=True)
class ShiftPaper:
    """An X or Z report with what heads it. Times are on the store's clock."""

    kind: ReportKind
    store_name: str
    register_name: str
    locale: str
    opened_at: datetime
    opened_by: str
    until: datetime  # the close (Z), or when the X was taken
    report: ShiftReport
    short_id: str  # the shift's, for the barcode
    z_number: int | None = None
    closed_by: str | None = None
    counts: tuple[tuple[int, int], ...] = ()  # the close's count by denomination
    note: str | None = None
    movements: tuple[Movement, ...] = ()
    copy: bool = False  # a Z printed again


def when_text(moment: datetime, locale: str) -> str:
    """ "Mar 14, 2025 3:42 PM" in the store's language; ``moment`` on the store's clock."""
    day = format_date(moment, "medium", locale=locale)
    return f"{day} {format_time(moment, 'short', tzinfo=moment.tzinfo, locale=locale)}"


def _counted(label: str, tally: Tally) -> str:
    return f"{label} ({tally.count})"


def title_of(paper: ShiftPaper) -> str:
    if paper.kind is ReportKind.Z:
        return f"Z report #{paper.z_number}"
    return "X report"


def shift_rows(paper: ShiftPaper) -> tuple[ReceiptRow, ...]:
    """What the report says, in order, money formatted for the store's locale."""
    locale = paper.locale

    def money(amount: Money) -> str:
        return amount.format(locale)

    def out(amount: Money) -> str:
        return money(Money(-amount.minor, amount.currency)) if amount.minor else money(amount)

    report = paper.report
    rows = [ReceiptRow(RowStyle.TITLE, COPY_MARK)] if paper.copy else []
    rows += [
        ReceiptRow(RowStyle.TITLE, printable(paper.store_name)),
        ReceiptRow(RowStyle.CENTER, printable(paper.register_name)),
        ReceiptRow(RowStyle.TITLE, title_of(paper)),
    ]
    if paper.kind is ReportKind.X:
        rows.append(ReceiptRow(RowStyle.CENTER, "Shift still open: nothing closed"))
    rows += [
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, "Opened", when_text(paper.opened_at, locale)),
        ReceiptRow(RowStyle.DETAIL, f"by {printable(paper.opened_by)}"),
        ReceiptRow(
            RowStyle.PLAIN,
            "Closed" if paper.kind is ReportKind.Z else "Taken",
            when_text(paper.until, locale),
        ),
    ]
    if paper.closed_by:
        rows.append(ReceiptRow(RowStyle.DETAIL, f"by {printable(paper.closed_by)}"))
    rows += [
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.CENTER, "Sales"),
        ReceiptRow(RowStyle.PLAIN, "Tickets", str(report.tickets)),
        ReceiptRow(RowStyle.PLAIN, "Goods before tax", money(report.goods)),
        ReceiptRow(RowStyle.PLAIN, "Tax", money(report.tax)),
        ReceiptRow(RowStyle.PLAIN, "Tips", money(report.tips)),
        ReceiptRow(
            RowStyle.PLAIN,
            _counted("Gift cards sold", report.gift_cards_sold),
            money(report.gift_cards_sold.amount),
        ),
        ReceiptRow(RowStyle.STRONG, "Taken", money(report.taken)),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.CENTER, "Tenders"),
    ]
    for tender in report.tenders:
        rows.append(
            ReceiptRow(RowStyle.PLAIN, f"{tender.label} ({tender.count})", money(tender.amount))
        )
    rows += [
        ReceiptRow(RowStyle.PLAIN, "Non-cash, not in the drawer", money(report.non_cash)),
        ReceiptRow(
            RowStyle.PLAIN,
            _counted("Refunds to gift cards", report.refunds),
            money(report.refunds.amount),
        ),
        ReceiptRow(
            RowStyle.PLAIN, _counted("Voided tickets", report.voids), money(report.voids.amount)
        ),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.CENTER, "Drawer"),
        ReceiptRow(RowStyle.PLAIN, "Float", money(report.opening_float)),
        ReceiptRow(RowStyle.PLAIN, "Cash sales", money(report.cash_sales)),
        ReceiptRow(RowStyle.DETAIL, "Cash handed over", money(report.cash_tendered)),
        ReceiptRow(RowStyle.DETAIL, "Change given", out(report.change_given)),
        ReceiptRow(
            RowStyle.PLAIN, _counted("Pay ins", report.pay_ins), money(report.pay_ins.amount)
        ),
        ReceiptRow(
            RowStyle.PLAIN, _counted("Pay outs", report.pay_outs), out(report.pay_outs.amount)
        ),
        ReceiptRow(
            RowStyle.PLAIN,
            _counted("Gift card cash-outs", report.cash_outs),
            out(report.cash_outs.amount),
        ),
        ReceiptRow(RowStyle.PLAIN, "Drawer opens, no sale", str(report.no_sales)),
        ReceiptRow(RowStyle.STRONG, "Expected", money(report.expected)),
    ]
    rows += _count_rows(paper, money)
    rows += _movement_rows(paper, money)
    if paper.note:
        rows += [ReceiptRow(RowStyle.RULE), ReceiptRow(RowStyle.PLAIN, "Note")]
        rows.append(ReceiptRow(RowStyle.DETAIL, printable(paper.note)))
    return tuple(rows)


def difference_words(difference: Money, locale: str) -> tuple[str, str]:
    """ "Over" or "Short" (or "Even") and the amount, unsigned: read aloud at the close."""
    if difference.is_zero():
        return "Even", difference.format(locale)
    magnitude = Money(abs(difference.minor), difference.currency).format(locale)
    return ("Over" if difference.is_positive() else "Short"), magnitude


def _count_rows(paper: ShiftPaper, money: Callable[[Money], str]) -> list[ReceiptRow]:
    report = paper.report
    if report.counted is None or report.difference is None:
        return []
    rows = [ReceiptRow(RowStyle.PLAIN, "Counted", money(report.counted))]
    currency = report.currency
    for value, count in paper.counts:
        each = Money(value, currency)
        rows.append(
            ReceiptRow(
                RowStyle.DETAIL, f"{count} x {money(each)}", money(Money(value * count, currency))
            )
        )
    word, amount = difference_words(report.difference, paper.locale)
    rows.append(ReceiptRow(RowStyle.STRONG, word, amount))
    return rows


def _movement_rows(paper: ShiftPaper, money: Callable[[Money], str]) -> list[ReceiptRow]:
    if not paper.movements:
        return []
    rows = [ReceiptRow(RowStyle.RULE), ReceiptRow(RowStyle.CENTER, "Drawer movements")]
    for movement in paper.movements:
        at = format_time(movement.at, "short", tzinfo=movement.at.tzinfo, locale=paper.locale)
        label = MOVEMENT_LABELS[movement.kind]
        amount = money(movement.amount) if movement.amount.minor else ""
        rows.append(ReceiptRow(RowStyle.PLAIN, f"{at} {label}", amount))
        words = printable(movement.reason or "")
        who = printable(movement.employee_name)
        rows.append(ReceiptRow(RowStyle.DETAIL, f"{words} ({who})" if words else who))
    return rows
