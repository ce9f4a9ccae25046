"""What a manager's card actions ask for and get back: plain values, no I/O, so the screens
take their types (and the rule of which actions a card offers) from here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.services.results import CardSummary


class CardAction(StrEnum):
    BLOCK = "block"
    UNBLOCK = "unblock"
    VOID = "void"
    ADJUST = "adjust"
    REPLACE = "replace"
    CASH_OUT = "cash_out"


# Only a card that could pay can be paid out: not pending, blocked nor voided.
_PAYABLE = frozenset({CardStatus.ACTIVE, CardStatus.USED})


def offered_actions(card: CardSummary | None, manager: bool) -> tuple[CardAction, ...]:
    """The actions a card offers a manager, in the order the screens show them; none to
    anyone else (the server refuses a cashier whatever the screen shows)."""
    if card is None or not manager or card.status is CardStatus.VOIDED:
        return ()
    held = card.status is CardStatus.BLOCKED
    actions = [CardAction.UNBLOCK if held else CardAction.BLOCK, CardAction.VOID]
    actions.append(CardAction.ADJUST)
    if card.balance.is_positive():
        actions.append(CardAction.REPLACE)
        if card.status in _PAYABLE:
            actions.append(CardAction.CASH_OUT)
    return tuple(actions)


@dataclass(frozen=True, slots=True)
class CardChanged:
    """Block, unblock, void or adjust done: the card now."""

    action: CardAction
    card: CardSummary


@dataclass(frozen=True, slots=True)
class CardReplaced:
    old: CardSummary  # voided now
    new: CardSummary
    new_number: str  # the new card's full number: shown this once


@dataclass(frozen=True, slots=True)
class CashedOut:
    card: CardSummary  # at zero now
    paid_out: Money
    # Whether the drawer was asked to open (False: this register has no receipt printer,
    # so the drawer opens with its key).
    drawer_opening: bool


@dataclass(frozen=True, slots=True)
class StatementQueued:
    """The statement went to the print queue (False: this register has no receipt printer)."""

    queued: bool
