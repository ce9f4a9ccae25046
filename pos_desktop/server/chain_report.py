"""The owner's report of the whole chain: each store's sales and gift-card liability, and
their totals by currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.report_range import report_days
from pos_desktop.server import reports
from pos_desktop.server.models import Store
from pos_desktop.server.report_time import range_out
from pos_desktop.server.sales_report import SalesSums, sales_totals
from pos_desktop.server.views import money


def chain_report(
    db: Session, start: date, end: date, now: datetime, zone: ZoneInfo
) -> c.ChainReportOut:
    """Each store over its own calendar days ``start`` to ``end``; what its cards owed at the
    end of its last day (or now, for a range that has not ended). ``zone``: the asking
    register's store's, in which the answer's range is given."""
    sales: dict[str, SalesSums] = defaultdict(SalesSums)
    outstanding: dict[str, int] = defaultdict(int)
    cards: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    rows: list[c.ChainStoreRow] = []
    for store in db.execute(select(Store).order_by(Store.name, Store.id)).scalars():
        days = report_days(start, end, ZoneInfo(store.timezone))
        sums = sales_totals(db, store.id, days)
        liability = reports.liability(db, store.id, min(days.end_at, now), now)
        currency = store.currency
        rows.append(
            c.ChainStoreRow(
                id=store.id,
                name=store.name,
                currency=currency,
                sales=sums.figures(currency),
                outstanding=money(liability.outstanding, currency),
                cards=liability.cards,
            )
        )
        sales[currency].add(sums)
        outstanding[currency] += liability.outstanding
        cards[currency] += liability.cards
        counted[currency] += 1
    return c.ChainReportOut(
        range=range_out(report_days(start, end, zone)),
        stores=rows,
        totals=[
            c.ChainTotal(
                currency=currency,
                stores=counted[currency],
                sales=sales[currency].figures(currency),
                outstanding=money(outstanding[currency], currency),
                cards=cards[currency],
            )
            for currency in sorted(counted)
        ],
    )
