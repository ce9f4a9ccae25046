"""Reports computed on the server, in SQL over the ledger and the ticket rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from pos_desktop.server.models import CardActivity, GiftCard, LiabilityDay


@dataclass(frozen=True, slots=True)
class Liability:
    """What the store owed on its gift cards at an instant: the sum of every balance then
    (exact from the ledger: the deltas up to that instant), and how many cards held value."""

    outstanding: int
    cards: int


def cards_gained() -> ColumnElement[int]:
    """An activity's change to the number of cards holding value: +1 when it gave value to an
    empty card, -1 when it emptied one (its balance before is ``balance_after - delta``)."""
    after = case((CardActivity.balance_after > 0, 1), else_=0)
    before = case((CardActivity.balance_after - CardActivity.delta > 0, 1), else_=0)
    return after - before


def _liability(db: Session, store_id: uuid.UUID, at: datetime, *, inclusive: bool) -> Liability:
    """The UTC days before ``at``'s (``LiabilityDay``, kept by the ledger) and that day's
    activities up to ``at``: a few hundred rows whatever the ledger's size."""
    day = at.astimezone(UTC).date()
    days_outstanding, days_cards = db.execute(
        select(
            func.coalesce(func.sum(LiabilityDay.outstanding), 0),
            func.coalesce(func.sum(LiabilityDay.cards), 0),
        ).where(LiabilityDay.store_id == store_id, LiabilityDay.day < day)
    ).one()
    until = CardActivity.created_at <= at if inclusive else CardActivity.created_at < at
    today_outstanding, today_cards = db.execute(
        select(
            func.coalesce(func.sum(CardActivity.delta), 0),
            func.coalesce(func.sum(cards_gained()), 0),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store_id,
            CardActivity.created_at >= datetime.combine(day, time(0), tzinfo=UTC),
            until,
            CardActivity.delta != 0,
        )
    ).one()
    return Liability(
        int(days_outstanding) + int(today_outstanding), int(days_cards) + int(today_cards)
    )


def liability(db: Session, store_id: uuid.UUID, at: datetime) -> Liability:
    """The liability at ``at``, its activities included."""
    return _liability(db, store_id, at, inclusive=True)


def liability_before(db: Session, store_id: uuid.UUID, at: datetime) -> Liability:
    """The liability just before ``at``: what a range starting at ``at`` opens with."""
    return _liability(db, store_id, at, inclusive=False)
