"""Deduct Funds rules the register checks before asking the server, and the countdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.deduction import (
    AmountOverBalance,
    CardNotSent,
    InvalidCode,
    check_deduct_amount,
    countdown_text,
    ensure_deductible,
    normalize_code,
    seconds_until,
)
from pos_desktop.domain.errors import CardNotRedeemable, InvalidAmount
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(minutes=10), "10:00"),
        (timedelta(minutes=9, seconds=59, milliseconds=1), "10:00"),
        (timedelta(seconds=61), "01:01"),
        (timedelta(seconds=0.2), "00:01"),
        (timedelta(0), "00:00"),
        (timedelta(seconds=-30), "00:00"),
    ],
)
def test_countdown_text_is_minutes_and_seconds_rounded_up(left: timedelta, text: str) -> None:
    """mm:ss left, rounded up so 00:00 means expired; never negative."""
    assert countdown_text(NOW + left, NOW) == text


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_seconds_until_is_never_negative(seconds: int) -> None:
    """Whole seconds left, 0 once the moment has passed."""
    assert seconds_until(NOW + timedelta(seconds=seconds), NOW) == max(0, seconds)


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_check_deduct_amount_caps_at_the_balance(amount: int, balance: int) -> None:
    """An amount up to the balance passes; above it is refused as over the balance."""
    if amount <= balance:
        assert check_deduct_amount(usd(amount), usd(balance)) == usd(amount)
    else:
        with pytest.raises(AmountOverBalance, match=r"balance, \$"):
            check_deduct_amount(usd(amount), usd(balance))


@pytest.mark.parametrize("amount", [None, usd(0)])
def test_check_deduct_amount_needs_an_amount(amount: Money | None) -> None:
    """No amount, or zero, asks for one."""
    with pytest.raises(InvalidAmount, match="Enter the amount"):
        check_deduct_amount(amount, usd(50_00))


def test_check_deduct_amount_refuses_an_empty_card() -> None:
    """A card with nothing left says so, whatever the amount."""
    with pytest.raises(AmountOverBalance, match="no balance left"):
        check_deduct_amount(usd(1), usd(0))


def test_ensure_deductible_pending_card_has_not_been_sent() -> None:
    """A pending card is refused as not yet sent to its recipient."""
    with pytest.raises(CardNotSent, match="has not been sent to the recipient yet"):
        ensure_deductible(CardStatus.PENDING)


@pytest.mark.parametrize("status", [CardStatus.BLOCKED, CardStatus.VOIDED])
def test_ensure_deductible_blocked_and_voided_are_refused(status: CardStatus) -> None:
    with pytest.raises(CardNotRedeemable):
        ensure_deductible(status)


@pytest.mark.parametrize("status", [CardStatus.ACTIVE, CardStatus.USED])
def test_ensure_deductible_active_and_used_pass(status: CardStatus) -> None:
    ensure_deductible(status)


def test_normalize_code_ignores_spaces() -> None:
    """A code read out in two groups is the same six digits."""
    assert normalize_code(" 123 456 ") == "123456"


@pytest.mark.parametrize(
    "text", ["", "12345", "1234567", "12a456", "\uff11\uff12\uff13\uff14\uff15\uff16"]
)
def test_normalize_code_refuses_anything_but_six_digits(text: str) -> None:
    """Not six ASCII digits: refused before it can cost an attempt."""
    with pytest.raises(InvalidCode):
        normalize_code(text)
