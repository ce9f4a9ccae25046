"""The Back Office's registers: listed with when they were last seen and their app version,
renamed, and revoked (refused at their next request)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.fixtures.server_world import World, another_register


def registers(world: World) -> dict[str, dict[str, Any]]:
    response = world.get("/backoffice/registers", who="manager")
    assert response.status_code == 200, response.text
    return {item["name"]: item for item in response.json()["items"]}


def age_out_callers(world: World) -> None:
    """What a few seconds do: the server proves every caller again at its next request."""
    app = world.client.app
    assert isinstance(app, FastAPI)
    app.state.register_cache.clear()
    app.state.session_cache.clear()


def audit_entries(world: World) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.get("/backoffice/audit", who="manager").json()["items"]
    return items


def test_backoffice_registers_lists_last_seen_and_app_version(world: World) -> None:
    """A register that called is listed with when and with which app version."""
    age_out_callers(world)
    world.client.get("/api/v1/sync/pull", headers={**world.headers(None), "X-POS-Version": "1.2.3"})

    listed = registers(world)["Register 1"]

    assert listed["last_seen_at"] is not None
    assert listed["app_version"] == "1.2.3"
    assert listed["revoked_at"] is None


def pull_reporting(world: World, outbox: str) -> None:
    """A register's request after a few seconds, saying how many tickets wait in its outbox."""
    age_out_callers(world)
    response = world.client.get(
        "/api/v1/sync/pull", headers={**world.headers(None), "X-POS-Outbox": outbox}
    )
    assert response.status_code == 200, response.text


def test_backoffice_registers_lists_tickets_waiting_as_the_register_reports_them(
    world: World,
) -> None:
    """A register's X-POS-Outbox is listed as its tickets waiting; a new count is written at
    once, not a minute later, and the other registers' counts stay theirs."""
    other = another_register(world)
    assert registers(world)["Register 1"]["tickets_waiting"] is None

    pull_reporting(world, "3")
    pull_reporting(other, "1")
    first = registers(world)
    world.clock.advance(seconds=5)
    pull_reporting(world, "0")
    after_push = registers(world)

    assert first["Register 1"]["tickets_waiting"] == 3
    assert first["Register 2"]["tickets_waiting"] == 1
    assert after_push["Register 1"]["tickets_waiting"] == 0
    assert after_push["Register 1"]["last_seen_at"] > first["Register 1"]["last_seen_at"]
    assert after_push["Register 2"]["tickets_waiting"] == 1


@pytest.mark.parametrize("outbox", ["-1", "many", "1e3", "3.0", "", "9" * 9, "1" * 5000])
def test_backoffice_registers_ignore_an_outbox_count_that_is_not_one(
    world: World, outbox: str
) -> None:
    """A malformed X-POS-Outbox never costs the register its request, and is not listed."""
    pull_reporting(world, "2")
    world.clock.advance(seconds=61)

    pull_reporting(world, outbox)

    assert registers(world)["Register 1"]["tickets_waiting"] == 2


def test_backoffice_registers_mark_the_register_asking(world: World) -> None:
    """The manager's own register is marked as this register, the others are not."""
    another_register(world)

    listed = registers(world)

    assert listed["Register 1"]["this_register"] is True
    assert listed["Register 2"]["this_register"] is False


def test_backoffice_registers_the_register_in_use_cannot_be_revoked(world: World) -> None:
    """Revoking the register the manager is using is refused with a reason, and it works on."""
    own_id = registers(world)["Register 1"]["id"]

    refused = world.post(f"/backoffice/registers/{own_id}/revoke", None, "manager", None)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "own_register"
    assert "register you are using" in refused.json()["error"]["message"]
    assert registers(world)["Register 1"]["revoked_at"] is None
    assert world.get("/sync/pull", who=None).status_code == 200
    assert audit_entries(world) == []


def test_backoffice_registers_last_seen_is_written_at_most_once_a_minute(world: World) -> None:
    """Requests within a minute leave last seen as it was; a request a minute later moves it."""
    first = registers(world)["Register 1"]["last_seen_at"]

    world.clock.advance(seconds=30)
    age_out_callers(world)
    within = registers(world)["Register 1"]["last_seen_at"]
    world.clock.advance(seconds=31)
    age_out_callers(world)
    later = registers(world)["Register 1"]["last_seen_at"]

    assert within == first
    assert later > first


def test_backoffice_registers_rename_is_audited(world: World) -> None:
    """A renamed register is listed by its new name; the audit log keeps the old one."""
    register_id = registers(world)["Register 1"]["id"]

    response = world.client.patch(
        f"/api/v1/backoffice/registers/{register_id}",
        json={"name": "Front counter"},
        headers=world.headers("manager"),
    )

    assert response.status_code == 200, response.text
    assert set(registers(world)) == {"Front counter"}
    [entry] = audit_entries(world)
    assert entry["action"] == "register.renamed"
    assert entry["changes"] == {"name": {"old": "Register 1", "new": "Front counter"}}


def test_backoffice_registers_revoked_register_is_refused_at_its_next_request(
    world: World,
) -> None:
    """A revoked register's token (and the sessions on it) get 401 saying it was revoked;
    the register that revoked it goes on working."""
    other = another_register(world)
    assert other.get("/sync/pull", who=None).status_code == 200
    other_id = registers(world)["Register 2"]["id"]
    world.clock.advance(seconds=1)  # after the enrollment code's entry

    response = world.post(f"/backoffice/registers/{other_id}/revoke", None, "manager", None)

    assert response.status_code == 200, response.text
    for refused in (other.get("/sync/pull", who=None), other.get("/giftcards", last4="0000")):
        assert refused.status_code == 401
        assert "revoked" in refused.json()["error"]["message"]
    assert world.get("/sync/pull", who=None).status_code == 200
    assert registers(world)["Register 2"]["revoked_at"] is not None
    assert audit_entries(world)[0]["action"] == "register.revoked"


def test_backoffice_registers_revoking_twice_is_refused(world: World) -> None:
    """A revoked register is not revoked again."""
    other_id = registers(another_register(world))["Register 2"]["id"]
    world.post(f"/backoffice/registers/{other_id}/revoke", None, "manager", None)

    again = world.post(f"/backoffice/registers/{other_id}/revoke", None, "manager", None)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "register_revoked"


def test_backoffice_registers_of_another_store_are_not_found(
    world: World, other_store: World
) -> None:
    """A manager sees only their store's registers and cannot revoke another store's."""
    theirs = registers(other_store)["Register 1"]["id"]

    response = world.post(f"/backoffice/registers/{theirs}/revoke", None, "manager", None)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "register_not_found"
    assert other_store.get("/sync/pull", who=None).status_code == 200


def test_backoffice_registers_new_enroll_code_is_audited(world: World) -> None:
    """A new enrollment code is audited with when it stops working, never the code."""
    made = world.post("/registers/enroll-codes", {}, "manager", None)

    assert made.status_code == 200
    [entry] = audit_entries(world)
    assert entry["action"] == "enroll_code.created"
    assert made.json()["code"] not in str(entry)
