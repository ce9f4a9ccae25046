"""Who may call what: register tokens, PIN sessions, roles and rate limits."""

from __future__ import annotations

import pytest

from pos_desktop.server.config import ServerConfig
from tests.fixtures.server_world import World


def test_auth_missing_register_token_is_401(world: World) -> None:
    """A call without a register token is refused before anything else."""
    response = world.client.get("/api/v1/giftcards", params={"recipient_email": "a@b.co"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_auth_wrong_register_token_is_401(world: World) -> None:
    """A token the server never issued is refused."""
    response = world.client.post(
        "/api/v1/sessions", json={"pin": "1111"}, headers={"X-Register-Token": "nope"}
    )

    assert response.status_code == 401


def test_auth_missing_session_is_401(world: World) -> None:
    """Employee calls need a PIN session on top of the register token."""
    response = world.get("/giftcards", who=None, recipient_email="a@b.co")

    assert response.status_code == 401
    assert "PIN" in response.json()["error"]["message"]


def test_auth_wrong_session_token_is_401(world: World) -> None:
    """A made-up bearer token is refused."""
    headers = {"X-Register-Token": world.register_token, "Authorization": "Bearer forged"}

    response = world.client.get(
        "/api/v1/giftcards", params={"recipient_email": "a@b.co"}, headers=headers
    )

    assert response.status_code == 401


def test_auth_session_expires(world: World) -> None:
    """After its time to live, a session no longer opens anything."""
    world.clock.advance(seconds=ServerConfig().session_ttl_seconds + 1)

    response = world.get("/giftcards", recipient_email="a@b.co")

    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_auth_login_returns_employee_and_role(world: World) -> None:
    """A right PIN opens a session naming the employee and the role."""
    body = world.login("9999").json()

    assert body["employee"]["name"] == "Morgan Manager"
    assert body["employee"]["role"] == "manager"
    assert body["token"]
    assert body["expires_at"].endswith("Z") or body["expires_at"].endswith("+00:00")


def test_auth_wrong_pin_is_401_wrong_pin(world: World) -> None:
    """A wrong PIN says so."""
    response = world.login("1234")

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "wrong_pin", "message": "Wrong PIN. Try again."}


# What each manager-only action is sent with, so only the caller's role is wrong.
MANAGER_ACTION_BODIES: dict[str, dict[str, object]] = {
    "/employees": {"name": "X", "role": "cashier", "pin": "4444"},
    "/giftcards": {"amount": {"amount": 10_00}, "reason": "test"},
    "/giftcards/{card}/send": {"reason": "test"},
    "/giftcards/{card}/block": {"reason": "test"},
    "/giftcards/{card}/unblock": {"reason": "test"},
    "/giftcards/{card}/void": {"reason": "test"},
    "/giftcards/{card}/adjust": {"amount": {"amount": 5_00}, "reason": "test"},
    "/giftcards/{card}/replace": {"reason": "test"},
}


@pytest.mark.parametrize(
    "path",
    [
        "/registers/enroll-codes",
        "/giftcards/{card}/block",
        "/giftcards/{card}/unblock",
        "/giftcards/{card}/void",
        "/giftcards/{card}/adjust",
        "/giftcards/{card}/replace",
        "/giftcards/{card}/cash-out",
        "/employees",
        "/giftcards",
        "/giftcards/{card}/send",
    ],
)
def test_auth_cashier_on_manager_action_is_403(world: World, path: str) -> None:
    """Manager-only actions (every one that creates or moves value without a paid ticket)
    are refused to cashiers by the server, not only on screen."""
    card = world.issue_card(10_00)
    body = MANAGER_ACTION_BODIES.get(path, {"number": world.numbers[card["id"]]})

    response = world.post(path.format(card=card["id"]), body, who="cashier")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "active"
    assert world.balance(card["id"]) == 10_00


def test_auth_repeated_wrong_pins_are_rate_limited_then_released(world: World) -> None:
    """Five wrong PINs lock the register's PIN pad for a while, with when to retry."""
    for _ in range(ServerConfig().wrong_pin_limit):
        assert world.login("0000").status_code == 401

    limited = world.login("1111")
    world.clock.advance(seconds=ServerConfig().rate_window_seconds + 1)
    released = world.login("1111")

    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert "Try again in" in limited.json()["error"]["message"]
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["retry_after"] > 0
    assert released.status_code == 200


def test_auth_repeated_unknown_card_numbers_are_rate_limited(world: World) -> None:
    """Guessing card numbers from one register is slowed down with 429."""
    from pos_desktop.domain.card_number import generate_card_number

    statuses = [
        world.lookup(generate_card_number()).status_code
        for _ in range(ServerConfig().unknown_card_limit + 1)
    ]

    assert statuses[:-1] == [404] * ServerConfig().unknown_card_limit
    assert statuses[-1] == 429


def test_auth_manager_adds_employee_who_can_log_in(world: World) -> None:
    """A manager adds a cashier; the new PIN opens a session; a taken PIN is refused."""
    created = world.post(
        "/employees", {"name": "Riley", "role": "cashier", "pin": "2468"}, who="manager"
    )
    duplicate = world.post(
        "/employees", {"name": "Sam", "role": "cashier", "pin": "2468"}, who="manager"
    )

    assert created.status_code == 201
    assert world.login("2468").json()["employee"]["name"] == "Riley"
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "pin_taken"


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4"])
def test_auth_employee_pin_must_be_4_to_8_digits(world: World, pin: str) -> None:
    """PINs outside 4-8 digits are refused with a message."""
    response = world.post(
        "/employees", {"name": "Riley", "role": "cashier", "pin": pin}, who="manager"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_pin"
