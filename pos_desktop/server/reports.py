"""Reports computed on the server, in SQL over the ledger and the ticket rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, case, cast, func, literal, select
from sqlalchemy.orm import Session

from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.models import CardActivity, GiftCard, LiabilityDay

# A value move is stamped when its request runs and committed moments later: a UTC day is
# summed only once it has been over this long, so nothing stamped inside it is still to come.
SETTLE_AFTER = timedelta(minutes=15)


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


def first_open_day(now: datetime) -> date:
    """The first UTC day still read from the ledger itself: not over for ``SETTLE_AFTER``."""
    return (now - SETTLE_AFTER).astimezone(UTC).date()


def _utc_day(db: Session) -> ColumnElement[date]:
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", CardActivity.created_at), Date)
    return func.date(CardActivity.created_at)


def settle_days(db: Session, store_id: uuid.UUID, now: datetime) -> date:
    """Sum the store's ledger into ``liability_days`` for each UTC day over (``first_open_day``)
    and not summed yet, and mark the last such day summed (a row of zeros when nothing moved
    then); return the first day left to the ledger. Summed here, by the report that needs
    them, rather than by each value move: a redemption never queues on a row per store and
    day behind another register's. Reports racing to sum the same days write them once; the
    caller commits."""
    open_day = first_open_day(now)
    summed = db.execute(
        select(func.max(LiabilityDay.day)).where(LiabilityDay.store_id == store_id)
    ).scalar_one()
    if summed is not None and summed >= open_day - timedelta(days=1):
        return open_day
    day = _utc_day(db)
    moved = (
        select(
            literal(store_id).label("store_id"),
            day.label("day"),
            func.sum(CardActivity.delta),
            func.sum(cards_gained()),
            func.count(),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store_id,
            CardActivity.delta != 0,
            CardActivity.created_at < datetime.combine(open_day, time(0), tzinfo=UTC),
        )
        .group_by(day)
    )
    if summed is not None:
        since = datetime.combine(summed + timedelta(days=1), time(0), tzinfo=UTC)
        moved = moved.where(CardActivity.created_at >= since)
    columns = ["store_id", "day", "outstanding", "cards", "activities"]
    db.execute(insert_or_skip(db, LiabilityDay).from_select(columns, moved))
    db.execute(
        insert_or_skip(db, LiabilityDay).values(
            store_id=store_id,
            day=open_day - timedelta(days=1),
            outstanding=0,
            cards=0,
            activities=0,
        )
    )
    return open_day


def _liability(
    db: Session, store_id: uuid.UUID, at: datetime, now: datetime, *, inclusive: bool
) -> Liability:
    """The UTC days summed before ``at``'s (``settle_days``) and the ledger's activities from
    there up to ``at``: a few hundred rows and at most a day's activities, whatever the
    ledger's size."""
    day = min(at.astimezone(UTC).date(), settle_days(db, store_id, now))
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


def liability(db: Session, store_id: uuid.UUID, at: datetime, now: datetime) -> Liability:
    """The liability at ``at``, its activities included."""
    return _liability(db, store_id, at, now, inclusive=True)


def liability_before(db: Session, store_id: uuid.UUID, at: datetime, now: datetime) -> Liability:
    """The liability just before ``at``: what a range starting at ``at`` opens with."""
    return _liability(db, store_id, at, now, inclusive=False)
