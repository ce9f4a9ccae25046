"""Gift-card status and activity kinds, as the seeds name them.

Status is never stored as free text; it is derived from the card's record (sent? blocked?
voided?) and its activities (has anything been deducted and not reversed?).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pos_desktop.domain.errors import CardNotRedeemable


class CardStatus(StrEnum):
    PENDING = "pending"  # bought, not yet sent to the recipient
    ACTIVE = "active"  # delivered, never redeemed
    USED = "used"  # at least one deduction that was not reversed
    BLOCKED = "blocked"  # held by a manager; reversible
    VOIDED = "voided"  # final


class ActivityKind(StrEnum):
    ISSUE = "issue"  # the card's first value: sold on a ticket, or a manager's with a reason
    LOAD = "load"  # a reload sold on a ticket
    ACTIVATE = "activate"  # delivered to its holder
    REDEEM = "redeem"
    DEDUCT_BY_CODE = "deduct_by_code"
    REVERSE = "reverse"  # a redemption of a ticket that was not finished, given back
    REFUND = "refund"  # money of a completed sale given back onto a card
    ADJUST = "adjust"  # a manager's correction, up or down, with a reason
    CASH_OUT = "cash_out"  # the balance paid out in cash from the drawer
    BLOCK = "block"
    UNBLOCK = "unblock"
    VOID = "void"


class Delivery(StrEnum):
    """How a card sold at the counter reaches its holder."""

    PHYSICAL = "physical"  # a plastic card handed over; active once its ticket is paid
    EMAIL = "email"  # an e-gift; active once its e-mail is sent


DEDUCTION_KINDS = frozenset({ActivityKind.REDEEM, ActivityKind.DEDUCT_BY_CODE})


@dataclass(frozen=True, slots=True)
class CardRecord:
    """What the status depends on: the card's own flags and its activity kinds, oldest first."""

    sent: bool
    blocked: bool
    voided: bool
    activity_kinds: tuple[ActivityKind, ...] = ()


def outstanding_deductions(kinds: Iterable[ActivityKind]) -> int:
    """Deductions not undone by a reversal."""
    count = 0
    for kind in kinds:
        if kind in DEDUCTION_KINDS:
            count += 1
        elif kind is ActivityKind.REVERSE:
            count -= 1
    return count


def derive_status(card: CardRecord) -> CardStatus:
    if card.voided:
        return CardStatus.VOIDED
    if card.blocked:
        return CardStatus.BLOCKED
    if not card.sent:
        return CardStatus.PENDING
    if outstanding_deductions(card.activity_kinds) > 0:
        return CardStatus.USED
    return CardStatus.ACTIVE


_NOT_REDEEMABLE = {
    CardStatus.PENDING: "This card is pending: it has not been sent to the recipient yet.",
    CardStatus.BLOCKED: "This card is blocked. A manager can unblock it.",
    CardStatus.VOIDED: "This card is voided and can no longer be used.",
}


def ensure_redeemable(status: CardStatus) -> None:
    """Raise ``CardNotRedeemable`` naming the status when money may not leave this card."""
    message = _NOT_REDEEMABLE.get(status)
    if message is not None:
        raise CardNotRedeemable(message)
