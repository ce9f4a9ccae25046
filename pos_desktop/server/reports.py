"""Reports computed on the server, in SQL over the ledger and the ticket rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_desktop.server.models import CardActivity, GiftCard


@dataclass(frozen=True, slots=True)
class Liability:
    """What the store owed on its gift cards at an instant: the sum of every balance then
    (exact from the ledger: the deltas up to that instant), and how many cards held value."""

    outstanding: int
    cards: int


def liability(db: Session, store_id: uuid.UUID, at: datetime) -> Liability:
    balances = (
        select(func.sum(CardActivity.delta).label("balance"))
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store_id, CardActivity.created_at <= at)
        .group_by(CardActivity.card_id)
        .subquery()
    )
    outstanding, cards = db.execute(
        select(
            func.coalesce(func.sum(balances.c.balance), 0),
            func.count().filter(balances.c.balance > 0),
        )
    ).one()
    return Liability(int(outstanding), int(cards))
