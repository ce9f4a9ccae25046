"""The sales report over two days of a New York store, the second the day the clocks go back
(25 hours): completed tickets' figures to the cent by day, hour, employee, product, category
and tender, gift cards sold apart, a refund in the period it was made, a voided ticket left
out, and tickets just either side of the store's midnight put on the store's day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.fixtures.report_ledger import (
    Line,
    Paid,
    Sale,
    cents,
    employee_ids,
    push_sale,
    report,
    usd,
)
from tests.fixtures.server_world import World

RANGE = {"start": "2026-10-31", "end": "2026-11-01"}


def utc(day: int, hour: int, minute: int = 30, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def catalog(world: World) -> dict[str, str]:
    """Espresso ($3.00, Coffee) and Muffin ($2.50, Bakery): their ids and their categories'."""
    ids = {}
    for product, category, price in (("Espresso", "Coffee", 3_00), ("Muffin", "Bakery", 2_50)):
        made = world.post("/backoffice/categories", {"name": category}, who="manager").json()
        body = {"name": product, "category_id": made["id"], "price": price}
        ids[product] = world.post("/backoffice/products", body, who="manager").json()["id"]
        ids[category] = made["id"]
    return ids


def two_days(world: World) -> dict[str, str]:
    """The tickets the figures below are worked out from (times UTC; New York is UTC-4 until
    2026-11-01 06:00 UTC, then UTC-5), and a $2.00 refund on Nov 1 at 10:00 store time."""
    ids = catalog(world)

    def espresso(quantity: int, tax: int) -> Line:
        return Line("Espresso", quantity, 3_00, tax, ids["Espresso"])

    muffin = Line("Muffin", 1, 2_50, 0, ids["Muffin"])
    first = Sale(utc(1, 3), [espresso(2, 50)], [Paid("cash", 6_50, tip=1_00)])  # Oct 31 23:30
    sales = [
        first,
        # Oct 31 12:00 EDT, the manager: a $50 gift card only, paid in cash.
        Sale(
            utc(31, 16, 0, month=10),
            [Line("Gift card", 1, 50_00, 0, gift_card=True)],
            [Paid("cash", 50_00)],
            employee="manager",
        ),
        # Nov 1 01:30 EDT, the manager: a muffin and a $20 gift card, by card.
        Sale(
            utc(1, 5),
            [muffin, Line("Gift card", 1, 20_00, 0, gift_card=True)],
            [Paid("card", 22_50)],
            employee="manager",
        ),
        # Nov 1 01:30 EST (the hour again): an espresso and a cookie of no product.
        Sale(utc(1, 6), [espresso(1, 25), Line("Cookie", 1, 1_00, 0)], [Paid("Voucher", 4_25)]),
        # Nov 1 23:30 EST, though 04:30 UTC on Nov 2.
        Sale(utc(2, 4), [espresso(1, 25)], [Paid("cash", 3_25, tip=50)]),
        # Voided: sold nothing.
        Sale(utc(1, 12), [muffin], status="voided"),
        # Outside the range: Nov 2 00:30 EST, and Oct 30 23:30 EDT.
        Sale(utc(2, 5), [espresso(1, 25)], [Paid("cash", 3_25)]),
        Sale(utc(31, 3, month=10), [espresso(1, 25)], [Paid("cash", 3_25)]),
    ]
    for sale in sales:
        push_sale(world, sale)
    world.clock.current = utc(1, 15, 0)  # Nov 1 10:00 EST
    body = {"ticket_id": first.id, "amount": {"amount": 2_00}, "reason": "Returned"}
    assert world.post("/refunds/store-credit", body).status_code == 201
    world.clock.current = utc(20, 15, 0)
    return ids


def figures(**values: int) -> dict[str, Any]:
    """A SalesFigures answer: the amounts given in cents (others 0), ``tickets`` a count."""
    tickets = values.pop("tickets", 0)
    names = ("gross", "refunds", "discounts", "net", "tax", "tips", "gift_cards_sold", "average")
    return {name: usd(values.get(name, 0)) for name in names} | {"tickets": tickets}


def test_sales_totals_to_the_cent(world: World) -> None:
    """Gross $16.50 of goods (tax in), less the $2.00 refund: net $14.50 over 4 tickets that
    sold goods, $3.625 rounded half up; the $70.00 of gift cards apart."""
    two_days(world)

    totals = report(world, "sales", **RANGE)["totals"]

    assert totals == figures(
        gross=16_50,
        refunds=2_00,
        net=14_50,
        tax=1_00,
        tips=1_50,
        gift_cards_sold=70_00,
        tickets=4,
        average=3_63,
    )


def test_sales_by_store_day_across_midnight_and_dst(world: World) -> None:
    two_days(world)

    answer = report(world, "sales", **RANGE)

    assert answer["range"] == {
        "start": "2026-10-31",
        "end": "2026-11-01",
        "timezone": "America/New_York",
        "start_at": "2026-10-31T04:00:00Z",
        "end_at": "2026-11-02T05:00:00Z",
    }
    assert [(d["key"], d["label"]) for d in answer["by_day"]] == [
        ("2026-10-31", "Oct 31, 2026"),
        ("2026-11-01", "Nov 1, 2026"),
    ]
    oct31, nov1 = (day["figures"] for day in answer["by_day"])
    assert oct31 == figures(
        gross=6_50, net=6_50, tax=50, tips=1_00, gift_cards_sold=50_00, tickets=1, average=6_50
    )
    assert nov1 == figures(
        gross=10_00,
        refunds=2_00,
        net=8_00,
        tax=50,
        tips=50,
        gift_cards_sold=20_00,
        tickets=3,
        average=2_67,
    )


def test_sales_every_day_of_the_range_is_listed(world: World) -> None:
    """A day without a sale is there, with zeros."""
    days = report(world, "sales", start="2026-11-10", end="2026-11-12")["by_day"]

    assert [day["key"] for day in days] == ["2026-11-10", "2026-11-11", "2026-11-12"]
    assert all(day["figures"] == figures() for day in days)


def test_sales_by_hour_of_the_store_day(world: World) -> None:
    """Both 01:30s of Nov 1 fall in the hour 01; 23:30 on either side of the clock change in
    23; the refund in 10."""
    two_days(world)

    hours = {h["key"]: h["figures"] for h in report(world, "sales", **RANGE)["by_hour"]}

    assert list(hours) == [f"{hour:02d}" for hour in range(24)]
    assert hours["23"] == figures(gross=9_75, net=9_75, tax=75, tips=1_50, tickets=2, average=4_88)
    assert hours["01"] == figures(
        gross=6_75, net=6_75, tax=25, gift_cards_sold=20_00, tickets=2, average=3_38
    )
    assert hours["12"] == figures(gift_cards_sold=50_00)
    assert hours["10"] == figures(refunds=2_00, net=-2_00)
    assert {key for key, value in hours.items() if value != figures()} == {"01", "10", "12", "23"}


def test_sales_by_employee(world: World) -> None:
    two_days(world)
    ids = employee_ids(world)

    employees = report(world, "sales", **RANGE)["by_employee"]

    assert [(e["key"], e["label"]) for e in employees] == [
        (ids["cashier"], "Casey Cashier"),
        (ids["manager"], "Morgan Manager"),
    ]
    assert employees[0]["figures"] == figures(
        gross=14_00, refunds=2_00, net=12_00, tax=1_00, tips=1_50, tickets=3, average=4_00
    )
    assert employees[1]["figures"] == figures(
        gross=2_50, net=2_50, gift_cards_sold=70_00, tickets=1, average=2_50
    )


def test_sales_by_product_and_category_leave_gift_cards_out(world: World) -> None:
    ids = two_days(world)

    answer = report(world, "sales", **RANGE)

    def rows(items: list[dict[str, Any]]) -> list[tuple[str, str, int, int, int]]:
        return [
            (i["key"], i["label"], i["quantity"], cents(i["gross"]), cents(i["tax"])) for i in items
        ]

    assert rows(answer["by_product"]) == [
        (ids["Espresso"], "Espresso", 4, 13_00, 1_00),
        (ids["Muffin"], "Muffin", 1, 2_50, 0),
        ("", "Items without a product", 1, 1_00, 0),
    ]
    assert rows(answer["by_category"]) == [
        (ids["Coffee"], "Coffee", 4, 13_00, 1_00),
        (ids["Bakery"], "Bakery", 1, 2_50, 0),
        ("", "No category", 1, 1_00, 0),
    ]


def test_sales_by_tender_as_the_receipt_names_it(world: World) -> None:
    """Every payment taken, the cash for a gift card too: that is what the drawer holds."""
    two_days(world)

    tenders = report(world, "sales", **RANGE)["by_tender"]
    rows = [(t["tender"], t["payments"], cents(t["amount"]), cents(t["tips"])) for t in tenders]

    assert rows == [
        ("Cash", 3, 59_75, 1_50),
        ("Card", 1, 22_50, 0),
        ("Voucher", 1, 4_25, 0),
    ]


def test_sales_are_the_stores_own(world: World, other_store: World) -> None:
    push_sale(other_store, Sale(utc(1, 15), [Line("Tea", 1, 2_00, 0)], [Paid("cash", 2_00)]))

    totals = report(world, "sales", **RANGE)["totals"]

    assert totals == figures()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-02", "2026-11-01", "ends (2026-11-01) before it starts (2026-11-02)"),
        ("2025-10-31", "2026-11-01", "at most 366 days; this range has 367"),
    ],
)
def test_sales_range_refused(world: World, start: str, end: str, message: str) -> None:
    response = world.get("/backoffice/reports/sales", who="manager", start=start, end=end)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_range"
    assert message in response.json()["error"]["message"]


def test_sales_is_a_managers_report(world: World) -> None:
    response = world.get("/backoffice/reports/sales", who="cashier", **RANGE)

    assert response.status_code == 403
