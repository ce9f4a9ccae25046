"""Redemption planning, exactly as seed 004 describes it.

- balance 0: refused with the seed's message;
- amount above the balance: a partial redeem is needed (the register opens the Partial
  Redeem screen, whose input is capped at the balance);
- otherwise the amount goes to the ticket first and what is left of the balance covers the
  tip, so amount + tip covered never exceeds the balance. Any tip not covered stays due.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_desktop.domain.errors import CurrencyMismatch, InsufficientBalance, InvalidAmount
from pos_desktop.domain.money import Money


@dataclass(frozen=True, slots=True)
class PartialRedeemNeeded:
    """The amount asked for is more than the card holds; at most ``max_amount`` can be redeemed."""

    requested: Money
    max_amount: Money


@dataclass(frozen=True, slots=True)
class RedemptionPlan:
    redeemed: Money
    tip_covered: Money
    balance_after: Money

    @property
    def total_debit(self) -> Money:
        return self.redeemed + self.tip_covered


def plan_redemption(
    balance: Money, amount: Money, tip: Money
) -> RedemptionPlan | PartialRedeemNeeded:
    """Decide what a card pays of ``amount`` and ``tip``; raise when it can pay nothing."""
    if amount.currency != balance.currency or tip.currency != balance.currency:
        raise CurrencyMismatch(f"This card holds {balance.currency}.")
    if not amount.is_positive():
        raise InvalidAmount("The amount to redeem must be more than zero.")
    if tip.minor < 0:
        raise InvalidAmount("A tip cannot be negative.")
    if not balance.is_positive():
        raise InsufficientBalance()
    if amount > balance:
        return PartialRedeemNeeded(requested=amount, max_amount=balance)
    tip_covered = tip.min(balance - amount)
    return RedemptionPlan(
        redeemed=amount,
        tip_covered=tip_covered,
        balance_after=balance - amount - tip_covered,
    )


def require_full_plan(outcome: RedemptionPlan | PartialRedeemNeeded) -> RedemptionPlan:
    """For callers with no Partial Redeem screen (the server): over the balance is refused."""
    if isinstance(outcome, PartialRedeemNeeded):
        raise InsufficientBalance()
    return outcome
