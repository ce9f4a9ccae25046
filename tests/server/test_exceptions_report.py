"""The exceptions report: redemptions no completed ticket accounts for (and not reversed),
past an hour's grace; voids, blocks, adjustments and refunds by employee; unknown card
numbers and wrong PINs by register; e-mail the sender gave up on. And the front page's
alerts: a register past a threshold now, and not below it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.models import MailOutbox
from tests.fixtures.report_ledger import Sale, cents, employee_ids, push_sale, report
from tests.fixtures.server_world import MANAGER_PIN, World, another_register

DAY = {"start": "2026-11-20", "end": "2026-11-20"}


def redeem_on(world: World, card_id: str, amount: int) -> tuple[str, str]:
    """A redemption paying a new ticket: (its activity id, the ticket id)."""
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(card_id, amount, ticket_id=ticket)
    assert redeemed.status_code == 200, redeemed.text
    return redeemed.json()["activity"]["id"], ticket


def test_exceptions_list_only_the_unsettled_redemption(world: World) -> None:
    """Of four redemptions on tickets, the one whose ticket never came and was not reversed,
    over an hour old, is listed; the completed, the reversed and the recent one are not."""
    card = world.issue_card(100_00)
    world.clock.advance(minutes=5)
    unsettled, ticket = redeem_on(world, card["id"], 12_00)
    completed, done = redeem_on(world, card["id"], 5_00)
    assert world.push_completed_ticket(done, total=5_00).status_code == 200
    reversed_, open_ = redeem_on(world, card["id"], 3_00)
    assert world.reverse(reversed_, open_).status_code == 200
    world.clock.advance(minutes=70)
    recent, _ = redeem_on(world, card["id"], 1_00)

    listed = report(world, "exceptions", **DAY)["unsettled"]

    assert [(u["activity_id"], u["ticket_id"], cents(u["amount"])) for u in listed] == [
        (unsettled, ticket, 12_00)
    ]
    assert listed[0]["card_last4"] == card["number"][-4:]
    assert (listed[0]["register_name"], listed[0]["employee_name"]) == (
        "Register 1",
        "Casey Cashier",
    )
    assert listed[0]["at"] == "2026-11-20T15:05:00Z"
    assert completed not in {u["activity_id"] for u in listed}
    assert recent not in {u["activity_id"] for u in listed}


def test_exceptions_unsettled_leaves_once_its_ticket_is_pushed(world: World) -> None:
    """A register offline for a while pushes the ticket later: the redemption is settled."""
    card = world.issue_card(100_00)
    _, ticket = redeem_on(world, card["id"], 12_00)
    world.clock.advance(hours=2)
    assert len(report(world, "exceptions", **DAY)["unsettled"]) == 1

    assert world.push_completed_ticket(ticket, total=12_00).status_code == 200

    assert report(world, "exceptions", **DAY)["unsettled"] == []


def test_exceptions_by_employee(world: World) -> None:
    """The manager voided a card, blocked one, adjusted +$5.00 and -$2.00; the cashier
    refunded $8.00 as store credit and voided a ticket."""
    ids = employee_ids(world)
    first, second = world.issue_card(20_00), world.issue_card(30_00)
    acts = (
        (first["id"], "void", {"reason": "Lost"}),
        (second["id"], "block", {"reason": "Disputed"}),
        (second["id"], "adjust", {"amount": {"amount": 5_00}, "reason": "Goodwill"}),
        (second["id"], "adjust", {"amount": {"amount": -2_00}, "reason": "Typo"}),
    )
    for card_id, action, body in acts:
        done = world.post(f"/giftcards/{card_id}/{action}", body, who="manager")
        assert done.status_code == 200, done.text
    ticket = str(uuid.uuid4())
    assert world.push_completed_ticket(ticket, total=10_00).status_code == 200
    credit = {"ticket_id": ticket, "amount": {"amount": 8_00}, "reason": "Returned"}
    assert world.post("/refunds/store-credit", credit).status_code == 201
    push_sale(world, Sale(world.clock.now(), [], status="voided"))

    rows = report(world, "exceptions", **DAY)["by_employee"]

    assert [
        (
            r["employee_id"],
            r["name"],
            r["ticket_voids"],
            r["card_voids"],
            r["blocks"],
            r["adjustments"],
            cents(r["adjusted"]),
            r["refunds"],
            cents(r["refunded"]),
        )
        for r in rows
    ] == [
        (ids["cashier"], "Casey Cashier", 1, 0, 0, 0, 0, 1, 8_00),
        (ids["manager"], "Morgan Manager", 0, 1, 1, 2, 3_00, 0, 0),
    ]


def test_exceptions_by_register(world: World) -> None:
    """Three unknown card numbers on Register 1, two wrong PINs on Register 2; none on
    another day."""
    second = another_register(world)
    for _ in range(3):
        assert world.lookup(generate_card_number()).status_code == 404
    for _ in range(2):
        assert second.login("0000").status_code == 401

    rows = report(world, "exceptions", **DAY)["by_register"]
    yesterday = report(world, "exceptions", start="2026-11-19", end="2026-11-19")

    assert [(r["name"], r["unknown_cards"], r["wrong_pins"]) for r in rows] == [
        ("Register 1", 3, 0),
        ("Register 2", 0, 2),
    ]
    assert yesterday["by_register"] == []


def test_exceptions_list_mail_given_up(world: World) -> None:
    """Only the message the sender gave up on (tried, unsent, no try planned) is listed, its
    address masked; one waiting for its next try and one sent are not."""
    card = world.issue_card(20_00)
    now = world.clock.now()
    with Session(world.engine) as db, db.begin():
        for address, sent, next_try, error in (
            ("pat@example.com", None, None, "given up after 30 tries: 550 no such user"),
            ("sam@example.com", None, now + timedelta(minutes=5), "421 busy"),
            ("kim@example.com", now, None, None),
        ):
            db.add(
                MailOutbox(
                    kind="egift",
                    to_address=address,
                    subject="Your gift card",
                    message=b"",
                    card_id=uuid.UUID(card["id"]),
                    created_at=now,
                    attempts=30,
                    next_attempt_at=next_try,
                    last_error=error,
                    sent_at=sent,
                )
            )

    failures = report(world, "exceptions", **DAY)["mail_failures"]

    assert failures == [
        {
            "queued_at": "2026-11-20T15:00:00Z",
            "kind": "egift",
            "to": "p•••@example.com",
            "attempts": 30,
            "error": "given up after 30 tries: 550 no such user",
        }
    ]


def test_exceptions_report_is_a_managers_report(world: World) -> None:
    response = world.get("/backoffice/reports/exceptions", who="cashier", **DAY)

    assert response.status_code == 403


def test_exceptions_report_refuses_a_backwards_range(world: World) -> None:
    response = world.get(
        "/backoffice/reports/exceptions", who="manager", start="2026-11-21", end="2026-11-20"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_range"


# --- alerts -----------------------------------------------------------------------------------


def alerts(world: World) -> list[dict[str, object]]:
    response = world.get("/backoffice/alerts", who="manager")
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_alert_past_five_unknown_cards_in_ten_minutes(world: World) -> None:
    """Four unknown numbers raise nothing; the fifth, within ten minutes, does."""
    for _ in range(4):
        world.lookup(generate_card_number())
        world.clock.advance(minutes=2)
    assert alerts(world) == []

    world.lookup(generate_card_number())

    assert alerts(world) == [
        {
            "register_id": alerts_register_id(world),
            "register_name": "Register 1",
            "kind": "unknown_cards",
            "count": 5,
            "threshold": 5,
            "window_minutes": 10,
            "last_at": "2026-11-20T15:08:00Z",
        }
    ]


def test_alert_ends_when_the_window_passes(world: World) -> None:
    for _ in range(5):
        world.lookup(generate_card_number())
    assert len(alerts(world)) == 1

    world.clock.advance(minutes=10)

    assert alerts(world) == []


def test_alert_for_wrong_pins_on_their_register(world: World) -> None:
    """Five wrong PINs on Register 2 alert for Register 2 alone; unknown cards spread over
    more than ten minutes do not."""
    second = another_register(world)
    for minutes in (3, 3, 3, 3, 0):
        world.lookup(generate_card_number())
        world.clock.advance(minutes=minutes)
    for _ in range(5):
        second.login("0000")

    items = alerts(world)

    assert [(a["register_name"], a["kind"], a["count"]) for a in items] == [
        ("Register 2", "wrong_pins", 5)
    ]


def test_alerts_are_for_managers(world: World) -> None:
    response = world.get("/backoffice/alerts", who="cashier")

    assert response.status_code == 403


def alerts_register_id(world: World) -> str:
    registers = world.get("/backoffice/registers", who="manager").json()["items"]
    register_id: str = next(r["id"] for r in registers if r["name"] == "Register 1")
    return register_id


def test_wrong_pins_are_kept_for_the_report(world: World) -> None:
    """A wrong PIN of last month is still reported after later ones are recorded (the rate
    limiter forgets only card searches after a day)."""
    world.login("0000")
    world.clock.current = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)
    world.login("0000")
    world.sessions["manager"] = world.login(MANAGER_PIN).json()["token"]

    rows = report(world, "exceptions", **DAY)["by_register"]

    assert [(r["name"], r["wrong_pins"]) for r in rows] == [("Register 1", 1)]
