"""Tenders: ticket first then tip, what is due, cash change, and the gift card's ask (seed 004)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import InsufficientBalance, InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import PartialRedeemNeeded, RedemptionPlan, plan_redemption
from pos_desktop.domain.tender import (
    Dues,
    Payment,
    PaymentState,
    TenderKind,
    TenderRefused,
    TipBase,
    can_complete,
    dues,
    gift_card_ask,
    split_tender,
    tip_base,
    tip_from_percent,
)
from pos_desktop.domain.ticket import Totals

amounts = st.integers(min_value=0, max_value=10_000_000)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def paid(amount: int, tip: int = 0, state: PaymentState = PaymentState.APPROVED) -> Payment:
    return Payment(uuid.uuid4(), TenderKind.CASH, "Cash", usd(amount), usd(tip), state)


def test_dues_subtract_payments_that_hold_money() -> None:
    """Approved and unanswered payments count; refused and given-back ones do not."""
    payments = [
        paid(500, 100),
        paid(200, state=PaymentState.PENDING),
        paid(999, state=PaymentState.FAILED),
        paid(999, state=PaymentState.REVERSED),
    ]
    assert dues(usd(1000), usd(300), payments) == Dues(usd(300), usd(200))


def test_split_tender_pays_the_ticket_then_the_tip_and_gives_change() -> None:
    """$20 cash on $12 + $2 tip: $12 ticket, $2 tip, $6 change."""
    split = split_tender(usd(2000), Dues(usd(1200), usd(200)), gives_change=True)
    assert (split.amount, split.tip, split.change) == (usd(1200), usd(200), usd(600))


def test_split_tender_refuses_more_than_due_without_change() -> None:
    """A card terminal or voucher cannot pay more than is due."""
    with pytest.raises(TenderRefused, match="more than the amount due"):
        split_tender(usd(1500), Dues(usd(1200), usd(200)), gives_change=False)


def test_split_tender_refuses_zero() -> None:
    """Zero is not a payment."""
    with pytest.raises(InvalidAmount):
        split_tender(usd(0), Dues(usd(1200), usd(0)), gives_change=True)


def test_gift_card_ask_requests_the_ticket_then_all_tip_due() -> None:
    """Seed 004: the entered amount goes to the ticket; the card is asked for the tip after."""
    ask = gift_card_ask(usd(1400), Dues(usd(1200), usd(200)))
    assert (ask.amount, ask.tip) == (usd(1200), usd(200))


def test_gift_card_ask_refuses_a_tip_only_payment() -> None:
    """With only tip left, the cashier is told to take it with another tender."""
    with pytest.raises(TenderRefused, match="only the tip is left"):
        gift_card_ask(usd(200), Dues(usd(0), usd(200)))


@given(balance=amounts, ticket_due=amounts, tip_due=amounts, entered=amounts)
def test_gift_card_tip_rule_holds_for_any_balance(
    balance: int, ticket_due: int, tip_due: int, entered: int
) -> None:
    """Seed 004 over any numbers: the amount first, then the tip up to what is left; amount + tip
    never exceed the balance; the tip not covered stays due; balance 0 fails with the message;
    an amount over the balance asks for a partial redeem."""
    due = Dues(usd(ticket_due), usd(tip_due))
    try:
        ask = gift_card_ask(usd(entered), due)
    except (TenderRefused, InvalidAmount):
        assert entered == 0 or entered > ticket_due + tip_due or ticket_due == 0
        return
    try:
        plan = plan_redemption(usd(balance), ask.amount, ask.tip)
    except InsufficientBalance:
        assert balance == 0
        return
    if isinstance(plan, PartialRedeemNeeded):
        assert ask.amount.minor > balance
        assert plan.max_amount == usd(balance)
        return
    assert isinstance(plan, RedemptionPlan)
    assert plan.redeemed == ask.amount
    assert plan.tip_covered == usd(min(tip_due, balance - ask.amount.minor))
    assert plan.redeemed.minor + plan.tip_covered.minor <= balance
    after = dues(usd(ticket_due), usd(tip_due), [paid(plan.redeemed.minor, plan.tip_covered.minor)])
    assert after.tip == usd(tip_due - plan.tip_covered.minor)


def test_can_complete_waits_for_unanswered_payments() -> None:
    """A ticket paid in full still waits while a payment's answer is outstanding."""
    assert not can_complete(usd(500), usd(0), [paid(500, state=PaymentState.PENDING)])
    assert can_complete(usd(500), usd(0), [paid(500)])


@pytest.mark.parametrize(("percent", "expected"), [(0, 0), (15, 188), (18, 225), (20, 250)])
def test_tip_from_percent_rounds_half_up(percent: int, expected: int) -> None:
    """Preset tips of a $12.50 ticket, to the cent."""
    assert tip_from_percent(usd(1250), percent) == usd(expected)


def test_tip_base_is_the_subtotal_before_tax_or_the_total() -> None:
    """Percentages are taken on the goods before tax by default, on the total when chosen."""
    totals = Totals(subtotal=usd(18_00), tax=usd(1_49), total=usd(19_49))
    assert tip_base(totals, TipBase.SUBTOTAL) == usd(18_00)
    assert tip_base(totals, TipBase.TOTAL) == usd(19_49)
