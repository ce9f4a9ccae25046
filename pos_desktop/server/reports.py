"""The gift cards' liability at any instant, and the cards holding value then by when their
value last moved, in SQL over the ledger and its day sums (``HoldingDay``)."""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.models import CardActivity, GiftCard, HoldingDay
from pos_desktop.sqltypes import UtcDateTime

# A value move is stamped when its request runs and committed moments later: a UTC day is
# summed only once it has been over this long, so nothing stamped inside it is still to come.
SETTLE_AFTER = timedelta(minutes=15)
_Instant = (
    ColumnElement[datetime] | QueryableAttribute[datetime] | QueryableAttribute[datetime | None]
)


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


def midnight(day: date) -> datetime:
    """The instant a UTC day starts."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def _utc_day(db: Session, instant: _Instant) -> ColumnElement[date]:
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", instant), Date)
    return func.date(instant)


def _store_moves(store_id: uuid.UUID) -> list[ColumnElement[bool]]:
    return [GiftCard.store_id == store_id, CardActivity.delta != 0]


def settle_days(db: Session, store_id: uuid.UUID, now: datetime) -> date:
    """Sum the store's ledger into ``holding_days`` for each UTC day over (``first_open_day``)
    and not summed yet, and mark the last such day summed (a row of zeros when nothing moved
    then); return the first day left to the ledger. Summed here, by the report that needs
    them, rather than by each value move: a redemption never queues on a row per store and
    day behind another register's. Reports racing to sum the same days write them once; the
    caller commits."""
    open_day = first_open_day(now)
    summed = db.execute(
        select(func.max(HoldingDay.day)).where(HoldingDay.store_id == store_id)
    ).scalar_one()
    if summed is not None and summed >= open_day - timedelta(days=1):
        return open_day
    span = [CardActivity.created_at < midnight(open_day)]
    if summed is not None:
        span.append(CardActivity.created_at >= midnight(summed + timedelta(days=1)))
    day = _utc_day(db, CardActivity.created_at)
    after = CardActivity.balance_after
    before = CardActivity.balance_after - CardActivity.delta
    begun = select(
        day.label("day"),
        day.label("begun_day"),
        case((after > 0, 1), else_=0).label("holdings"),
        case((after > 0, after), else_=0).label("balance"),
    )
    ended = select(
        day.label("day"),
        _utc_day(db, CardActivity.previous_move_at).label("begun_day"),
        case((before > 0, -1), else_=0).label("holdings"),
        case((before > 0, -before), else_=0).label("balance"),
    ).where(CardActivity.previous_move_at.is_not(None))
    moves = (
        begun.join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(*_store_moves(store_id), *span)
        .union_all(
            ended.join(GiftCard, GiftCard.id == CardActivity.card_id).where(
                *_store_moves(store_id), *span
            )
        )
        .subquery()
    )
    summed_moves = select(
        literal(store_id).label("store_id"),
        moves.c.day,
        moves.c.begun_day,
        func.sum(moves.c.holdings),
        func.sum(moves.c.balance),
    ).group_by(moves.c.day, moves.c.begun_day)
    columns = ["store_id", "day", "begun_day", "holdings", "balance"]
    db.execute(insert_or_skip(db, HoldingDay).from_select(columns, summed_moves))
    last = open_day - timedelta(days=1)
    db.execute(
        insert_or_skip(db, HoldingDay).values(
            store_id=store_id, day=last, begun_day=last, holdings=0, balance=0
        )
    )
    return open_day


def _liability(
    db: Session, store_id: uuid.UUID, at: datetime, now: datetime, *, inclusive: bool
) -> Liability:
    """The UTC days summed before ``at``'s (``settle_days``) and the ledger's activities from
    there up to ``at``: the day sums and at most a day's activities, whatever the ledger's
    size."""
    day = min(at.astimezone(UTC).date(), settle_days(db, store_id, now))
    days_outstanding, days_cards = db.execute(
        select(
            func.coalesce(func.sum(HoldingDay.balance), 0),
            func.coalesce(func.sum(HoldingDay.holdings), 0),
        ).where(HoldingDay.store_id == store_id, HoldingDay.day < day)
    ).one()
    until = CardActivity.created_at <= at if inclusive else CardActivity.created_at < at
    today_outstanding, today_cards = db.execute(
        select(
            func.coalesce(func.sum(CardActivity.delta), 0),
            func.coalesce(func.sum(cards_gained()), 0),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(*_store_moves(store_id), CardActivity.created_at >= midnight(day), until)
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


def ended_before(at: datetime) -> ColumnElement[bool]:
    """Whether a later value move of the card ended, before ``at``, the holding a value move
    began (in a query over ``CardActivity``)."""
    later = aliased(CardActivity)
    return exists().where(
        later.card_id == CardActivity.card_id,
        later.seq > CardActivity.seq,
        later.delta != 0,
        later.created_at < at,
    )


def _band(instant: _Instant, edges: Sequence[datetime]) -> ColumnElement[int]:
    """The band of an instant in SQL, as ``bisect_left(edges, instant)``: an instant on an
    edge belongs to the band below it."""
    if not edges:
        return literal(0)
    return case(
        *[(instant <= literal(edge, UtcDateTime), band) for band, edge in enumerate(edges)],
        else_=len(edges),
    )


def held_by_last_move(
    db: Session, store_id: uuid.UUID, at: datetime, edges: Sequence[datetime], now: datetime
) -> list[Liability]:
    """The cards holding value just before ``at``, in bands by when their value last moved:
    band 0 up to ``edges[0]``, band i after ``edges[i - 1]`` up to ``edges[i]``, the last
    after ``edges[-1]`` (``edges`` ascending). Each card holds value from its last move,
    so these are the holdings begun before ``at`` and not ended by then:

    - the summed days (``holding_days``) before ``at``'s day, by the day each holding began;
    - but a day an edge cuts in two read from the ledger: its holdings not ended by then;
    - and the ledger's moves from there up to ``at``, each beginning a holding and ending one.

    So the day sums and a few days' activities, however long the ledger."""
    cut_day = min(at.astimezone(UTC).date(), settle_days(db, store_id, now))
    cut = midnight(cut_day)
    held = [[0, 0] for _ in range(len(edges) + 1)]  # holdings and balance, by band
    cut_days = {day for day in (edge.astimezone(UTC).date() for edge in edges) if day < cut_day}
    for begun_day, holdings, balance in db.execute(
        select(HoldingDay.begun_day, func.sum(HoldingDay.holdings), func.sum(HoldingDay.balance))
        .where(HoldingDay.store_id == store_id, HoldingDay.day < cut_day)
        .group_by(HoldingDay.begun_day)
    ):
        if begun_day not in cut_days:
            band = held[bisect.bisect_left(edges, midnight(begun_day))]
            band[0] += int(holdings)
            band[1] += int(balance)

    def add(
        began: _Instant,
        balance_of: ColumnElement[int] | QueryableAttribute[int],
        sign: int,
        *conditions: ColumnElement[bool],
    ) -> None:
        """Count the value moves that match into the band of ``began``."""
        band_of = _band(began, edges)
        for band, holdings, balance in db.execute(
            select(band_of, func.count(), func.sum(balance_of))
            .join(GiftCard, GiftCard.id == CardActivity.card_id)
            .where(*_store_moves(store_id), CardActivity.created_at < at, *conditions)
            .group_by(band_of)
        ):
            held[band][0] += sign * int(holdings)
            held[band][1] += sign * int(balance)

    after = CardActivity.balance_after
    if cut_days:
        # The summed days an edge cuts: each holding begun then and still held at the cut.
        days = [
            and_(
                CardActivity.created_at >= midnight(day),
                CardActivity.created_at < midnight(day + timedelta(days=1)),
            )
            for day in cut_days
        ]
        add(CardActivity.created_at, after, 1, after > 0, or_(*days), ~ended_before(cut))
    # From the cut up to ``at``: the holdings the moves began, and those they ended.
    since_cut = CardActivity.created_at >= cut
    add(CardActivity.created_at, after, 1, after > 0, since_cut)
    before = after - CardActivity.delta
    previous = CardActivity.previous_move_at
    add(previous, before, -1, before > 0, previous.is_not(None), since_cut)
    return [Liability(outstanding=balance, cards=holdings) for holdings, balance in held]
