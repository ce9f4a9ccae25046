"""Closed drawer shifts pushed with /sync/push: kept once by id, with their sums as columns and
their tenders and cash movements as rows; a Z number reused for another shift, or a shift id
another register pushed, is refused and nothing of that push is kept. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import ShiftMovementRow, ShiftTenderRow, SyncedShift
from tests.fixtures.server_world import World, another_register

CLOSED = datetime(2025, 3, 14, 22, 0, tzinfo=UTC)


def _usd(minor: int) -> dict[str, Any]:
    return {"amount": minor, "currency": "USD"}


def _tally(count: int, minor: int) -> dict[str, Any]:
    return {"count": count, "amount": _usd(minor)}


def _shift(z_number: int, shift_id: str | None = None) -> dict[str, Any]:
    """A shift with a $150.00 float, $79.78 of cash sales, a $12.50 pay out and a $20.00 pay
    in: $237.28 expected, $237.03 counted, 25 cents short."""
    return {
        "id": shift_id or str(uuid.uuid4()),
        "z_number": z_number,
        "opened_at": (CLOSED - timedelta(hours=8)).isoformat(),
        "closed_at": CLOSED.isoformat(),
        "opened_by_name": "Casey Cashier",
        "closed_by_name": "Morgan Manager",
        "opening_float": _usd(15000),
        "float_counts": [{"value": 2000, "count": 5}, {"value": 1000, "count": 5}],
        "tickets": 3,
        "goods": _usd(7500),
        "tax": _usd(619),
        "tips": _usd(200),
        "taken": _usd(10964 - 2645),
        "gift_cards_sold": _tally(0, 0),
        "tenders": [
            {"tender": "cash", "label": "Cash", "cash": True, "count": 3, "amount": _usd(7978)},
            {"tender": "card", "label": "Card", "cash": False, "count": 1, "amount": _usd(341)},
        ],
        "cash_tendered": _usd(8800),
        "change_given": _usd(822),
        "voids": _tally(1, 487),
        "refunds": _tally(0, 0),
        "no_sales": 1,
        "pay_ins": _tally(1, 2000),
        "pay_outs": _tally(1, 1250),
        "cash_outs": _tally(0, 0),
        "expected": _usd(23728),
        "counted": _usd(23703),
        "difference": _usd(-25),
        "counts": [{"value": 10000, "count": 2}, {"value": 2000, "count": 1}],
        "note": "A quarter short",
        "movements": [
            {
                "id": str(uuid.uuid4()),
                "kind": kind,
                "amount": _usd(amount),
                "reason": reason,
                "employee_name": "Casey Cashier",
                "at": (CLOSED - timedelta(hours=hours)).isoformat(),
            }
            for kind, amount, reason, hours in (
                ("pay_in", 2000, "Change from the bank", 6),
                ("pay_out", -1250, "Milk", 4),
                ("no_sale", 0, "Change for a customer", 2),
            )
        ],
    }


def _push(world: World, *shifts: dict[str, Any]) -> Any:
    return world.post("/sync/push", {"tickets": [], "shifts": list(shifts)}, who=None, key=None)


def test_shift_push_keeps_a_shift_once_with_its_rows(world: World) -> None:
    """The first push keeps the shift, its 2 tenders and 3 movements; the same push again is
    a duplicate and adds nothing."""
    shift = _shift(1)

    first = _push(world, shift)
    again = _push(world, shift)

    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": [], "duplicates": [], "shifts_accepted": [shift["id"]]}
    assert again.json()["shift_duplicates"] == [shift["id"]]
    with make_session_factory(world.engine)() as db:
        (kept,) = db.execute(select(SyncedShift)).scalars()
        tenders = db.execute(select(ShiftTenderRow).order_by(ShiftTenderRow.position)).scalars()
        movements = db.execute(select(ShiftMovementRow).order_by(ShiftMovementRow.at)).scalars()
        assert (kept.z_number, kept.opening_float, kept.expected, kept.counted) == (
            1,
            15000,
            23728,
            23703,
        )
        assert (kept.difference, kept.cash_sales, kept.note) == (-25, 7978, "A quarter short")
        assert kept.closed_at == CLOSED and kept.closed_by_name == "Morgan Manager"
        assert [(t.tender, t.cash, t.amount) for t in tenders] == [
            ("cash", True, 7978),
            ("card", False, 341),
        ]
        assert [(m.kind, m.amount) for m in movements] == [
            ("pay_in", 2000),
            ("pay_out", -1250),
            ("no_sale", 0),
        ]


def test_shift_push_refuses_a_z_number_reused_for_another_shift(world: World) -> None:
    """Z #1 is one shift's: another shift numbered 1 by the same register is refused (409),
    and the push's other shift is not kept either."""
    assert _push(world, _shift(1)).status_code == 200

    refused = _push(world, _shift(2), _shift(1))

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "shift_conflict"
    assert "#1" in refused.json()["error"]["message"]
    with make_session_factory(world.engine)() as db:
        assert db.execute(select(SyncedShift.z_number)).scalars().all() == [1]


def test_shift_push_refuses_a_shift_id_from_another_register(world: World) -> None:
    """A shift is its register's: the same id pushed by a second register is refused."""
    shift = _shift(1)
    assert _push(world, shift).status_code == 200
    second = another_register(world)

    refused = _push(second, shift)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "shift_conflict"


def test_shift_push_z_numbers_are_per_register(world: World) -> None:
    """Two registers each have their own Z #1."""
    second = another_register(world)

    assert _push(world, _shift(1)).status_code == 200
    assert _push(second, _shift(1)).status_code == 200

    with make_session_factory(world.engine)() as db:
        assert db.execute(select(SyncedShift.z_number)).scalars().all() == [1, 1]


def test_shift_push_refuses_a_malformed_shift(world: World) -> None:
    """A Z number of 0 or a movement of an unknown kind is refused before anything is kept."""
    bad_number = _shift(0)
    bad_kind = _shift(1)
    bad_kind["movements"][0]["kind"] = "tip_jar"

    assert _push(world, bad_number).status_code == 422
    assert _push(world, bad_kind).status_code == 422
    with make_session_factory(world.engine)() as db:
        assert db.execute(select(SyncedShift)).first() is None
