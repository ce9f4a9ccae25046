"""The Back Office's employees: listed without PINs, changed with an audit entry, and a
deactivated employee refused at once, online and on a register's pulled verifiers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pos_desktop.contracts import PullResponse
from pos_desktop.db.catalog import save_pull, sync_cursor
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.services.session import OfflineLogInRefused, SessionService
from pos_desktop.sync.client import ServerClient
from tests.fixtures.server_world import CASHIER_PIN, MANAGER_PIN, World, another_register


def staff(world: World) -> dict[str, dict[str, Any]]:
    response = world.get("/backoffice/employees", who="manager")
    assert response.status_code == 200, response.text
    return {item["name"]: item for item in response.json()["items"]}


def update(world: World, name: str, body: dict[str, Any]) -> httpx.Response:
    employee_id = staff(world)[name]["id"]
    return world.client.patch(
        f"/api/v1/backoffice/employees/{employee_id}", json=body, headers=world.headers("manager")
    )


def audit_entries(world: World) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.get("/backoffice/audit", who="manager").json()["items"]
    return items


def test_backoffice_staff_list_holds_no_pin(world: World) -> None:
    """Every employee is listed with role and activity, and nothing of their PIN."""
    listed = staff(world)

    assert set(listed) == {"Casey Cashier", "Morgan Manager"}
    assert listed["Casey Cashier"]["role"] == "cashier"
    assert listed["Casey Cashier"]["active"] is True
    assert not any("pin" in key for item in listed.values() for key in item)


def test_backoffice_staff_add_is_audited_without_the_pin(world: World) -> None:
    """Adding an employee writes who was added, and of the PIN only that it was set."""
    added = world.post("/employees", {"name": "Riley", "role": "cashier", "pin": "2468"}, "manager")

    assert added.status_code == 201, added.text
    [entry] = audit_entries(world)
    assert entry["action"] == "employee.created"
    assert entry["changes"]["name"] == {"old": None, "new": "Riley"}
    assert entry["changes"]["pin"] == "PIN changed"
    assert "2468" not in str(entry)


def test_backoffice_staff_blank_names_are_refused(world: World) -> None:
    """An employee is neither added nor renamed with a name of spaces."""
    added = world.post("/employees", {"name": "  ", "role": "cashier", "pin": "2468"}, "manager")
    renamed = update(world, "Casey Cashier", {"name": "   "})

    for response in (added, renamed):
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "name"
    assert audit_entries(world) == []


def test_backoffice_staff_rename_and_role_are_audited(world: World) -> None:
    """A rename and a promotion are saved, pulled by registers and audited old -> new."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    response = update(world, "Casey Cashier", {"name": "Casey Lead", "role": "manager"})

    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["role"]) == ("Casey Lead", "manager")
    [pulled] = world.get("/sync/pull", who=None, cursor=cursor).json()["employees"]
    assert (pulled["name"], pulled["role"]) == ("Casey Lead", "manager")
    [entry] = audit_entries(world)
    assert entry["changes"] == {
        "name": {"old": "Casey Cashier", "new": "Casey Lead"},
        "role": {"old": "cashier", "new": "manager"},
    }


def test_backoffice_staff_pin_change_logs_in_with_the_new_pin_only(world: World) -> None:
    """After a PIN change the new PIN logs in, the old one is wrong, and the audit log says
    only that the PIN changed."""
    response = update(world, "Casey Cashier", {"pin": "2468"})

    assert response.status_code == 200, response.text
    assert world.login("2468").status_code == 200
    assert world.login(CASHIER_PIN).status_code == 401
    [entry] = audit_entries(world)
    assert entry["action"] == "employee.pin_changed"
    assert entry["changes"] == {"pin": "PIN changed"}


def test_backoffice_staff_keeping_ones_own_pin_is_no_clash(world: World) -> None:
    """Saving an employee with the PIN they already have is accepted."""
    response = update(world, "Casey Cashier", {"pin": CASHIER_PIN})

    assert response.status_code == 200, response.text
    assert world.login(CASHIER_PIN).status_code == 200


def test_backoffice_staff_pin_in_use_is_refused(world: World) -> None:
    """A PIN another employee has is refused; the old PIN keeps working."""
    response = update(world, "Casey Cashier", {"pin": MANAGER_PIN})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "pin_taken"
    assert world.login(CASHIER_PIN).status_code == 200
    assert audit_entries(world) == []


def test_backoffice_staff_deactivated_employee_is_refused_at_once(world: World) -> None:
    """Deactivating a cashier ends their open session at its next request and refuses their
    PIN with a clear message; the pull gives registers no verifier for them."""
    assert world.get("/giftcards", last4="0000").status_code == 200
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    response = update(world, "Casey Cashier", {"active": False})

    assert response.status_code == 200, response.text
    session = world.get("/giftcards", last4="0000")
    assert session.status_code == 401
    assert "deactivated" in session.json()["error"]["message"]
    login = world.login(CASHIER_PIN)
    assert login.status_code == 403
    assert login.json()["error"]["code"] == "employee_inactive"
    [pulled] = world.get("/sync/pull", who=None, cursor=cursor).json()["employees"]
    assert (pulled["active"], pulled["pin_hash"]) == (False, "")
    [entry] = audit_entries(world)
    assert entry["action"] == "employee.deactivated"
    assert entry["changes"] == {"active": {"old": True, "new": False}}


def test_backoffice_staff_reactivated_employee_logs_in_again(world: World) -> None:
    """A reactivated employee's PIN works again."""
    update(world, "Casey Cashier", {"active": False})
    world.clock.advance(seconds=1)

    response = update(world, "Casey Cashier", {"active": True})

    assert response.status_code == 200
    assert world.login(CASHIER_PIN).status_code == 200
    assert [entry["action"] for entry in audit_entries(world)] == [
        "employee.reactivated",
        "employee.deactivated",
    ]


def test_backoffice_staff_reactivation_revives_no_old_session(world: World) -> None:
    """A session open when the employee was deactivated stays ended once they are back:
    they log in again with their PIN."""
    update(world, "Casey Cashier", {"active": False})
    update(world, "Casey Cashier", {"active": True})

    old = world.get("/giftcards", last4="0000")

    assert old.status_code == 401, old.text
    assert world.login(CASHIER_PIN).status_code == 200


def test_backoffice_staff_new_pin_ends_the_sessions_opened_with_the_old_one(
    world: World,
) -> None:
    """A new PIN logs its employee out on every register; a manager who gives themself a new
    PIN stays logged in on the register they did it from, and only there."""
    second = another_register(world)
    assert second.get("/giftcards", last4="0000", who="cashier").status_code == 200

    assert update(world, "Casey Cashier", {"pin": "2468"}).status_code == 200
    manager_id = staff(world)["Morgan Manager"]["id"]
    own = world.client.patch(
        f"/api/v1/backoffice/employees/{manager_id}",
        json={"pin": "8642"},
        headers=world.headers("manager"),
    )

    assert own.status_code == 200, own.text
    for register in (world, second):
        assert register.get("/giftcards", last4="0000", who="cashier").status_code == 401
    assert world.get("/giftcards", last4="0000", who="manager").status_code == 200
    assert second.get("/giftcards", last4="0000", who="manager").status_code == 401


def test_backoffice_staff_last_manager_cannot_leave(world: World) -> None:
    """The last active manager can neither deactivate nor demote themself."""
    deactivate = update(world, "Morgan Manager", {"active": False})
    demote = update(world, "Morgan Manager", {"role": "cashier"})

    for response in (deactivate, demote):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "last_manager"
    assert staff(world)["Morgan Manager"]["active"] is True


def test_backoffice_staff_a_manager_steps_down_once_another_exists(world: World) -> None:
    """With a second manager, the first may become a cashier."""
    update(world, "Casey Cashier", {"role": "manager"})

    response = update(world, "Morgan Manager", {"role": "cashier"})

    assert response.status_code == 200, response.text


def test_backoffice_staff_employee_of_another_store_is_not_found(
    world: World, other_store: World
) -> None:
    """A manager cannot touch another store's employee, nor learn that they exist."""
    theirs = staff(other_store)["Casey Cashier"]["id"]

    response = world.client.patch(
        f"/api/v1/backoffice/employees/{theirs}",
        json={"active": False},
        headers=world.headers("manager"),
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "employee_not_found"


def _pull_into(world: World, register_db: RegisterDatabase) -> None:
    """One pull saved on the register, as its catalog sync does."""
    with register_db.session() as db:
        cursor = sync_cursor(db)
        pulled = world.get("/sync/pull", who=None, **({"cursor": cursor} if cursor else {}))
        save_pull(db, PullResponse.model_validate(pulled.json()))
        db.commit()


def test_backoffice_staff_deactivated_employee_cannot_log_in_offline(
    world: World, register_db: RegisterDatabase, unused_port_url: str
) -> None:
    """A register that pulled the deactivation refuses the PIN with the server away, while
    the others still log in."""
    _pull_into(world, register_db)
    update(world, "Casey Cashier", {"active": False})
    _pull_into(world, register_db)

    with ServerClient(unused_port_url, "token", timeout=2) as away:
        service = SessionService(away, register_db)
        with pytest.raises(OfflineLogInRefused):
            service.log_in(CASHIER_PIN)
        assert service.log_in(MANAGER_PIN).employee.name == "Morgan Manager"
