"""Redemption planning at checkout, as seed 004 states it (amounts in USD minor units)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import CurrencyMismatch, InsufficientBalance, InvalidAmount
from pos_desktop.domain.money import MAX_MINOR_UNITS, Money
from pos_desktop.domain.redemption import (
    PartialRedeemNeeded,
    RedemptionPlan,
    plan_redemption,
    require_full_plan,
)

# Seed 004, word for word.
SEED_MESSAGE = "Fail: The value to redeem exceeds the balance of the card!"


def usd(minor: int) -> Money:
    return Money(minor, "USD")


positive = st.integers(min_value=1, max_value=MAX_MINOR_UNITS)
tips = st.integers(min_value=0, max_value=MAX_MINOR_UNITS)


@st.composite
def within_balance(draw: st.DrawFn) -> tuple[int, int, int]:
    """(balance, amount, tip) with 0 < amount <= balance and tip >= 0."""
    balance = draw(positive)
    amount = draw(st.integers(min_value=1, max_value=balance))
    return balance, amount, draw(tips)


@st.composite
def over_balance(draw: st.DrawFn) -> tuple[int, int, int]:
    """(balance, amount, tip) with 0 < balance < amount and tip >= 0."""
    amount = draw(st.integers(min_value=2, max_value=MAX_MINOR_UNITS))
    balance = draw(st.integers(min_value=1, max_value=amount - 1))
    return balance, amount, draw(tips)


def full_plan(balance: int, amount: int, tip: int) -> RedemptionPlan:
    outcome = plan_redemption(usd(balance), usd(amount), usd(tip))
    assert isinstance(outcome, RedemptionPlan)
    return outcome


# --- zero balance ----------------------------------------------------------------------------


def test_plan_redemption_refuses_zero_balance_with_the_seed_message() -> None:
    """A $0.00 card is refused with the seed's exact message."""
    # given a card with a zero balance and a ticket due
    # when a redemption is planned
    with pytest.raises(InsufficientBalance) as refused:
        plan_redemption(usd(0), usd(1000), usd(0))
    # then the cashier sees the seed's message, word for word
    assert refused.value.message == SEED_MESSAGE
    assert str(refused.value) == SEED_MESSAGE


@given(amount=positive, tip=tips)
def test_plan_redemption_refuses_zero_balance_for_any_amount_and_tip(amount: int, tip: int) -> None:
    """A zero balance is refused whatever the amount and tip."""
    # given a zero balance and any valid amount and tip
    # when a redemption is planned
    # then it is refused as insufficient balance
    with pytest.raises(InsufficientBalance):
        plan_redemption(usd(0), usd(amount), usd(tip))


# --- over balance: the Partial Redeem screen --------------------------------------------------


@given(case=over_balance())
def test_plan_redemption_asks_for_partial_redeem_when_amount_exceeds_balance(
    case: tuple[int, int, int],
) -> None:
    """An amount above the balance asks for a partial redeem capped at the balance."""
    # given an amount above a positive balance
    balance, amount, tip = case
    # when a redemption is planned
    outcome = plan_redemption(usd(balance), usd(amount), usd(tip))
    # then a partial redeem is needed, capped at the whole balance
    assert outcome == PartialRedeemNeeded(requested=usd(amount), max_amount=usd(balance))


@given(case=over_balance())
def test_plan_redemption_partial_redeem_of_the_cap_covers_amount_in_full(
    case: tuple[int, int, int],
) -> None:
    """Confirming the Partial Redeem screen at its cap redeems the whole balance."""
    # given the partial redeem an over-balance amount asks for
    balance, amount, tip = case
    partial = plan_redemption(usd(balance), usd(amount), usd(tip))
    assert isinstance(partial, PartialRedeemNeeded)
    # when the cashier confirms the capped amount
    plan = full_plan(balance, partial.max_amount.minor, tip)
    # then the whole balance goes to the ticket and nothing is left for the tip
    assert plan == RedemptionPlan(redeemed=usd(balance), tip_covered=usd(0), balance_after=usd(0))


# --- within balance: amount first, then the tip ------------------------------------------------


def test_plan_redemption_pays_the_due_in_full_when_balance_covers_it() -> None:
    """Balance >= due pays the whole due and leaves the rest on the card."""
    # given a $50.00 card and a $30.00 ticket without tip
    # when a redemption is planned
    plan = full_plan(5000, 3000, 0)
    # then $30.00 is redeemed and $20.00 stays on the card
    assert plan == RedemptionPlan(redeemed=usd(3000), tip_covered=usd(0), balance_after=usd(2000))


def test_plan_redemption_covers_the_tip_only_from_what_the_amount_leaves() -> None:
    """The amount is paid first; the tip gets only what is left of the balance."""
    # given a $10.00 card, an $8.00 amount and a $5.00 tip
    # when a redemption is planned
    plan = full_plan(1000, 800, 500)
    # then $8.00 goes to the ticket, $2.00 to the tip, and $3.00 of tip stays due
    assert plan == RedemptionPlan(redeemed=usd(800), tip_covered=usd(200), balance_after=usd(0))


@given(case=within_balance())
def test_plan_redemption_redeems_exactly_the_amount(case: tuple[int, int, int]) -> None:
    """Within the balance, exactly the amount asked for goes to the ticket."""
    # given an amount no more than the balance, and any tip
    balance, amount, tip = case
    # when a redemption is planned
    plan = full_plan(balance, amount, tip)
    # then the redeemed amount is the amount
    assert plan.redeemed == usd(amount)


@given(case=within_balance())
def test_plan_redemption_covers_tip_up_to_the_remaining_balance(case: tuple[int, int, int]) -> None:
    """The tip covered is the tip or what the amount leaves of the balance, whichever is less."""
    # given an amount no more than the balance, and any tip
    balance, amount, tip = case
    # when a redemption is planned
    plan = full_plan(balance, amount, tip)
    # then the tip covered is min(tip, balance - amount)
    assert plan.tip_covered == usd(min(tip, balance - amount))


@given(case=within_balance())
def test_plan_redemption_never_debits_more_than_the_balance(case: tuple[int, int, int]) -> None:
    """Amount plus tip covered never exceeds the card's balance."""
    # given an amount no more than the balance, and any tip
    balance, amount, tip = case
    # when a redemption is planned
    plan = full_plan(balance, amount, tip)
    # then the total debit fits in the balance
    assert plan.redeemed.minor + plan.tip_covered.minor <= balance
    assert plan.total_debit == plan.redeemed + plan.tip_covered


@given(case=within_balance())
def test_plan_redemption_leaves_the_balance_minus_the_debit(case: tuple[int, int, int]) -> None:
    """The balance after is the balance less amount and tip covered, and never negative."""
    # given an amount no more than the balance, and any tip
    balance, amount, tip = case
    # when a redemption is planned
    plan = full_plan(balance, amount, tip)
    # then the new balance is what was not debited
    assert plan.balance_after == usd(balance - plan.redeemed.minor - plan.tip_covered.minor)
    assert plan.balance_after.minor >= 0


@given(case=within_balance())
def test_plan_redemption_leaves_uncovered_tip_due(case: tuple[int, int, int]) -> None:
    """Tip the card cannot cover stays due, and only when the balance is used up."""
    # given an amount no more than the balance, and any tip
    balance, amount, tip = case
    # when a redemption is planned
    plan = full_plan(balance, amount, tip)
    uncovered = tip - plan.tip_covered.minor
    # then the uncovered tip is what the remaining balance could not pay
    assert uncovered == max(0, tip - (balance - amount))
    # and some tip stays due only if the card is emptied
    assert uncovered == 0 or plan.balance_after.is_zero()


@given(case=within_balance())
def test_plan_redemption_keeps_the_currency(case: tuple[int, int, int]) -> None:
    """Every amount in a plan is in the card's currency, as int minor units."""
    # given a redemption in euros
    balance, amount, tip = case
    # when it is planned
    plan = plan_redemption(Money(balance, "EUR"), Money(amount, "EUR"), Money(tip, "EUR"))
    # then every part of the plan is in euros
    assert isinstance(plan, RedemptionPlan)
    parts = [plan.redeemed, plan.tip_covered, plan.balance_after, plan.total_debit]
    assert {p.currency for p in parts} == {"EUR"}
    assert all(type(p.minor) is int for p in parts)


# --- require_full_plan: callers without a Partial Redeem screen ---------------------------------


@given(case=over_balance())
def test_require_full_plan_refuses_partial_redeem_with_the_seed_message(
    case: tuple[int, int, int],
) -> None:
    """Where no Partial Redeem screen can open, an over-balance amount is refused."""
    # given an amount above the balance
    balance, amount, tip = case
    outcome = plan_redemption(usd(balance), usd(amount), usd(tip))
    # when a full plan is required
    with pytest.raises(InsufficientBalance) as refused:
        require_full_plan(outcome)
    # then it is refused with the seed's message
    assert refused.value.message == SEED_MESSAGE


@given(case=within_balance())
def test_require_full_plan_passes_a_full_plan_through(case: tuple[int, int, int]) -> None:
    """A plan within the balance comes back unchanged."""
    # given a plan within the balance
    plan = full_plan(*case)
    # when a full plan is required
    # then the same plan is returned
    assert require_full_plan(plan) is plan


# --- refused inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -1, -5000])
def test_plan_redemption_refuses_an_amount_that_is_not_positive(amount: int) -> None:
    """A zero or negative amount to redeem is refused."""
    # given a funded card and an amount of zero or less
    # when a redemption is planned
    with pytest.raises(InvalidAmount) as refused:
        plan_redemption(usd(5000), usd(amount), usd(0))
    # then the cashier is told the amount must be more than zero
    assert refused.value.message == "The amount to redeem must be more than zero."


def test_plan_redemption_refuses_a_negative_tip() -> None:
    """A negative tip is refused."""
    # given a funded card, a valid amount and a negative tip
    # when a redemption is planned
    with pytest.raises(InvalidAmount) as refused:
        plan_redemption(usd(5000), usd(1000), usd(-1))
    # then the cashier is told a tip cannot be negative
    assert refused.value.message == "A tip cannot be negative."


def test_plan_redemption_checks_the_amount_before_the_balance() -> None:
    """A zero amount on a zero-balance card is an invalid amount, not a balance failure."""
    # given a zero balance and a zero amount
    # when a redemption is planned
    # then the amount is what is refused
    with pytest.raises(InvalidAmount):
        plan_redemption(usd(0), usd(0), usd(0))


@pytest.mark.parametrize(
    ("balance", "amount", "tip"),
    [
        (Money(5000, "EUR"), usd(1000), usd(0)),
        (usd(5000), usd(1000), Money(100, "EUR")),
    ],
    ids=["balance-in-euros", "tip-in-euros"],
)
def test_plan_redemption_refuses_mixed_currencies(
    balance: Money, amount: Money, tip: Money
) -> None:
    """A card, amount and tip in different currencies are refused."""
    # given a redemption mixing currencies
    # when it is planned
    # then it is refused as a currency mismatch
    with pytest.raises(CurrencyMismatch):
        plan_redemption(balance, amount, tip)
