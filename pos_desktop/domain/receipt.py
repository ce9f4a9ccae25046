"""The receipt of a completed sale: one model, laid out as rows, for screen, PDF and printer.

``receipt_for`` takes everything a receipt says from the sale and the store, so a renderer
never recomputes money. ``receipt_rows`` decides what is printed and in which order;
``receipt_text`` sets the rows in fixed columns (what the screen shows and a 42-column
ESC/POS printer prints), and the PDF renderer sets the same rows in a proportional font.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.card_sale import CardLineKind
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import Payment, TenderKind
from pos_desktop.domain.ticket import LineAmounts, TicketLine

FALLBACK_LOCALE = "en_US"
COPY_MARK = "COPY"  # printed first on a reprint, so nobody takes it for a second sale
# Printed above the demo store's name: a receipt from trying the product is no proof of a sale.
DEMO_MARK = "DEMO - NOT A REAL SALE"
PRICES_INCLUDE_TAX = "Prices include tax"
MIN_WIDTH = 20
_MIN_LEFT = 8  # below this a name beside its amount is unreadable; the amount moves down


@dataclass(frozen=True, slots=True)
class ReceiptCard:
    """A gift card a line sold or reloaded: what it starts with (or what was added), and an
    e-gift's recipient and sending time (in the store's time zone; None: sent now)."""

    masked: str  # "•••• 1234": the line's name says it too, the number is never printed
    reload: bool
    amount: Money
    recipient: str | None = None
    send_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_price: Money
    amount: Money  # as the shelf shows it: gross when prices include tax, net otherwise
    card: ReceiptCard | None = None


@dataclass(frozen=True, slots=True)
class ReceiptPayment:
    kind: TenderKind
    label: str
    covered: Money  # of the ticket and the tip together
    tendered: Money | None = None
    change: Money | None = None
    reference: str | None = None  # the card terminal's approval
    masked_card: str | None = None  # a gift card, as "•••• 1234"
    balance_after: Money | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    store_name: str
    register_name: str
    locale: str
    ticket_number: int | None
    short_id: str
    employee_name: str
    completed_at: datetime  # in the store's time zone
    lines: tuple[ReceiptLine, ...]
    subtotal: Money  # before tax
    tax: Money
    tip: Money | None  # None when there was no tip
    total: Money  # goods and tip
    payments: tuple[ReceiptPayment, ...]
    change: Money
    prices_include_tax: bool
    note: str | None
    copy: bool = False  # a reprint: marked COPY
    demo: bool = False  # the demo store's: marked DEMO
    # The store's address, phone and header under its name; its footer at the end.
    header_lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()


def receipt_for(
    sale: Sale, store: StoreRules, register_name: str, *, demo: bool = False
) -> Receipt:
    """The receipt of a completed ``sale``; its money comes from the sale, never recomputed."""
    if sale.completed_at is None:
        raise ValueError("a receipt is made for a completed sale")
    # The sale's own tax mode, not the store's current one: the totals were made with it.
    inclusive = sale.prices_include_tax
    totals = sale.totals
    tip = sale.tip_amount
    return Receipt(
        store_name=printable(store.name),
        register_name=printable(register_name),
        locale=known_locale(store.locale),
        ticket_number=sale.number,
        short_id=sale.id.hex[:8],
        employee_name=printable(sale.employee_name),
        completed_at=local_time(sale.completed_at, store.timezone),
        lines=tuple(
            ReceiptLine(
                name=printable(line.name),
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=_shown(line.amounts(inclusive), inclusive),
                card=_card(line, store.timezone),
            )
            for line in sale.lines
        ),
        subtotal=totals.subtotal,
        tax=totals.tax,
        tip=tip if tip.is_positive() else None,
        total=sale.grand_total,
        payments=tuple(_payment(p) for p in sale.visible_payments),
        change=sale.change,
        prices_include_tax=inclusive,
        note=PRICES_INCLUDE_TAX if inclusive else None,
        demo=demo,
        header_lines=text_lines(store.address, store.phone, store.receipt_header),
        footer_lines=text_lines(store.receipt_footer),
    )


def _card(line: TicketLine, timezone: str) -> ReceiptCard | None:
    card = line.card
    if card is None:
        return None
    return ReceiptCard(
        masked=card.masked,
        reload=card.kind is CardLineKind.RELOAD,
        amount=line.unit_price,
        recipient=printable(card.recipient_name) if card.recipient_name else None,
        send_at=local_time(card.deliver_at, timezone) if card.deliver_at else None,
    )


def text_lines(*texts: str) -> tuple[str, ...]:
    """The non-empty lines of a manager's texts, each printable."""
    lines = (printable(line) for text in texts for line in text.splitlines())
    return tuple(line for line in lines if line)


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` on the store's clock; naive times are UTC (as SQLite hands them back)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # A mistyped zone in the settings must not cost the customer their receipt.
        return moment.astimezone(UTC)
    return moment.astimezone(zone)


def known_locale(locale: str) -> str:
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return FALLBACK_LOCALE
    return locale


def _shown(amounts: LineAmounts, inclusive: bool) -> Money:
    return amounts.gross if inclusive else amounts.net


def _payment(payment: Payment) -> ReceiptPayment:
    cash = payment.tendered is not None
    card = payment.card_last4 or payment.reference
    gift = payment.kind is TenderKind.GIFT_CARD
    return ReceiptPayment(
        kind=payment.kind,
        label=printable(payment.label),
        covered=payment.covered,
        tendered=payment.tendered,
        change=payment.change if cash else None,
        reference=printable(payment.reference) if payment.reference and not gift else None,
        # Only the last four digits ever reach paper, whatever the reference holds.
        masked_card=mask_card_number(card) if gift and card else None,
        balance_after=payment.balance_after if gift else None,
    )


def printable(text: str) -> str:
    """Without control characters: a name from the catalog must not drive the printer."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(char)
    return " ".join("".join(kept).split())


# -- layout ------------------------------------------------------------------------------------


class RowStyle(StrEnum):
    TITLE = "title"  # the store's name, centred and prominent
    CENTER = "center"
    PLAIN = "plain"  # text on the left, an amount on the right
    DETAIL = "detail"  # indented under the row above
    STRONG = "strong"  # the total and the change
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    style: RowStyle
    left: str = ""
    right: str = ""


@dataclass(frozen=True, slots=True)
class CardSlip:
    """A gift card slip: what one Deduct Funds took from a card and what it left."""

    store_name: str
    locale: str
    masked_card: str  # "•••• 1234"
    amount: Money
    balance_after: Money
    employee_name: str
    when: datetime  # in the store's time zone
    short_id: str  # the activity's, for the barcode
    # What the slip is of: a deduction unless said otherwise (a refund onto the card).
    title: str = "Gift card: funds deducted"
    amount_label: str = "Deducted"


def _when_row(when: datetime, locale: str) -> ReceiptRow:
    """The date and time a receipt or slip was made, in the store's time zone and locale."""
    return ReceiptRow(
        RowStyle.PLAIN,
        format_date(when, "medium", locale=locale),
        format_time(when, "short", tzinfo=when.tzinfo, locale=locale),
    )


def slip_rows(slip: CardSlip) -> tuple[ReceiptRow, ...]:
    locale = slip.locale
    return (
        ReceiptRow(RowStyle.TITLE, slip.store_name),
        ReceiptRow(RowStyle.CENTER, slip.title),
        ReceiptRow(RowStyle.RULE),
        _when_row(slip.when, locale),
        ReceiptRow(RowStyle.PLAIN, f"Cashier: {slip.employee_name}"),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, f"Gift Card {slip.masked_card}"),
        ReceiptRow(RowStyle.STRONG, slip.amount_label, slip.amount.format(locale)),
        ReceiptRow(RowStyle.PLAIN, "Card balance", slip.balance_after.format(locale)),
    )


@dataclass(frozen=True, slots=True)
class CardNumberSlip:
    """A card sold on a number the server gave (no blank card in hand): the number, printed
    once for the customer, and what the card holds once its ticket is paid."""

    store_name: str
    locale: str
    number: str  # the full number: this slip is the card
    amount: Money
    when: datetime  # in the store's time zone
    short_id: str  # the card's, for the barcode


def number_slip_rows(slip: CardNumberSlip) -> tuple[ReceiptRow, ...]:
    grouped = " ".join(slip.number[at : at + 4] for at in range(0, len(slip.number), 4))
    return (
        ReceiptRow(RowStyle.TITLE, slip.store_name),
        ReceiptRow(RowStyle.CENTER, "Gift card"),
        ReceiptRow(RowStyle.RULE),
        _when_row(slip.when, slip.locale),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, "Card number"),
        ReceiptRow(RowStyle.STRONG, grouped),
        ReceiptRow(RowStyle.PLAIN, "Starting balance", slip.amount.format(slip.locale)),
        ReceiptRow(RowStyle.DETAIL, "Active once the ticket is paid."),
        ReceiptRow(RowStyle.DETAIL, "Keep this slip: its number is the card."),
    )


def receipt_rows(receipt: Receipt) -> tuple[ReceiptRow, ...]:
    """What the receipt says, in order, with money already formatted for the store's locale."""
    locale = receipt.locale

    def money(amount: Money) -> str:
        return amount.format(locale)

    ticket = f"Ticket #{receipt.ticket_number}" if receipt.ticket_number is not None else "Ticket"
    rows = [ReceiptRow(RowStyle.TITLE, COPY_MARK)] if receipt.copy else []
    if receipt.demo:
        rows.append(ReceiptRow(RowStyle.TITLE, DEMO_MARK))
    rows.append(ReceiptRow(RowStyle.TITLE, receipt.store_name))
    rows += [ReceiptRow(RowStyle.CENTER, line) for line in receipt.header_lines]
    rows += [
        ReceiptRow(RowStyle.CENTER, receipt.register_name),
        ReceiptRow(RowStyle.RULE),
        ReceiptRow(RowStyle.PLAIN, ticket, receipt.short_id),
        _when_row(receipt.completed_at, locale),
        ReceiptRow(RowStyle.PLAIN, f"Cashier: {receipt.employee_name}"),
        ReceiptRow(RowStyle.RULE),
    ]
    for line in receipt.lines:
        rows.append(ReceiptRow(RowStyle.PLAIN, line.name, money(line.amount)))
        if line.quantity != 1:
            rows.append(ReceiptRow(RowStyle.DETAIL, f"{line.quantity} x {money(line.unit_price)}"))
        if line.card is not None:
            rows.extend(_card_rows(line.card, money, locale))
    rows.append(ReceiptRow(RowStyle.RULE))
    subtotal = "Subtotal excl. tax" if receipt.prices_include_tax else "Subtotal"
    rows.append(ReceiptRow(RowStyle.PLAIN, subtotal, money(receipt.subtotal)))
    rows.append(ReceiptRow(RowStyle.PLAIN, "Tax", money(receipt.tax)))
    if receipt.tip is not None:
        rows.append(ReceiptRow(RowStyle.PLAIN, "Tip", money(receipt.tip)))
    rows.append(ReceiptRow(RowStyle.STRONG, "Total", money(receipt.total)))
    rows.append(ReceiptRow(RowStyle.RULE))
    for payment in receipt.payments:
        rows.extend(_payment_rows(payment, money))
    if receipt.change.is_positive():
        rows.append(ReceiptRow(RowStyle.STRONG, "Change", money(receipt.change)))
    if receipt.note:
        rows.append(ReceiptRow(RowStyle.RULE))
        rows.append(ReceiptRow(RowStyle.CENTER, receipt.note))
    if receipt.footer_lines:
        rows.append(ReceiptRow(RowStyle.RULE))
        rows += [ReceiptRow(RowStyle.CENTER, line) for line in receipt.footer_lines]
    return tuple(rows)


def _card_rows(card: ReceiptCard, money: Callable[[Money], str], locale: str) -> list[ReceiptRow]:
    """Under a gift card's line: its starting balance (a reload: what was added), and an
    e-gift's recipient and when it is sent."""
    caption = "Added to the card" if card.reload else "Starting balance"
    rows = [ReceiptRow(RowStyle.DETAIL, caption, money(card.amount))]
    if card.recipient:
        rows.append(ReceiptRow(RowStyle.DETAIL, f"E-gift to {card.recipient}"))
    if card.send_at is not None:
        when = format_date(card.send_at, "medium", locale=locale)
        at = format_time(card.send_at, "short", tzinfo=card.send_at.tzinfo, locale=locale)
        rows.append(ReceiptRow(RowStyle.DETAIL, f"Sent {when} {at}"))
    return rows


def _payment_rows(payment: ReceiptPayment, money: Callable[[Money], str]) -> list[ReceiptRow]:
    label = f"{payment.label} {payment.masked_card}" if payment.masked_card else payment.label
    rows = [ReceiptRow(RowStyle.PLAIN, label, money(payment.covered))]
    if payment.tendered is not None:
        # The change is the sale's, printed once below all the tenders.
        rows.append(ReceiptRow(RowStyle.DETAIL, "Tendered", money(payment.tendered)))
    if payment.reference:
        rows.append(ReceiptRow(RowStyle.DETAIL, f"Ref {payment.reference}"))
    if payment.balance_after is not None:
        rows.append(ReceiptRow(RowStyle.DETAIL, "Card balance", money(payment.balance_after)))
    return rows


# -- fixed-width text --------------------------------------------------------------------------


def text_columns(text: str) -> int:
    """Columns ``text`` takes on a fixed-width device: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap_text(text: str, limit: float, measure: Callable[[str], float] = text_columns) -> list[str]:
    """``text`` in lines of at most ``limit`` by ``measure``, breaking words only if they must."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        while measure(word) > limit:
            cut = 1  # at least one character, so a word always gets shorter
            while cut < len(word) and measure(word[: cut + 1]) <= limit:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def receipt_text(receipt: Receipt, width: int = 42) -> list[str]:
    """The receipt as lines of at most ``width`` columns, as a receipt printer prints it."""
    return rows_text(receipt_rows(receipt), width)


def rows_text(rows: tuple[ReceiptRow, ...], width: int = 42) -> list[str]:
    """Rows (a receipt's, a report's) as lines of at most ``width`` columns."""
    if width < MIN_WIDTH:
        raise ValueError(f"a receipt is at least {MIN_WIDTH} columns wide")
    text: list[str] = []
    for row in rows:
        if row.style is RowStyle.RULE:
            text.append("-" * width)
        elif row.style in (RowStyle.TITLE, RowStyle.CENTER):
            text.extend(_centred(part, width) for part in wrap_text(row.left, width))
        else:
            indent = 2 if row.style is RowStyle.DETAIL else 0
            left = row.left.upper() if row.style is RowStyle.STRONG else row.left
            text.extend(_text_row(left, row.right, width, indent))
    return text


def _text_row(left: str, right: str, width: int, indent: int) -> list[str]:
    pad = " " * indent
    room = width - indent - (text_columns(right) + 1 if right else 0)
    if room < _MIN_LEFT:
        lines = [pad + part for part in wrap_text(left, width - indent)] if left else []
        return lines + [_flush_right(part, width) for part in wrap_text(right, width)]
    lines = [pad + part for part in wrap_text(left, room)]
    lines[0] += _flush_right(right, width - text_columns(lines[0]))
    return lines


def _flush_right(text: str, width: int) -> str:
    return " " * (width - text_columns(text)) + text if text else ""


def _centred(text: str, width: int) -> str:
    return " " * ((width - text_columns(text)) // 2) + text
