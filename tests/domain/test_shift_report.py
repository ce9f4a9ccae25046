"""The X and Z reports' arithmetic: a day of fixed tickets and tenders gives each total to the
cent (figures worked out by hand in the comments), the drawer's expected cash, the count by
denomination and its difference; counts typed with letters or a minus sign are refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.card_sale import CardLine, CardLineKind, Delivery
from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import rows_text
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.shift_paper import ReportKind, ShiftPaper, shift_rows
from pos_desktop.domain.shifts import (
    BAD_COUNT,
    Movement,
    MovementKind,
    Tally,
    check_reason,
    count_by_denomination,
    count_total,
    denominations,
    parse_pieces,
    shift_report,
)
from pos_desktop.domain.tender import Payment, TenderKind
from pos_desktop.domain.ticket import TicketLine

AT = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def item(name: str, price: int, quantity: int = 1, tax_bp: int = 825) -> TicketLine:
    return TicketLine(uuid.uuid4(), uuid.uuid4(), name, usd(price), quantity, tax_bp)


def card_line(amount: int) -> TicketLine:
    card = CardLine(CardLineKind.SALE, uuid.uuid4(), "5184", Delivery.PHYSICAL)
    return TicketLine(uuid.uuid4(), None, "Gift card •••• 5184", usd(amount), 1, 0, card)


def cash(amount: int, tendered: int) -> Payment:
    return Payment(
        uuid.uuid4(), TenderKind.CASH, "Cash", usd(amount), usd(0), tendered=usd(tendered)
    )


def paid(kind: TenderKind, label: str, amount: int, tip: int = 0) -> Payment:
    return Payment(uuid.uuid4(), kind, label, usd(amount), usd(tip))


def ticket(
    number: int,
    lines: tuple[TicketLine, ...],
    payments: tuple[Payment, ...],
    *,
    tip: int = 0,
    status: SaleStatus = SaleStatus.COMPLETED,
) -> Sale:
    return Sale(
        id=uuid.uuid4(),
        employee_id=uuid.uuid4(),
        employee_name="Dana",
        currency="USD",
        prices_include_tax=False,
        opened_at=AT,
        status=status,
        tip=usd(tip) if tip else None,
        lines=lines,
        payments=payments,
        completed_at=AT,
        number=number,
    )


def day() -> list[Sale]:
    """Six tickets at 8.25 % tax, tax rounded half up per line."""
    return [
        # 2 x $4.50 + $12.00 = $21.00; tax 74.25 -> 74 and 99: $22.73; $25.00 cash, $2.27 back.
        ticket(1, (item("Latte", 450, 2), item("Mug", 1200)), (cash(2273, 2500),)),
        # 3 x $3.00 = $9.00, tax 74.25 -> 74: $9.74, and a $2.00 tip, all on the card terminal.
        ticket(2, (item("Espresso", 300, 3),), (paid(TenderKind.CARD, "Card", 974, 200),), tip=200),
        # A $50.00 gift card (no tax) and a $3.75 croissant (tax 30.94 -> 31): $54.06;
        # $60.00 cash, $5.94 back.
        ticket(3, (card_line(5000), item("Croissant", 375)), (cash(5406, 6000),)),
        # A $12.00 mug, tax 99: $12.99; a gift card pays $10.00, cash $2.99 of $3.00.
        ticket(
            4,
            (item("Mug", 1200),),
            (paid(TenderKind.GIFT_CARD, "Gift Card", 1000), cash(299, 300)),
        ),
        # Voided: a $4.50 latte, tax 37.13 -> 37: $4.87.
        ticket(5, (item("Latte", 450),), (), status=SaleStatus.VOIDED),
        # 2 x $3.75 = $7.50, tax 61.88 -> 62: $8.12 on the store's own Voucher.
        ticket(6, (item("Croissant", 375, 2),), (paid(TenderKind.OTHER, "Voucher", 812),)),
    ]


def movements() -> list[Movement]:
    return [
        Movement(MovementKind.PAY_IN, usd(2000), "Change from the bank", "Dana", AT),
        Movement(MovementKind.PAY_OUT, usd(-1250), "Milk", "Dana", AT),
        Movement(MovementKind.NO_SALE, usd(0), "Customer wanted change", "Dana", AT),
        Movement(MovementKind.GIFT_CARD_CASH_OUT, usd(-375), "•••• 5184", "Morgan", AT),
    ]


def test_shift_report_of_a_day_is_exact_to_the_cent() -> None:
    """Every total of the day's report, worked out by hand."""
    report = shift_report(usd(15000), day(), movements(), [usd(800)])

    assert report.tickets == 5
    assert report.goods == usd(2100 + 900 + 375 + 1200 + 750)  # 53.25
    assert report.tax == usd(173 + 74 + 31 + 99 + 62)  # 4.39
    assert report.gift_cards_sold == Tally(1, usd(5000))
    assert report.tips == usd(200)
    # 22.73 + 11.74 + 54.06 + 12.99 + 8.12 = 109.64 = 53.25 + 4.39 + 50.00 + 2.00
    assert report.taken == usd(10964)
    assert [(t.label, t.count, t.amount.minor, t.cash) for t in report.tenders] == [
        ("Cash", 3, 2273 + 5406 + 299, True),  # 79.78
        ("Card", 1, 1174, False),
        ("Gift Card", 1, 1000, False),
        ("Voucher", 1, 812, False),
    ]
    assert report.non_cash == usd(1174 + 1000 + 812)  # 29.86
    assert report.cash_tendered == usd(2500 + 6000 + 300)  # 88.00
    assert report.change_given == usd(227 + 594 + 1)  # 8.22
    assert report.cash_sales == usd(7978)
    assert report.voids == Tally(1, usd(487))
    assert report.refunds == Tally(1, usd(800))
    assert report.no_sales == 1
    assert report.pay_ins == Tally(1, usd(2000))
    assert report.pay_outs == Tally(1, usd(1250))
    assert report.cash_outs == Tally(1, usd(375))
    # 150.00 float + 79.78 cash sales + 20.00 in - 12.50 out - 3.75 cashed out = 233.53
    assert report.expected == usd(23353)
    assert report.counted is None and report.difference is None


def test_shift_report_counted_short_by_a_quarter() -> None:
    """$100, 4 x $20, 3 x $10, 4 x $5, 2 x $1, 4 quarters, 2 dimes, a nickel and 3 pennies
    make $233.28: 25 cents short of $233.53."""
    count = count_by_denomination(
        "USD", {10000: 1, 2000: 4, 1000: 3, 500: 4, 100: 2, 25: 4, 10: 2, 5: 1, 1: 3, 5000: 0}
    )
    report = shift_report(usd(15000), day(), movements(), [usd(800)]).with_count(count.total)

    assert count.total == usd(23328)
    assert count.pieces[0] == (10000, 1) and (5000, 0) not in count.pieces
    assert report.counted == usd(23328)
    assert report.difference == usd(-25)


def test_shift_report_empty_shift_expects_its_float() -> None:
    """No sale and no movement: the drawer should hold its float, nothing else."""
    report = shift_report(usd(10000), [], [], [])
    assert report.expected == usd(10000)
    assert report.taken == usd(0) and report.tenders == ()


def test_shift_paper_prints_the_z_figures() -> None:
    """The Z's rows carry its number, the expected cash, the count and the difference in words."""
    report = shift_report(usd(15000), day(), movements(), [usd(800)]).with_count(usd(23328))
    paper = ShiftPaper(
        kind=ReportKind.Z,
        store_name="Corner Coffee",
        register_name="Register 1",
        locale="en_US",
        opened_at=AT,
        opened_by="Dana",
        until=AT,
        report=report,
        short_id="abcd1234",
        z_number=7,
        closed_by="Morgan",
        counts=((10000, 1), (2000, 4)),
        note="Quarter missing",
        movements=tuple(movements()),
    )
    text = "\n".join(receipt_text_of(paper))

    assert "Z report #7" in text
    assert "$233.53" in text and "$233.28" in text
    assert "SHORT" in text and "$0.25" in text
    assert "4 x $20.00" in text and "Quarter missing" in text
    assert "Milk (Dana)" in text


def receipt_text_of(paper: ShiftPaper) -> list[str]:
    return rows_text(shift_rows(paper))


@pytest.mark.parametrize("typed", ["12a", "-3", "1.5", "x", "١٢", "+4"])
def test_parse_pieces_refuses_what_is_no_whole_count(typed: str) -> None:
    """Letters, a minus sign, decimals or other scripts' digits are no count of notes."""
    with pytest.raises(InvalidAmount, match=BAD_COUNT):
        parse_pieces(typed)


def test_parse_pieces_reads_whole_numbers_and_nothing_as_zero() -> None:
    assert parse_pieces(" 12 ") == 12
    assert parse_pieces("") == 0


def test_count_by_denomination_refuses_a_value_the_currency_has_not() -> None:
    """There is no $3 note."""
    with pytest.raises(InvalidAmount, match="no USD note"):
        count_by_denomination("USD", {300: 1})


def test_count_refuses_a_negative_count_or_total() -> None:
    with pytest.raises(InvalidAmount):
        count_by_denomination("USD", {100: -1})
    with pytest.raises(InvalidAmount):
        count_total(usd(-1))


def test_denominations_follow_the_store_currency() -> None:
    """A yen drawer has no decimals; a currency not listed is counted as a total."""
    assert denominations("JPY")[0] == Money(10000, "JPY")
    assert denominations("EUR")[-1] == Money(1, "EUR")
    assert denominations("XAF") == ()


def test_check_reason_needs_words() -> None:
    assert check_reason("  Milk   for  the  latte ") == "Milk for the latte"
    with pytest.raises(InvalidAmount):
        check_reason("   ")


@st.composite
def cash_sales(draw: st.DrawFn) -> Sale:
    prices = draw(st.lists(st.integers(1, 50_000), min_size=1, max_size=4))
    lines = tuple(item(f"Item {i}", price) for i, price in enumerate(prices))
    sale = ticket(1, lines, ())
    total = sale.totals.total.minor
    card_part = draw(st.integers(0, total))
    extra = draw(st.integers(0, 10_000))
    payments: tuple[Payment, ...] = (cash(total - card_part, total - card_part + extra),)
    if card_part:
        payments += (paid(TenderKind.CARD, "Card", card_part),)
    return ticket(1, lines, payments)


@given(
    st.integers(0, 100_000),
    st.lists(cash_sales(), max_size=6),
    st.lists(st.integers(1, 10_000), max_size=3),
    st.lists(st.integers(1, 10_000), max_size=3),
)
def test_shift_report_tenders_add_up_and_drawer_balances(
    float_minor: int, sales: list[Sale], ins: list[int], outs: list[int]
) -> None:
    """Whatever the sales: the tenders add up to what was taken, which is goods, tax, cards
    and tips; the drawer expects the float, the cash kept and the pay ins less the pay outs."""
    moved = [Movement(MovementKind.PAY_IN, usd(m), "in", "Dana", AT) for m in ins]
    moved += [Movement(MovementKind.PAY_OUT, usd(-m), "out", "Dana", AT) for m in outs]
    report = shift_report(usd(float_minor), sales, moved, [])

    assert sum(t.amount.minor for t in report.tenders) == report.taken.minor
    parts = report.goods + report.tax + report.gift_cards_sold.amount + report.tips
    assert parts == report.taken
    cash_kept = sum(p.covered.minor for s in sales for p in s.payments if p.kind is TenderKind.CASH)
    assert report.cash_sales == usd(cash_kept)
    assert report.expected == usd(float_minor + cash_kept + sum(ins) - sum(outs))


@given(st.dictionaries(st.sampled_from([10000, 2000, 500, 25, 1]), st.integers(0, 500)))
def test_count_by_denomination_total_is_the_sum_of_pieces(pieces: dict[int, int]) -> None:
    count = count_by_denomination("USD", pieces)
    assert count.total == usd(sum(value * n for value, n in pieces.items()))
    assert all(n > 0 for _, n in count.pieces)


def test_report_rows_set_in_columns_fit_a_receipt() -> None:
    """No line of a Z set for the screen is wider than the 42 columns of an 80 mm roll."""
    report = shift_report(usd(15000), day(), movements(), [usd(800)]).with_count(usd(23353))
    paper = ShiftPaper(
        ReportKind.Z, "Corner Coffee", "Register 1", "en_US", AT, "Dana", AT, report, "ab", 1
    )
    lines = receipt_text_of(paper)
    assert all(len(line) <= 42 for line in lines)
    assert any(line.startswith("EVEN") for line in lines)
