"""Managers' approvals pushed by a register (issue 13, "Manager approval"): each goes to the
store's audit log once, whatever the number of pushes, with the approving manager and the
register that pushed it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tests.fixtures.server_world import World
from tests.server.test_sync import _ticket


def _approval(action: str, manager_id: str, **more: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "action": action,
        "manager_id": manager_id,
        "at": datetime(2026, 11, 22, 9, 30, tzinfo=UTC).isoformat(),
        **more,
    }


def _employee_id(world: World, name: str) -> str:
    staff = world.get("/backoffice/employees", who="manager").json()["items"]
    return str(next(e["id"] for e in staff if e["name"] == name))


def _approvals_in_log(world: World) -> list[dict[str, Any]]:
    entries = world.get("/backoffice/audit", who="manager").json()["items"]
    return [e for e in entries if e["action"] == "approval.given"]


def _push(world: World, body: dict[str, Any]) -> None:
    response = world.post("/sync/push", body, who=None, key=None)
    assert response.status_code == 200, response.text


def test_approvals_pushed_twice_are_recorded_once(world: World) -> None:
    """A voided ticket's approval and a reprint's, pushed again (a lost answer), are each in
    the audit log once, by the manager, from the pushing register."""
    manager = _employee_id(world, "Morgan Manager")
    cashier = _employee_id(world, "Casey Cashier")
    ticket = _ticket() | {"status": "voided"}
    void = _approval("void_ticket", manager, cashier_id=cashier, detail="Ticket #3")
    ticket["approvals"] = [void]
    reprinted = str(uuid.uuid4())
    reprint = _approval("reprint", manager, ticket_id=reprinted, cashier_id=cashier)
    body = {"tickets": [ticket], "approvals": [reprint]}

    _push(world, body)
    _push(world, body)

    logged = {e["id"]: e for e in _approvals_in_log(world)}
    assert set(logged) == {void["id"], reprint["id"]}
    voided = logged[void["id"]]
    assert voided["employee"]["name"] == "Morgan Manager"
    assert voided["register"]["name"] == "Register 1"
    assert (voided["target_kind"], voided["target_id"]) == ("ticket", ticket["id"])
    assert voided["changes"] == {
        "action": "void_ticket",
        "ticket_id": ticket["id"],
        "detail": "Ticket #3",
        "cashier_id": cashier,
    }
    assert voided["at"].startswith("2026-11-22T09:30:00")
    assert logged[reprint["id"]]["changes"]["ticket_id"] == reprinted


def test_approval_of_the_drawer_names_the_register(world: World) -> None:
    """The drawer opened without a sale is on no ticket: its entry's target is the register."""
    drawer = _approval("open_drawer", _employee_id(world, "Morgan Manager"))

    _push(world, {"tickets": [], "approvals": [drawer]})

    [entry] = _approvals_in_log(world)
    assert entry["target_kind"] == "register"
    assert entry["target_id"] == entry["register"]["id"]
    assert entry["changes"]["action"] == "open_drawer"


def test_approval_by_someone_not_of_the_store_names_nobody(
    world: World, other_store: World
) -> None:
    """An approval naming another store's manager is still recorded, naming no employee and
    keeping the id it was pushed with; the push is not refused (its tickets must get in)."""
    stranger = _employee_id(other_store, "Morgan Manager")
    approval = _approval("reprint", stranger)

    _push(world, {"tickets": [_ticket()], "approvals": [approval]})

    [entry] = _approvals_in_log(world)
    assert entry["employee"] is None
    assert entry["changes"]["manager_id"] == stranger
    assert _approvals_in_log(other_store) == []


def test_approval_naming_a_cashier_names_nobody(world: World) -> None:
    """A register that says a cashier approved gets the entry written, naming no employee:
    the log does not show a cashier as having given a manager's approval."""
    cashier = _employee_id(world, "Casey Cashier")

    _push(world, {"tickets": [_ticket()], "approvals": [_approval("void_ticket", cashier)]})

    [entry] = _approvals_in_log(world)
    assert entry["employee"] is None
    assert entry["changes"]["manager_id"] == cashier


def test_push_without_approvals_leaves_the_audit_log_alone(world: World) -> None:
    """Tickets pushed as before approvals existed write nothing to the log."""
    _push(world, {"tickets": [_ticket()]})

    assert _approvals_in_log(world) == []
