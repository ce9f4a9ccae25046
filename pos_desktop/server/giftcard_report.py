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

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import BigInteger, Subquery, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.report_range import ReportDays, months_before
from pos_desktop.server.models import CardActivity, GiftCard, LiabilityDay, Store
from pos_desktop.server.report_time import LocalClock, range_out, to_date
from pos_desktop.server.reports import liability_before
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
# Read cards back from now when the activities since are under a fifth of those before: on
# PostgreSQL (bench/reports.py) a month a year back took 6.5 s read back, 0.6 s read up.
BACK_FROM_NOW_SHARE = 4


@dataclass(frozen=True, slots=True)
class _Moves:
    flows: list[c.LiabilityFlow]
    by_day: dict[date, int]


def _moves(db: Session, store: Store, days: ReportDays, until: datetime) -> _Moves:
    """The range's activities up to ``until``, by store day and kind, in one pass."""
    clock = LocalClock(days)
    moves = (
        select(
            clock.day(CardActivity.created_at).label("day"),
            CardActivity.kind.label("kind"),
            CardActivity.delta.label("delta"),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.created_at >= days.start_at,
            CardActivity.created_at < until,
            CardActivity.kind.in_([kind.value for kind, _ in FLOWS]),
        )
        .subquery()
    )
    rows = db.execute(
        select(moves.c.day, moves.c.kind, func.count(), func.sum(moves.c.delta)).group_by(
            moves.c.day, moves.c.kind
        )
    ).all()
    by_kind: dict[str, tuple[int, int]] = {}
    by_day: dict[date, int] = {}
    for day, kind, count, total in rows:
        seen, moved = by_kind.get(kind, (0, 0))
        by_kind[kind] = (seen + int(count), moved + int(total))
        by_day[to_date(day)] = by_day.get(to_date(day), 0) + int(total)
    flows = [
        c.LiabilityFlow(
            kind=kind.value,
            label=label,
            activities=by_kind.get(kind.value, (0, 0))[0],
            amount=money(by_kind.get(kind.value, (0, 0))[1], store.currency),
        )
        for kind, label in FLOWS
    ]
    return _Moves(flows, by_day)


def cards_back_from_now(store: Store, at: datetime) -> Subquery:
    """Each card of the store as it was just before ``at``: its balance and when its value
    last moved. Read back from the card's row as it is now (``balance``,
    ``last_activity_at``), undoing the activities since ``at``: for a recent ``at`` those are
    few."""
    since = (
        select(
            CardActivity.card_id.label("card_id"),
            cast(func.sum(CardActivity.delta), BigInteger).label("moved"),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store.id, CardActivity.created_at >= at)
        .group_by(CardActivity.card_id)
        .subquery()
    )
    # When value last moved before ``at`` on the cards the activities since have touched.
    before = (
        select(
            CardActivity.card_id.label("card_id"),
            func.max(CardActivity.created_at).label("last_at"),
        )
        .where(
            CardActivity.card_id.in_(select(since.c.card_id)),
            CardActivity.created_at < at,
            CardActivity.delta != 0,
        )
        .group_by(CardActivity.card_id)
        .subquery()
    )
    return (
        select(
            GiftCard.id.label("card_id"),
            GiftCard.last4.label("last4"),
            (GiftCard.balance - func.coalesce(since.c.moved, 0)).label("balance"),
            case(
                (since.c.card_id.is_(None), GiftCard.last_activity_at), else_=before.c.last_at
            ).label("last_at"),
        )
        .outerjoin(since, since.c.card_id == GiftCard.id)
        .outerjoin(before, before.c.card_id == GiftCard.id)
        .where(GiftCard.store_id == store.id)
        .subquery()
    )


def cards_up_to(store: Store, at: datetime) -> Subquery:
    """The same, summed from the ledger up to ``at``: shorter when ``at`` is long ago."""
    return (
        select(
            CardActivity.card_id.label("card_id"),
            func.max(GiftCard.last4).label("last4"),
            cast(func.sum(CardActivity.delta), BigInteger).label("balance"),
            func.max(CardActivity.created_at).filter(CardActivity.delta != 0).label("last_at"),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(GiftCard.store_id == store.id, CardActivity.created_at < at)
        .group_by(CardActivity.card_id)
        .subquery()
    )


def _cards_at(db: Session, store: Store, at: datetime) -> Subquery:
    """Each card's balance and last activity just before ``at``, read the shorter way: back
    from the cards as they are now, or up from the ledger's start, whichever has fewer
    activities to go through (``LiabilityDay.activities`` counts them by day)."""
    since, before = db.execute(
        select(
            func.coalesce(
                func.sum(
                    case(
                        (LiabilityDay.day >= at.astimezone(UTC).date(), LiabilityDay.activities),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(
                    case(
                        (LiabilityDay.day < at.astimezone(UTC).date(), LiabilityDay.activities),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(LiabilityDay.store_id == store.id)
    ).one()
    # Undoing an activity costs more than adding one (each touched card's last activity
    # before ``at`` is looked up): read back only from the newest fifth of the ledger.
    if int(since) * BACK_FROM_NOW_SHARE < int(before):
        return cards_back_from_now(store, at)
    return cards_up_to(store, at)


@dataclass(frozen=True, slots=True)
class _Holding:
    aging: list[c.AgingBucket]
    dormant_cards: int
    dormant_outstanding: int


def _holding(db: Session, store: Store, at: datetime, idle_since: datetime) -> _Holding:
    """The cards holding value at ``at`` by age of their last activity, and how many of them
    (and how much) are dormant: conditional sums in one pass, no sort and no grouping."""
    cards = _cards_at(db, store, at)
    # Whole days since the last activity are at most N while it is less than N + 1 days ago.
    limits = [
        at - timedelta(days=bucket.up_to_days + 1) if bucket.up_to_days is not None else None
        for bucket in AGING
    ]
    conditions = []
    for index, limit in enumerate(limits):
        newer = None if index == 0 else limits[index - 1]
        condition = cards.c.balance > 0
        if limit is not None:
            condition = and_(condition, cards.c.last_at > literal(limit, UtcDateTime))
        if newer is not None:
            condition = and_(condition, cards.c.last_at <= literal(newer, UtcDateTime))
        conditions.append(condition)
    dormant = and_(cards.c.balance > 0, cards.c.last_at <= literal(idle_since, UtcDateTime))
    sums = []
    for condition in [*conditions, dormant]:
        sums.append(func.sum(case((condition, 1), else_=0)))
        sums.append(func.sum(case((condition, cards.c.balance), else_=0)))
    row = [int(value or 0) for value in db.execute(select(*sums)).one()]
    aging = [
        c.AgingBucket(
            label=bucket.label,
            cards=row[2 * index],
            outstanding=money(row[2 * index + 1], store.currency),
        )
        for index, bucket in enumerate(AGING)
    ]
    return _Holding(aging, row[-2], row[-1])


def _largest_dormant(
    db: Session, store: Store, at: datetime, idle_since: datetime
) -> list[c.DormantCard]:
    cards = _cards_at(db, store, at)
    rows = db.execute(
        select(cards.c.card_id, cards.c.last4, cards.c.balance, cards.c.last_at)
        .where(cards.c.balance > 0, cards.c.last_at <= idle_since)
        .order_by(cards.c.balance.desc(), cards.c.last_at, cards.c.card_id)
        .limit(DORMANT_LISTED)
    ).all()
    return [
        c.DormantCard(
            card_id=card_id,
            last4=last4,
            balance=money(int(balance), store.currency),
            last_activity_at=last_at,
        )
        for card_id, last4, balance, last_at in rows
    ]


def giftcard_report(
    db: Session, store: Store, days: ReportDays, dormant_months: int, now: datetime
) -> c.GiftCardReportOut:
    closing_at = min(days.end_at, now)
    opening = liability_before(db, store.id, days.start_at, now).outstanding
    moves = _moves(db, store, days, closing_at)
    series, outstanding = [], opening
    for day in days.each_day():
        outstanding += moves.by_day.get(day, 0)
        series.append(c.LiabilityPoint(day=day, outstanding=money(outstanding, store.currency)))
    idle_since = months_before(closing_at, dormant_months, days.zone)
    holding = _holding(db, store, closing_at, idle_since)
    return c.GiftCardReportOut(
        range=range_out(days),
        opening=money(opening, store.currency),
        closing=money(outstanding, store.currency),
        cards=sum(bucket.cards for bucket in holding.aging),
        flows=moves.flows,
        aging=holding.aging,
        dormant_months=dormant_months,
        dormant_cards=holding.dormant_cards,
        dormant_outstanding=money(holding.dormant_outstanding, store.currency),
        dormant=_largest_dormant(db, store, closing_at, idle_since),
        series=series,
    )
