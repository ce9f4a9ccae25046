"""A cash drawer's shift: the float it opens with, the cash it takes and gives outside sales,
and the X and Z reports' arithmetic.

A shift's report covers every ticket finished since the last Z (a card sale rung up while no
shift was open is in the next Z, never in none), and every movement of cash outside a sale:
pay in, pay out, a drawer opened with no sale, a gift card cashed out. Cash is only taken while
a shift is open (``NO_SHIFT_FOR_CASH``), so the drawer's expected cash is exact:

    expected = float + cash sales (tendered - change) + pay ins - pay outs - cash-outs

Gift cards, the card terminal and the store's own tenders are totalled but are not in the
drawer. A refund onto a gift card is value given back, not cash: it is listed, never taken
from the drawer. Pure: the register's database hands in domain objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_desktop.domain.errors import DomainError, ErrorCode, InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.tender import TENDER_LABELS, TenderKind

MAX_PIECES = 99_999  # of one note or coin in one drawer: more is a stuck key
MAX_REASON_LENGTH = 200
MAX_NOTE_LENGTH = 500

NO_SHIFT_FOR_CASH = "Open a shift first (Drawer → Open shift): cash goes in a counted drawer."
NO_SHIFT_FOR_CASH_OUT = (
    "Open a shift first (Drawer → Open shift): a cash-out is paid from a counted drawer."
)
NO_SHIFT = "No shift is open. Open one first (Drawer → Open shift)."
SHIFT_ALREADY_OPEN = "A shift is open already on this register: close it before opening another."
REASON_NEEDED = "Give a reason."
REASON_TOO_LONG = f"A reason is at most {MAX_REASON_LENGTH} characters."
NOTE_TOO_LONG = f"A note is at most {MAX_NOTE_LENGTH} characters."
BAD_COUNT = "A count is a whole number of notes or coins, e.g. 12."
COUNT_TOO_LARGE = f"At most {MAX_PIECES:,} of one note or coin."


class ShiftRefused(DomainError):
    """No shift open where one is needed, a second one opened, a shift closed twice."""

    code = ErrorCode.SHIFT_REFUSED


class ShiftConflict(DomainError):
    """A pushed shift clashes with one the server keeps: its Z number names another shift of
    the register, or its id is another register's."""

    code = ErrorCode.SHIFT_CONFLICT


class MovementKind(StrEnum):
    """Cash in or out of the drawer outside a sale's tenders (``no_sale`` moves none)."""

    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    NO_SALE = "no_sale"
    GIFT_CARD_CASH_OUT = "gift_card_cash_out"


MOVEMENT_LABELS: dict[MovementKind, str] = {
    MovementKind.PAY_IN: "Pay in",
    MovementKind.PAY_OUT: "Pay out",
    MovementKind.NO_SALE: "No sale",
    MovementKind.GIFT_CARD_CASH_OUT: "Gift card cash-out",
}


@dataclass(frozen=True, slots=True)
class Movement:
    kind: MovementKind
    amount: Money  # signed: negative when cash left the drawer; zero for a no sale
    reason: str | None
    employee_name: str
    at: datetime


# -- denominations ---------------------------------------------------------------------------

# The notes and coins a drawer holds in each currency, in minor units, largest first; the
# ones rarely seen in a till (the $2 bill, the €500 note) are left out, a total covers them.
DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "USD": (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1),
    "EUR": (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "GBP": (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "CAD": (10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5),
    "AUD": (10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "CHF": (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "JPY": (10000, 5000, 1000, 500, 100, 50, 10, 5, 1),
    "SEK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100),
    "NOK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 100),
    "DKK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50),
}


def denominations(currency: str) -> tuple[Money, ...]:
    """The drawer's notes and coins, largest first; none for a currency not listed (its
    drawer is counted as a total)."""
    return tuple(Money(value, currency) for value in DENOMINATIONS.get(currency, ()))


def parse_pieces(text: str) -> int:
    """How many of one note or coin the cashier typed: a whole number, 0 for nothing typed."""
    shown = text.strip()
    if not shown:
        return 0
    if not (shown.isascii() and shown.isdigit()):
        raise InvalidAmount(BAD_COUNT)
    pieces = int(shown)
    if pieces > MAX_PIECES:
        raise InvalidAmount(COUNT_TOO_LARGE)
    return pieces


@dataclass(frozen=True, slots=True)
class DrawerCount:
    """What a drawer holds: by denomination (``pieces``: value in minor units -> how many),
    or only a total (``pieces`` empty)."""

    total: Money
    pieces: tuple[tuple[int, int], ...] = ()

    @property
    def by_denomination(self) -> bool:
        return bool(self.pieces)


def count_by_denomination(currency: str, pieces: Mapping[int, int]) -> DrawerCount:
    """The drawer counted note by note; a value the currency has no note or coin for, or a
    count out of range, is refused."""
    known = set(DENOMINATIONS.get(currency, ()))
    kept: list[tuple[int, int]] = []
    total = 0
    for value, count in sorted(pieces.items(), reverse=True):
        if value not in known:
            raise InvalidAmount(f"{Money(value, currency).format()} is no {currency} note or coin.")
        if not 0 <= count <= MAX_PIECES:
            raise InvalidAmount(COUNT_TOO_LARGE if count > 0 else BAD_COUNT)
        if count:
            kept.append((value, count))
            total += value * count
    return DrawerCount(Money(total, currency), tuple(kept))


def count_total(total: Money) -> DrawerCount:
    """The drawer counted as one total (``Money.parse`` has refused letters and minus signs)."""
    if total.minor < 0:
        raise InvalidAmount("A count cannot be negative.")
    return DrawerCount(total)


# -- the words a cashier gives --------------------------------------------------------------


def check_reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise InvalidAmount(REASON_NEEDED)
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidAmount(REASON_TOO_LONG)
    return reason


def check_note(text: str) -> str | None:
    note = text.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidAmount(NOTE_TOO_LONG)
    return note or None


def check_cash_amount(amount: Money) -> Money:
    """A pay in or pay out: more than nothing."""
    if not amount.is_positive():
        raise InvalidAmount("Enter an amount more than zero.")
    return amount


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TenderTotal:
    """What one tender took over the shift: tickets' share and tips together."""

    tender: str  # "cash", "card", "gift_card", or a store's own tender's name
    label: str
    cash: bool
    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class Tally:
    """How many, and how much in all (always positive)."""

    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class ShiftReport:
    currency: str
    opening_float: Money
    tickets: int  # completed
    goods: Money  # the goods sold, before tax; gift cards sold are not in it
    tax: Money
    gift_cards_sold: Tally  # a liability, not a sale
    tips: Money
    taken: Money  # all the tenders together: goods, tax, gift cards and tips
    tenders: tuple[TenderTotal, ...]
    cash_tendered: Money  # handed over in cash
    change_given: Money
    voids: Tally  # voided tickets and what they came to
    refunds: Tally  # given back onto gift cards: no cash
    no_sales: int
    pay_ins: Tally
    pay_outs: Tally
    cash_outs: Tally  # gift cards' balances paid out in cash
    expected: Money  # the cash the drawer should hold
    counted: Money | None = None
    difference: Money | None = None  # counted - expected: negative when cash is short

    @property
    def cash_sales(self) -> Money:
        """What cash sales left in the drawer: the cash handed over less the change."""
        return self.cash_tendered - self.change_given

    @property
    def non_cash(self) -> Money:
        total = Money.zero(self.currency)
        for tender in self.tenders:
            if not tender.cash:
                total += tender.amount
        return total

    def with_count(self, counted: Money) -> ShiftReport:
        """The report once the drawer is counted: what it held, and how far from expected."""
        return replace(self, counted=counted, difference=counted - self.expected)


_TENDER_ORDER = {TenderKind.CASH: 0, TenderKind.CARD: 1, TenderKind.GIFT_CARD: 2}


def _tender_key(kind: TenderKind, label: str) -> tuple[str, str]:
    if kind is TenderKind.OTHER:
        return label, label
    return kind.value, TENDER_LABELS[kind]


class _Sums:
    """Running sums of one currency, in minor units."""

    def __init__(self) -> None:
        self.tickets = self.goods = self.tax = self.tips = 0
        self.cards = self.card_lines = 0
        self.tendered = self.change = 0
        self.voids = self.voided = 0
        self.tenders: dict[tuple[str, str], list[int]] = {}  # key -> [count, amount, order]

    def add_sale(self, sale: Sale) -> None:
        if sale.status is SaleStatus.VOIDED:
            self.voids += 1
            self.voided += sale.grand_total.minor
            return
        if sale.status is not SaleStatus.COMPLETED:
            return
        self.tickets += 1
        self.tips += sale.tip_amount.minor
        for line in sale.lines:
            amounts = line.amounts(sale.prices_include_tax)
            self.tax += amounts.tax.minor
            if line.card is not None:
                self.card_lines += 1
                self.cards += amounts.net.minor
            else:
                self.goods += amounts.net.minor
        for payment in sale.visible_payments:
            key = _tender_key(payment.kind, payment.label)
            entry = self.tenders.setdefault(key, [0, 0, _TENDER_ORDER.get(payment.kind, 3)])
            entry[0] += 1
            entry[1] += payment.covered.minor
            if payment.tendered is not None:
                self.tendered += payment.tendered.minor
                self.change += payment.change.minor


def shift_report(
    opening_float: Money,
    sales: Iterable[Sale],
    movements: Iterable[Movement],
    refunds: Iterable[Money],
) -> ShiftReport:
    """The X report of a shift (a Z once ``with_count`` adds the drawer's count): its float,
    the tickets finished in it (completed and voided), its cash movements and its refunds onto
    gift cards."""
    currency = opening_float.currency
    sums = _Sums()
    for sale in sales:
        if sale.currency != currency:
            raise InvalidAmount(f"Ticket #{sale.number} is in {sale.currency}, not {currency}.")
        sums.add_sale(sale)
    kinds: dict[MovementKind, list[int]] = {kind: [0, 0] for kind in MovementKind}
    for movement in movements:
        if movement.amount.currency != currency:
            raise InvalidAmount(f"A movement is in {movement.amount.currency}, not {currency}.")
        kinds[movement.kind][0] += 1
        kinds[movement.kind][1] += abs(movement.amount.minor)
    refund_count = refunded = 0
    for refund in refunds:
        refund_count += 1
        refunded += refund.minor

    def money(minor: int) -> Money:
        return Money(minor, currency)

    def tally(kind: MovementKind) -> Tally:
        return Tally(kinds[kind][0], money(kinds[kind][1]))

    tenders = tuple(
        TenderTotal(key[0], key[1], key[0] == TenderKind.CASH.value, entry[0], money(entry[1]))
        for key, entry in sorted(sums.tenders.items(), key=lambda item: (item[1][2], item[0][1]))
    )
    cash_sales = sums.tendered - sums.change
    expected = (
        opening_float.minor
        + cash_sales
        + kinds[MovementKind.PAY_IN][1]
        - kinds[MovementKind.PAY_OUT][1]
        - kinds[MovementKind.GIFT_CARD_CASH_OUT][1]
    )
    return ShiftReport(
        currency=currency,
        opening_float=opening_float,
        tickets=sums.tickets,
        goods=money(sums.goods),
        tax=money(sums.tax),
        gift_cards_sold=Tally(sums.card_lines, money(sums.cards)),
        tips=money(sums.tips),
        taken=money(sum(entry[1] for entry in sums.tenders.values())),
        tenders=tenders,
        cash_tendered=money(sums.tendered),
        change_given=money(sums.change),
        voids=Tally(sums.voids, money(sums.voided)),
        refunds=Tally(refund_count, money(refunded)),
        no_sales=kinds[MovementKind.NO_SALE][0],
        pay_ins=tally(MovementKind.PAY_IN),
        pay_outs=tally(MovementKind.PAY_OUT),
        cash_outs=tally(MovementKind.GIFT_CARD_CASH_OUT),
        expected=money(expected),
    )
