"""A gift card's mini-statement: its last activities on the receipt printer, with the number
masked, the store's header and the balance now.

The activities read as the screens name them (``ACTIVITY_LABELS``), each on one line: the
day in the store's time zone, what was done, the amount (signed: what left the card carries
a minus) and the balance after it, oldest first so the balance column ends at the balance now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_time

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import (
    ReceiptRow,
    RowStyle,
    known_locale,
    local_time,
    printable,
    text_lines,
)

STATEMENT_ACTIVITIES = 10
STATEMENT_TITLE = "Gift card statement"
MINUS = "\u2212"

# What the screens call each kind of activity (the Gift Cards tab's history, the Back Office's
# details, and this statement).
ACTIVITY_LABELS: dict[ActivityKind, str] = {
    ActivityKind.ISSUE: "Issued",
    ActivityKind.LOAD: "Reloaded",
    ActivityKind.ACTIVATE: "Sent to recipient",
    ActivityKind.REDEEM: "Redeemed",
    ActivityKind.DEDUCT_BY_CODE: "Deducted by code",
    ActivityKind.REVERSE: "Reversed",
    ActivityKind.REFUND: "Refunded",
    ActivityKind.ADJUST: "Adjusted",
    ActivityKind.CASH_OUT: "Cashed out",
    ActivityKind.BLOCK: "Blocked",
    ActivityKind.UNBLOCK: "Unblocked",
    ActivityKind.VOID: "Voided",
}
# Kinds whose amount left the card, and kinds whose amount went onto it. An adjustment goes
# either way: its direction is read from the balance it left.
DEBITS = frozenset(
    {ActivityKind.REDEEM, ActivityKind.DEDUCT_BY_CODE, ActivityKind.VOID, ActivityKind.CASH_OUT}
)
CREDITS = frozenset(
    {ActivityKind.ISSUE, ActivityKind.LOAD, ActivityKind.REVERSE, ActivityKind.REFUND}
)


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One activity as the server recorded it."""

    kind: ActivityKind
    amount: Money  # unsigned, as the ledger stores it
    balance_after: Money
    at: datetime  # aware UTC


@dataclass(frozen=True, slots=True)
class StatementLine:
    day: str  # in the store's time zone and language
    label: str
    amount: str  # signed; empty for an activity that moved no money
    balance_after: str


@dataclass(frozen=True, slots=True)
class CardStatement:
    store_name: str
    header_lines: tuple[str, ...]
    locale: str
    masked_card: str  # "•••• 1234"
    balance: Money
    printed_at: datetime  # in the store's time zone
    employee_name: str
    lines: tuple[StatementLine, ...]  # oldest first
    short_id: str  # the card's, for the barcode


def activity_label(kind: ActivityKind) -> str:
    return ACTIVITY_LABELS.get(kind, kind.value)


def signed_amount(entry: StatementEntry, before: Money | None, locale: str) -> str:
    """The amount with "+" or a minus; ``before``: the balance before it, when known."""
    if entry.amount.is_zero():
        return ""
    shown = entry.amount.format(locale)
    if entry.kind in DEBITS:
        return MINUS + shown
    if entry.kind in CREDITS:
        return "+" + shown
    if before is not None and entry.balance_after != before:
        return ("+" if before < entry.balance_after else MINUS) + shown
    return shown


def card_statement(
    *,
    last4: str,
    card_id_hex: str,
    balance: Money,
    entries: Sequence[StatementEntry],
    rules: StoreRules,
    employee_name: str,
    now: datetime,
) -> CardStatement:
    """The statement of a card's ``entries`` (any order): its last ``STATEMENT_ACTIVITIES``."""
    locale = known_locale(rules.locale)
    ordered = sorted(entries, key=lambda entry: entry.at)
    start = max(len(ordered) - STATEMENT_ACTIVITIES, 0)
    lines = []
    for index in range(start, len(ordered)):
        entry = ordered[index]
        before = ordered[index - 1].balance_after if index > 0 else None
        day = format_date(local_time(entry.at, rules.timezone), "short", locale=locale)
        lines.append(
            StatementLine(
                day=day,
                label=activity_label(entry.kind),
                amount=signed_amount(entry, before, locale),
                balance_after=entry.balance_after.format(locale),
            )
        )
    return CardStatement(
        store_name=printable(rules.name),
        header_lines=text_lines(rules.address, rules.phone, rules.receipt_header),
        locale=locale,
        masked_card=mask_card_number(last4),
        balance=balance,
        printed_at=local_time(now, rules.timezone),
        employee_name=printable(employee_name),
        lines=tuple(lines),
        short_id=card_id_hex[:8],
    )


# The amount and balance columns, right-aligned; the day and what was done take the rest.
_MONEY_COLUMN = 10


def statement_rows(statement: CardStatement) -> tuple[ReceiptRow, ...]:
    locale = statement.locale
    when = statement.printed_at
    rows = [ReceiptRow(RowStyle.TITLE, statement.store_name)]
    rows += [ReceiptRow(RowStyle.CENTER, line) for line in statement.header_lines]
    rows += [
        ReceiptRow(RowStyle.CENTER, STATEMENT_TITLE),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(
            RowStyle.PLAIN,
            format_date(when, "medium", locale=locale),
            format_time(when, "short", tzinfo=when.tzinfo, locale=locale),
        ),
        ReceiptRow(RowStyle.PLAIN, f"Printed by: {statement.employee_name}"),
        ReceiptRow(RowStyle.PLAIN, f"Gift Card {statement.masked_card}"),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, "Date Activity", _money_columns("Amount", "Balance")),
    ]
    if not statement.lines:
        rows.append(ReceiptRow(RowStyle.CENTER, "No activity yet"))
    for line in statement.lines:
        rows.append(
            ReceiptRow(
                RowStyle.PLAIN,
                f"{line.day} {line.label}",
                _money_columns(line.amount, line.balance_after),
            )
        )
    rows += [
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.STRONG, "Balance", statement.balance.format(locale)),
    ]
    return tuple(rows)


def _money_columns(amount: str, balance: str) -> str:
    return f"{amount:>{_MONEY_COLUMN}} {balance:>{_MONEY_COLUMN}}"
