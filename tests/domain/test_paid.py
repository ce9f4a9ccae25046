"""The paid panel's words: the change out of the cash handed over, and each tender's line."""

from __future__ import annotations

from pos_desktop.domain.paid import NO_CHANGE, TenderLine, paid_summary
from tests.fixtures.sales import card, cash, completed_sale, gift_card, line


def test_paid_summary_gift_card_then_cash_with_change() -> None:
    """A gift card pays $20.00, $10.00 cash the $9.24 left: $0.76 change out of $10.00."""
    sale = completed_sale(
        (line("Gift basket", 2924, tax_bp=0),),
        (gift_card(2000, 500, number="6035718492054321"), cash(924, 1000)),
    )
    summary = paid_summary(sale, "en_US")
    assert summary.headline == "Change $0.76 out of $10.00"
    assert summary.tenders == (
        TenderLine("Gift card •••• 4321", "$20.00"),
        TenderLine("Cash", "$10.00"),
    )


def test_paid_summary_card_says_no_change() -> None:
    """A card pays exactly: no change, and the card's line."""
    sale = completed_sale((line("Mug", 1200),), (card(1299),))
    summary = paid_summary(sale, "en_US")
    assert summary.headline == NO_CHANGE
    assert not summary.change.is_positive()
    assert summary.tenders == (TenderLine("Card", "$12.99"),)


def test_paid_summary_exact_cash_says_no_change() -> None:
    """Cash of exactly the total: no change, the cash line shows what was handed over."""
    sale = completed_sale((line("Croissant", 375, tax_bp=0),), (cash(375, 375),))
    summary = paid_summary(sale, "en_US")
    assert summary.headline == NO_CHANGE
    assert summary.tenders == (TenderLine("Cash", "$3.75"),)
