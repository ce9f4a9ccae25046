"""The sales report: completed tickets of the store's days, in SQL over the ticket rows.

What each figure means (also in docs/api-extensions.md):

- A **sale** is a completed ticket (``tickets.status = 'completed'``) whose ``completed_at``
  falls in the range; a voided ticket sold nothing and is left out of every figure.
- **Gross** is what the goods lines were charged, tax included: the sum of the lines' totals,
  gift-card lines left out. With prices that include tax that is price times quantity; with
  prices before tax it is price times quantity plus the line's tax. Either way ``gross - tax``
  is the sales before tax. Tax is counted in, so that gross, refunds and net are the same kind
  of money: a refund gives back an amount, of which the server cannot tell the tax.
- **Gift cards sold** (lines that sold or reloaded a card) are a liability, not revenue: they
  are summed apart and kept out of gross, net, the products, the categories and the average.
- **Refunds** are the server's refunds of completed sales (``refund`` activities, onto the
  card that paid or as store credit), counted in the period the refund was made, whatever the
  sale's date, as the amount given back (tax, and any tip given back, included). Cash given
  back at a register's drawer is the drawer's business (shifts), not this report's.
- **Discounts**: the register has no discounts yet (a line is sold at its price), so this is
  0; the field is there for when it has.
- **Net** = gross - refunds - discounts. **Tax** is the goods lines' tax as charged. **Tips**
  are the completed tickets' tips (never in gross).
- **Tickets** are the completed tickets that sold goods (one selling only gift cards is not a
  sale); **average** is net per such ticket, rounded half up (0 with none).
- **Tenders** are every payment of the completed tickets, as taken (gift cards sold
  included: that is the money in the drawer), with their tips.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy import ColumnElement, and_, case, false, func, select
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import divide_half_up
from pos_desktop.domain.report_range import ReportDays
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.domain.tender import TENDER_LABELS, TenderKind
from pos_desktop.server.models import (
    CardActivity,
    Category,
    Employee,
    GiftCard,
    Product,
    Store,
    SyncedTicket,
    TicketLineRow,
    TicketPaymentRow,
)
from pos_desktop.server.report_time import LocalClock, range_out, to_date
from pos_desktop.server.views import money

NO_PRODUCT = "Items without a product"
NO_CATEGORY = "No category"
NO_EMPLOYEE = "No employee"


@dataclass(slots=True)
class SalesSums:
    """A group's figures while they are added up, in minor units."""

    gross: int = 0
    refunds: int = 0
    tax: int = 0
    tips: int = 0
    gift_cards_sold: int = 0
    tickets: int = 0

    def add(self, other: SalesSums) -> None:
        self.gross += other.gross
        self.refunds += other.refunds
        self.tax += other.tax
        self.tips += other.tips
        self.gift_cards_sold += other.gift_cards_sold
        self.tickets += other.tickets

    def figures(self, currency: str) -> c.SalesFigures:
        net = self.gross - self.refunds
        return c.SalesFigures(
            gross=money(self.gross, currency),
            refunds=money(self.refunds, currency),
            discounts=money(0, currency),
            net=money(net, currency),
            tax=money(self.tax, currency),
            tips=money(self.tips, currency),
            gift_cards_sold=money(self.gift_cards_sold, currency),
            tickets=self.tickets,
            average=money(divide_half_up(net, self.tickets), currency),
        )


@dataclass(frozen=True, slots=True)
class _Key:
    day: date
    hour: int
    employee_id: uuid.UUID | None


def _sales_in(store_id: uuid.UUID, days: ReportDays) -> ColumnElement[bool]:
    return and_(
        SyncedTicket.store_id == store_id,
        SyncedTicket.status == SaleStatus.COMPLETED.value,
        SyncedTicket.completed_at >= days.start_at,
        SyncedTicket.completed_at < days.end_at,
    )


def _ticket_sums(db: Session, store_id: uuid.UUID, days: ReportDays) -> dict[_Key, SalesSums]:
    """The completed tickets' figures grouped by local day, hour and employee."""
    clock = LocalClock(days)
    goods = TicketLineRow.sells_gift_card == false()
    lines = (
        select(
            TicketLineRow.register_id,
            TicketLineRow.ticket_id,
            func.sum(case((goods, TicketLineRow.total), else_=0)).label("gross"),
            func.sum(case((goods, TicketLineRow.tax), else_=0)).label("tax"),
            func.sum(case((goods, 0), else_=TicketLineRow.total)).label("cards"),
            func.sum(case((goods, 1), else_=0)).label("goods_lines"),
        )
        # The range's lines, by their own index; a voided ticket's are never joined below.
        .where(
            TicketLineRow.store_id == store_id,
            TicketLineRow.completed_at >= days.start_at,
            TicketLineRow.completed_at < days.end_at,
        )
        .group_by(TicketLineRow.register_id, TicketLineRow.ticket_id)
        .subquery()
    )
    tickets = (
        select(
            clock.day(SyncedTicket.completed_at).label("day"),
            clock.hour(SyncedTicket.completed_at).label("hour"),
            SyncedTicket.employee_id.label("employee_id"),
            SyncedTicket.tip.label("tip"),
            func.coalesce(lines.c.gross, 0).label("gross"),
            func.coalesce(lines.c.tax, 0).label("tax"),
            func.coalesce(lines.c.cards, 0).label("cards"),
            case((lines.c.goods_lines > 0, 1), else_=0).label("sale"),
        )
        .outerjoin(
            lines,
            and_(
                lines.c.register_id == SyncedTicket.register_id,
                lines.c.ticket_id == SyncedTicket.id,
            ),
        )
        .where(_sales_in(store_id, days))
        .subquery()
    )
    rows = db.execute(
        select(
            tickets.c.day,
            tickets.c.hour,
            tickets.c.employee_id,
            func.sum(tickets.c.gross),
            func.sum(tickets.c.tax),
            func.sum(tickets.c.tip),
            func.sum(tickets.c.cards),
            func.sum(tickets.c.sale),
        ).group_by(tickets.c.day, tickets.c.hour, tickets.c.employee_id)
    ).all()
    return {
        _Key(to_date(day), int(hour), employee): SalesSums(
            gross=int(gross),
            tax=int(tax),
            tips=int(tips),
            gift_cards_sold=int(cards),
            tickets=int(sales),
        )
        for day, hour, employee, gross, tax, tips, cards, sales in rows
    }


def _refund_sums(db: Session, store_id: uuid.UUID, days: ReportDays) -> dict[_Key, SalesSums]:
    """The store's refunds made in the range, by the local day, hour and employee they were
    made."""
    clock = LocalClock(days)
    refunds = (
        select(
            clock.day(CardActivity.created_at).label("day"),
            clock.hour(CardActivity.created_at).label("hour"),
            CardActivity.employee_id.label("employee_id"),
            CardActivity.amount.label("amount"),
        )
        .join(GiftCard, GiftCard.id == CardActivity.card_id)
        .where(
            GiftCard.store_id == store_id,
            CardActivity.kind == ActivityKind.REFUND.value,
            CardActivity.created_at >= days.start_at,
            CardActivity.created_at < days.end_at,
        )
        .subquery()
    )
    rows = db.execute(
        select(
            refunds.c.day, refunds.c.hour, refunds.c.employee_id, func.sum(refunds.c.amount)
        ).group_by(refunds.c.day, refunds.c.hour, refunds.c.employee_id)
    ).all()
    return {
        _Key(to_date(day), int(hour), employee): SalesSums(refunds=int(amount))
        for day, hour, employee, amount in rows
    }


@dataclass(slots=True)
class _Item:
    label: str
    quantity: int = 0
    gross: int = 0
    tax: int = 0

    def add(self, quantity: int, gross: int, tax: int) -> None:
        self.quantity += quantity
        self.gross += gross
        self.tax += tax


@dataclass(frozen=True, slots=True)
class _Items:
    by_product: list[c.ItemSales]
    by_category: list[c.ItemSales]


def _names(
    db: Session, model: type[Product] | type[Category], ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {
        item_id: name
        for item_id, name in db.execute(select(model.id, model.name).where(model.id.in_(ids)))
    }


def _items(db: Session, store_id: uuid.UUID, days: ReportDays, currency: str) -> _Items:
    """What the goods lines sold, by product and by category (one pass over the range's lines,
    grouped by both), the largest gross first."""
    rows = db.execute(
        select(
            TicketLineRow.product_id,
            TicketLineRow.category_id,
            func.max(TicketLineRow.name),
            func.sum(TicketLineRow.quantity),
            func.sum(TicketLineRow.total),
            func.sum(TicketLineRow.tax),
        )
        .join(
            SyncedTicket,
            and_(
                SyncedTicket.register_id == TicketLineRow.register_id,
                SyncedTicket.id == TicketLineRow.ticket_id,
            ),
        )
        .where(
            _sales_in(store_id, days),
            TicketLineRow.store_id == store_id,
            TicketLineRow.completed_at >= days.start_at,
            TicketLineRow.completed_at < days.end_at,
            TicketLineRow.sells_gift_card == false(),
        )
        .group_by(TicketLineRow.product_id, TicketLineRow.category_id)
    ).all()
    product_names = _names(db, Product, {row[0] for row in rows if row[0] is not None})
    category_names = _names(db, Category, {row[1] for row in rows if row[1] is not None})
    products: dict[uuid.UUID | None, _Item] = {}
    categories: dict[uuid.UUID | None, _Item] = {}
    for product_id, category_id, line_name, quantity, gross, tax in rows:
        # A product the catalog no longer has keeps the name its lines were sold under.
        product = product_names.get(product_id, line_name) if product_id else NO_PRODUCT
        category = category_names.get(category_id, NO_CATEGORY) if category_id else NO_CATEGORY
        products.setdefault(product_id, _Item(product)).add(int(quantity), int(gross), int(tax))
        categories.setdefault(category_id, _Item(category)).add(int(quantity), int(gross), int(tax))
    return _Items(_item_sales(products, currency), _item_sales(categories, currency))


def _item_sales(items: dict[uuid.UUID | None, _Item], currency: str) -> list[c.ItemSales]:
    ordered = sorted(items.items(), key=lambda pair: (-pair[1].gross, pair[1].label))
    return [
        c.ItemSales(
            key=str(item_id) if item_id is not None else "",
            label=item.label,
            quantity=item.quantity,
            gross=money(item.gross, currency),
            tax=money(item.tax, currency),
        )
        for item_id, item in ordered
    ]


def tender_label(tender: str) -> str:
    """A payment's tender as the receipt names it."""
    try:
        return TENDER_LABELS.get(TenderKind(tender), tender)
    except ValueError:
        return tender


def _tenders(
    db: Session, store_id: uuid.UUID, days: ReportDays, currency: str
) -> list[c.TenderSales]:
    rows = db.execute(
        select(
            TicketPaymentRow.tender,
            func.count(),
            func.sum(TicketPaymentRow.amount),
            func.sum(TicketPaymentRow.tip),
        )
        .join(
            SyncedTicket,
            and_(
                SyncedTicket.register_id == TicketPaymentRow.register_id,
                SyncedTicket.id == TicketPaymentRow.ticket_id,
            ),
        )
        .where(
            _sales_in(store_id, days),
            TicketPaymentRow.store_id == store_id,
            TicketPaymentRow.completed_at >= days.start_at,
            TicketPaymentRow.completed_at < days.end_at,
        )
        .group_by(TicketPaymentRow.tender)
        .order_by(func.sum(TicketPaymentRow.amount).desc(), TicketPaymentRow.tender)
    ).all()
    return [
        c.TenderSales(
            tender=tender_label(tender),
            payments=int(count),
            amount=money(int(amount), currency),
            tips=money(int(tips), currency),
        )
        for tender, count, amount, tips in rows
    ]


def employee_names(db: Session, store_id: uuid.UUID) -> dict[uuid.UUID, str]:
    rows = db.execute(select(Employee.id, Employee.name).where(Employee.store_id == store_id))
    return {employee_id: name for employee_id, name in rows}


def _groups(db: Session, store_id: uuid.UUID, days: ReportDays) -> dict[_Key, SalesSums]:
    groups = _ticket_sums(db, store_id, days)
    for key, sums in _refund_sums(db, store_id, days).items():
        groups.setdefault(key, SalesSums()).add(sums)
    return groups


def sales_totals(db: Session, store_id: uuid.UUID, days: ReportDays) -> SalesSums:
    """The store's figures over the whole range, as its sales report's ``totals``."""
    totals = SalesSums()
    for sums in _groups(db, store_id, days).values():
        totals.add(sums)
    return totals


def sales_report(db: Session, store: Store, days: ReportDays) -> c.SalesReportOut:
    currency = store.currency
    groups = _groups(db, store.id, days)
    totals = SalesSums()
    by_day: dict[date, SalesSums] = defaultdict(SalesSums)
    by_hour: dict[int, SalesSums] = defaultdict(SalesSums)
    by_employee: dict[uuid.UUID | None, SalesSums] = defaultdict(SalesSums)
    for key, sums in groups.items():
        totals.add(sums)
        by_day[key.day].add(sums)
        by_hour[key.hour].add(sums)
        by_employee[key.employee_id].add(sums)
    names = employee_names(db, store.id)
    items = _items(db, store.id, days, currency)

    def employee_label(employee_id: uuid.UUID | None) -> str:
        return names.get(employee_id, NO_EMPLOYEE) if employee_id else NO_EMPLOYEE

    return c.SalesReportOut(
        range=range_out(days),
        totals=totals.figures(currency),
        by_day=[
            c.SalesGroup(
                key=day.isoformat(),
                label=format_date(day, "medium", locale=store.locale),
                figures=by_day.get(day, SalesSums()).figures(currency),
            )
            for day in days.each_day()
        ],
        by_hour=[
            c.SalesGroup(
                key=f"{hour:02d}",
                label=f"{hour:02d}:00-{(hour + 1) % 24:02d}:00",
                figures=by_hour.get(hour, SalesSums()).figures(currency),
            )
            for hour in range(24)
        ],
        by_employee=[
            c.SalesGroup(
                key=str(employee_id) if employee_id else "",
                label=employee_label(employee_id),
                figures=sums.figures(currency),
            )
            for employee_id, sums in sorted(
                by_employee.items(), key=lambda item: employee_label(item[0])
            )
        ],
        by_product=items.by_product,
        by_category=items.by_category,
        by_tender=_tenders(db, store.id, days, currency),
    )
