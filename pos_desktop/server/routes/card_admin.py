"""A manager's actions on a card (``card_admin``), each with a reason on its activity; and
cash-out, which the store's law may open to every employee for a small balance.

"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.server import card_admin, ledger, views
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.deps import ConfigDep, EmployeeDep, KeysDep, ManagerDep
from pos_desktop.server.idempotency import Once, OnceDep
from pos_desktop.server.logs import log_value
from pos_desktop.server.ratelimit import unknown_cards_counted

router = APIRouter(prefix="/giftcards", tags=["gift cards"])


class ManagerAction(StrEnum):
    BLOCK = "block"
    UNBLOCK = "unblock"
    VOID = "void"


@router.post("/{card_id}/adjust", response_model=c.CardChangeOut)
def adjust(
    card_id: uuid.UUID, body: c.AdjustRequest, manager: ManagerDep, once: OnceDep
) -> Response:
    """Correct the balance up or down, with a reason."""
    # The amount's currency and size, as any amount's; its sign is the direction.
    ledger.to_money(abs(body.amount.amount), body.amount.currency, manager.store)

    def operation(db: Session, now: datetime) -> c.CardChangeOut:
        activity, card = card_admin.adjust(
            db, manager, card_id, body.amount.amount, body.reason, now, key=once.key
        )
        log_value("adjust", manager, card_id, body.amount.amount)
        return views.card_change(db, card, activity, manager)

    return once(body, operation)


@router.post("/{card_id}/cash-out", response_model=c.CardChangeOut)
def cash_out(
    card_id: uuid.UUID,
    body: c.CashOutRequest,
    employee: EmployeeDep,
    config: ConfigDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """Pay the card's balance out of the drawer: a manager, or anyone where the store's law
    requires it for a balance this small. The card must be at the counter."""
    presented = ledger.Presented(card_id, validate_card_number(body.number), keys.numbers)

    def operation(db: Session, now: datetime) -> c.CardChangeOut:
        with unknown_cards_counted(db, employee, now=now, limit=config.unknown_cards):
            activity, card = card_admin.cash_out(
                db, employee, presented, body.reason, now, key=once.key
            )
        log_value("cash_out", employee, card_id, activity.amount)
        return views.card_change(db, card, activity, employee)

    return once(body, operation)


@router.post("/{card_id}/replace", response_model=c.ReplacedCard, status_code=201)
def replace(
    card_id: uuid.UUID, body: c.ReplaceRequest, manager: ManagerDep, keys: KeysDep, once: OnceDep
) -> Response:
    """Move a lost card's balance to a new card and void the old, in one transaction; the
    answer holds the new number, so it is stored sealed."""
    number = validate_card_number(body.number) if body.number is not None else None

    def operation(db: Session, now: datetime) -> c.ReplacedCard:
        done = card_admin.replace(
            db, manager, card_id, body.reason, number, keys.numbers, now, key=once.key
        )
        log_value("replace", manager, done.new.card.id, done.new.card.balance)
        return c.ReplacedCard(old=views.card_out(db, done.old), new=views.issued_card(done.new))

    return once(body, operation, status_code=201, seal=True)


def _manage(
    card_id: uuid.UUID,
    action: ManagerAction,
    body: c.CardActionRequest,
    manager: EmployeeCaller,
    once: Once,
) -> Response:
    def operation(db: Session, now: datetime) -> c.CardOut:
        if action is ManagerAction.VOID:
            left = ledger.lock_card(db, card_id, manager.store.id).balance
            card = card_admin.void(db, manager, card_id, body.reason, now, key=once.key)
            # What the void took off the card, not the nothing it leaves on it.
            log_value(action.value, manager, card_id, left - card.balance)
        else:
            blocked = action is ManagerAction.BLOCK
            card = card_admin.set_blocked(
                db, manager, card_id, blocked, body.reason, now, key=once.key
            )
            log_value(action.value, manager, card_id, card.balance)
        return views.card_out(db, card)

    return once(body, operation)


@router.post("/{card_id}/block", response_model=c.CardOut)
def block(
    card_id: uuid.UUID, body: c.CardActionRequest, manager: ManagerDep, once: OnceDep
) -> Response:
    """Hold the card: nothing leaves it until a manager unblocks it."""
    return _manage(card_id, ManagerAction.BLOCK, body, manager, once)


@router.post("/{card_id}/unblock", response_model=c.CardOut)
def unblock(
    card_id: uuid.UUID, body: c.CardActionRequest, manager: ManagerDep, once: OnceDep
) -> Response:
    return _manage(card_id, ManagerAction.UNBLOCK, body, manager, once)


@router.post("/{card_id}/void", response_model=c.CardOut)
def void(
    card_id: uuid.UUID, body: c.CardActionRequest, manager: ManagerDep, once: OnceDep
) -> Response:
    """Void for good: what was left on the card leaves the ledger with it."""
    return _manage(card_id, ManagerAction.VOID, body, manager, once)
