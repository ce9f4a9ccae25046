"""How a card's status reads on screen, in the seeds' words."""

from __future__ import annotations

from pos_desktop.domain.giftcard import CardStatus

STATUS_LABELS: dict[CardStatus, str] = {
    CardStatus.PENDING: "Pending",
    CardStatus.ACTIVE: "Active",
    CardStatus.USED: "Used",
    CardStatus.BLOCKED: "Blocked",
    CardStatus.VOIDED: "Voided",
}

STATUS_HINTS: dict[CardStatus, str] = {
    CardStatus.PENDING: "Bought, not yet sent to the recipient; it cannot be redeemed yet.",
    CardStatus.ACTIVE: "Delivered and not used yet.",
    CardStatus.USED: "Used before; it can be redeemed while it has a balance.",
    CardStatus.BLOCKED: "Blocked by a manager; a manager can unblock it.",
    CardStatus.VOIDED: "Voided; it can no longer be used.",
}


def status_label(status: CardStatus) -> str:
    return STATUS_LABELS[status]
