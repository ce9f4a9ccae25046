"""The gift-card liability report: what the store owed on its cards at the range's start and
end, exact from the ledger (the sum of the deltas up to then), what moved it in between, and
how old and how idle the balances are.

Definitions (also in docs/api-extensions.md):

- **Opening** is the sum of every delta before ``start_at``; **closing** the sum of every
  delta before ``end_at``, or before now while the range's end is still to come. So opening
  plus the flows is the closing, to the cent.
- **Flows** are the range's activities by kind (issued, loaded, redeemed, deducted by code,
  reversed, refunded, adjusted, voided, cashed out), each with its signed sum. Activation,
  blocking and unblocking move no value and are not flows.
- A card's **last activity** is its latest activity that moved value (a block, an unblock or
  the e-mail's delivery is the store's doing, not the holder's use of the card).
- **Aging** sorts the cards holding value at the closing by the whole days from their last
  activity to the closing: 0-30, 31-90, 91-180, 181-365, over 365.
- **Dormant** cards (breakage candidates) hold value at the closing and had no activity in
  the ``dormant_months`` calendar months before it (store time).
- The **series** is the outstanding balance at the end of each day of the range (store time).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.report_range import ReportDays, months_before
from pos_desktop.server.models import CardActivity, GiftCard, Store
from pos_desktop.server.report_time import LocalClock, range_out, to_date
from pos_desktop.server.views import money
from pos_desktop.sqltypes import UtcDateTime

FLOWS = (
    (ActivityKind.ISSUE, "Issued"),
    (ActivityKind.LOAD, "Loaded"),
    (ActivityKind.REDEEM, "Redeemed"),
    (ActivityKind.DEDUCT_BY_CODE, "Deducted by code"),
    (ActivityKind.REVERSE, "Reversed"),
    (ActivityKind.REFUND, "Refunded"),
    (ActivityKind.ADJUST, "Adjusted"),
    (ActivityKind.VOID, "Voided"),
    (ActivityKind.CASH_OUT, "Cashed out"),
)


@dataclass(frozen=True, slots=True)
class _Bucket:
    label: str
    up_to_days: int | None  # the most whole days since the last activity; None: no limit


AGING = (
    _Bucket("0-30 days", 30),
    _Bucket("31-90 days", 90),
    _Bucket("91-180 days", 180),
    _Bucket("181-365 days", 365),
    _Bucket("Over a year", None),
)
DORMANT_LISTED = 100


def _store_activities(store_id: uuid.UUID) -> Select[int]:
    return (
        select(func.coalesce(func.sum(CardActivity.delta), 0))
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store_id)
    )


def _outstanding_before(db: Session, store: Store, instant: datetime) -> int:
    return int(
        db.execute(
            _store_activities(store.id).where(CardActivity.created_at < instant)
        ).scalar_one()
    )


def _flows(db: Session, store: Store, since: datetime, until: datetime) -> list[c.LiabilityFlow]:
    rows = db.execute(
        select(CardActivity.kind, func.count(), func.sum(CardActivity.delta))
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.created_at >= since,
            CardActivity.created_at < until,
            CardActivity.kind.in_([kind.value for kind, _ in FLOWS]),
        )
        .group_by(CardActivity.kind)
    ).all()
    moved = {kind: (int(count), int(amount)) for kind, count, amount in rows}
    return [
        c.LiabilityFlow(
            kind=kind.value,
            label=label,
            activities=moved.get(kind.value, (0, 0))[0],
            amount=money(moved.get(kind.value, (0, 0))[1], store.currency),
        )
        for kind, label in FLOWS
    ]


def _daily_moves(db: Session, store: Store, days: ReportDays, until: datetime) -> dict[object, int]:
    clock = LocalClock(days)
    moves = (
        select(clock.day(CardActivity.created_at).label("day"), CardActivity.delta.label("delta"))
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.created_at >= days.start_at,
            CardActivity.created_at < until,
        )
        .subquery()
    )
    rows = db.execute(select(moves.c.day, func.sum(moves.c.delta)).group_by(moves.c.day)).all()
    return {to_date(day): int(total) for day, total in rows}


def _balances(store: Store, at: datetime) -> Select[uuid.UUID, int, datetime]:
    """Each card of the store holding value just before ``at``: its balance then and when its
    value last moved."""
    return (
        select(
            CardActivity.card_id.label("card_id"),
            func.sum(CardActivity.delta).label("balance"),
            func.max(CardActivity.created_at).filter(CardActivity.delta != 0).label("last_at"),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store.id, CardActivity.created_at < at)
        .group_by(CardActivity.card_id)
        .having(func.sum(CardActivity.delta) > 0)
    )


def _aging(db: Session, store: Store, at: datetime) -> tuple[int, list[c.AgingBucket]]:
    cards = _balances(store, at).subquery()
    # Whole days since the last activity are at most N while it is less than N + 1 days ago.
    whens = [
        (cards.c.last_at > literal(at - timedelta(days=bucket.up_to_days + 1), UtcDateTime), index)
        for index, bucket in enumerate(AGING)
        if bucket.up_to_days is not None
    ]
    bucketed = select(
        case(*whens, else_=len(AGING) - 1).label("bucket"), cards.c.balance
    ).subquery()
    rows = db.execute(
        select(bucketed.c.bucket, func.count(), func.sum(bucketed.c.balance)).group_by(
            bucketed.c.bucket
        )
    ).all()
    found = {int(bucket): (int(count), int(total)) for bucket, count, total in rows}
    buckets = [
        c.AgingBucket(
            label=bucket.label,
            cards=found.get(index, (0, 0))[0],
            outstanding=money(found.get(index, (0, 0))[1], store.currency),
        )
        for index, bucket in enumerate(AGING)
    ]
    return sum(bucket.cards for bucket in buckets), buckets


@dataclass(frozen=True, slots=True)
class _Dormant:
    cards: int
    outstanding: int
    largest: list[c.DormantCard]


def _dormant(db: Session, store: Store, at: datetime, idle_since: datetime) -> _Dormant:
    cards = _balances(store, at).subquery()
    idle = cards.c.last_at <= idle_since
    count, total = db.execute(
        select(func.count(), func.coalesce(func.sum(cards.c.balance), 0)).where(idle)
    ).one()
    rows = db.execute(
        select(cards.c.card_id, GiftCard.last4, cards.c.balance, cards.c.last_at)
        .join(GiftCard, GiftCard.id == cards.c.card_id)
        .where(idle)
        .order_by(cards.c.balance.desc(), cards.c.last_at, cards.c.card_id)
        .limit(DORMANT_LISTED)
    ).all()
    return _Dormant(
        int(count),
        int(total),
        [
            c.DormantCard(
                card_id=card_id,
                last4=last4,
                balance=money(int(balance), store.currency),
                last_activity_at=last_at,
            )
            for card_id, last4, balance, last_at in rows
        ],
    )


def giftcard_report(
    db: Session, store: Store, days: ReportDays, dormant_months: int, now: datetime
) -> c.GiftCardReportOut:
    closing_at = min(days.end_at, now)
    opening = _outstanding_before(db, store, days.start_at)
    moves = _daily_moves(db, store, days, closing_at) if closing_at > days.start_at else {}
    series, outstanding = [], opening
    for day in days.each_day():
        outstanding += moves.get(day, 0)
        series.append(c.LiabilityPoint(day=day, outstanding=money(outstanding, store.currency)))
    cards, aging = _aging(db, store, closing_at)
    dormant = _dormant(db, store, closing_at, months_before(closing_at, dormant_months, days.zone))
    return c.GiftCardReportOut(
        range=range_out(days),
        opening=money(opening, store.currency),
        closing=money(outstanding, store.currency),
        cards=cards,
        flows=_flows(db, store, days.start_at, closing_at),
        aging=aging,
        dormant_months=dormant_months,
        dormant_cards=dormant.cards,
        dormant_outstanding=money(dormant.outstanding, store.currency),
        dormant=dormant.largest,
        series=series,
    )
