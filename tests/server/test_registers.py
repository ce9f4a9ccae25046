"""Enrolling registers with one-time codes."""

from __future__ import annotations

from tests.fixtures.server_world import World


def _code(world: World) -> str:
    response = world.post("/registers/enroll-codes", {}, who="manager", key=None)
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


def test_registers_enroll_code_works_once(world: World) -> None:
    """A manager's code enrolls one register, whose token then works; the code is spent."""
    code = _code(world)

    first = world.client.post("/api/v1/registers/enroll", json={"code": code, "name": "Register 2"})
    second = world.client.post(
        "/api/v1/registers/enroll", json={"code": code, "name": "Register 3"}
    )

    assert first.status_code == 200
    token = first.json()["token"]
    login = world.client.post(
        "/api/v1/sessions", json={"pin": "1111"}, headers={"X-Register-Token": token}
    )
    assert login.status_code == 200
    assert second.status_code == 401
    assert second.json()["error"]["code"] == "invalid_enroll_code"


def test_registers_enroll_code_is_forgiving_about_case_and_dashes(world: World) -> None:
    """A code read aloud and typed in lower case with dashes still works."""
    code = _code(world)
    typed = "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()

    response = world.client.post(
        "/api/v1/registers/enroll", json={"code": typed, "name": "Register 2"}
    )

    assert response.status_code == 200


def test_registers_enroll_code_expires(world: World) -> None:
    """A code not used within its time is refused."""
    code = _code(world)
    world.clock.advance(days=2)

    response = world.client.post(
        "/api/v1/registers/enroll", json={"code": code, "name": "Register 2"}
    )

    assert response.status_code == 401


def test_registers_health_names_database(world: World) -> None:
    """Health answers ok with the database dialect."""
    body = world.client.get("/api/v1/health").json()

    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}
