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
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.report_range import ReportDays, months_before
from pos_desktop.server.models import CardActivity, GiftCard, Store
from pos_desktop.server.report_time import LocalClock, range_out, to_date
from pos_desktop.server.reports import (
    Liability,
    ended_before,
    held_by_last_move,
    liability_before,
)
from pos_desktop.server.views import money

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


@dataclass(frozen=True, slots=True)
class _Holding:
    aging: list[c.AgingBucket]
    dormant_cards: int
    dormant_outstanding: int


def _holding(
    db: Session, store: Store, at: datetime, idle_since: datetime, now: datetime
) -> _Holding:
    """The cards holding value at ``at`` by age of their last activity, and how many of them
    (and how much) are dormant: bands of the cards by their last move, cut at each bucket's
    limit and at ``idle_since``, summed."""
    # Whole days since the last activity are at most N while it is less than N + 1 days ago.
    limits = [
        at - timedelta(days=bucket.up_to_days + 1) if bucket.up_to_days is not None else None
        for bucket in AGING
    ]
    edges = sorted({limit for limit in limits if limit is not None} | {idle_since})
    held = held_by_last_move(db, store.id, at, edges, now)

    def moved_between(after: datetime | None, until: datetime | None) -> Liability:
        """The bands of the cards whose value last moved after ``after``, up to ``until``."""
        first = 0 if after is None else edges.index(after) + 1
        last = len(held) if until is None else edges.index(until) + 1
        return Liability(
            outstanding=sum(band.outstanding for band in held[first:last]),
            cards=sum(band.cards for band in held[first:last]),
        )

    aging = []
    for index, (bucket, limit) in enumerate(zip(AGING, limits, strict=True)):
        band = moved_between(limit, None if index == 0 else limits[index - 1])
        aging.append(
            c.AgingBucket(
                label=bucket.label,
                cards=band.cards,
                outstanding=money(band.outstanding, store.currency),
            )
        )
    dormant = moved_between(None, idle_since)
    return _Holding(aging, dormant.cards, dormant.outstanding)


def _largest_dormant(
    db: Session, store: Store, at: datetime, idle_since: datetime
) -> list[c.DormantCard]:
    """The dormant cards holding most: the holdings with value begun by ``idle_since`` that
    no later move ended before ``at``, read by balance from the largest down."""
    rows = db.execute(
        select(
            CardActivity.card_id,
            GiftCard.last4,
            CardActivity.balance_after,
            CardActivity.created_at,
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store.id,
            CardActivity.delta != 0,
            CardActivity.balance_after > 0,
            CardActivity.created_at <= idle_since,
            CardActivity.created_at < at,
            ~ended_before(at),
        )
        .order_by(CardActivity.balance_after.desc(), CardActivity.created_at, CardActivity.card_id)
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
    holding = _holding(db, store, closing_at, idle_since, now)
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
