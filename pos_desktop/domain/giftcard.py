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
    ISSUE = "issue"
    ACTIVATE = "activate"
    REDEEM = "redeem"
    DEDUCT_BY_CODE = "deduct_by_code"
    REVERSE = "reverse"
    ADJUST = "adjust"
    BLOCK = "block"
    UNBLOCK = "unblock"
    VOID = "void"


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
