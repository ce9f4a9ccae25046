"""ServerClient: headers, typed answers and errors, over a scripted transport."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pos_desktop.sync.client import APP_VERSION, ServerClient, api_root
from pos_desktop.sync.errors import (
    NO_CONNECTION_MESSAGE,
    ServerError,
    ServerUnreachable,
    UnexpectedAnswer,
)

BASE = "http://pos.test"
Handler = Callable[[httpx.Request], httpx.Response]

CARD: dict[str, Any] = {
    "id": str(uuid.uuid4()),
    "number_masked": "•••• 4321",
    "last4": "4321",
    "status": "active",
    "balance": {"amount": 5000, "currency": "USD"},
    "initial_amount": {"amount": 5000, "currency": "USD"},
    "buyer_email": "buyer@example.com",
    "recipient_email": "pat@example.com",
    "recipient_name": "Pat",
    "created_at": "2026-11-01T10:00:00Z",
    "sent_at": "2026-11-01T11:00:00Z",
}
SESSION: dict[str, Any] = {
    "token": "session-token",
    "employee": {"id": str(uuid.uuid4()), "name": "Casey Cashier", "role": "cashier"},
    "expires_at": "2026-11-21T03:00:00Z",
}


class Script:
    """Answers each request with the next handler and keeps the requests for assertions."""

    def __init__(self) -> None:
        self.handlers: list[Handler] = []
        self.requests: list[httpx.Request] = []

    def then(self, handler: Handler) -> Script:
        self.handlers.append(handler)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handlers.pop(0)(request)


def answer(status: int, body: object, headers: dict[str, str] | None = None) -> Handler:
    return lambda _request: httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def client(script: Script) -> Iterator[ServerClient]:
    with ServerClient(BASE, "register-token", transport=httpx.MockTransport(script)) as client:
        yield client


def test_api_root_accepts_address_with_or_without_prefix() -> None:
    """Both the bare server address and one ending in /api/v1 reach the same API."""
    assert api_root("http://h:8000") == api_root("http://h:8000/api/v1/") == "http://h:8000/api/v1"


def test_client_sends_register_token_on_every_call(client: ServerClient, script: Script) -> None:
    """X-Register-Token goes with each request, and no Authorization before login."""
    script.then(answer(200, {"status": "ok", "database": "sqlite"}))
    client.health()
    assert script.requests[0].headers["X-Register-Token"] == "register-token"
    assert "Authorization" not in script.requests[0].headers


def test_client_sends_its_app_version(client: ServerClient, script: Script) -> None:
    """X-POS-Version names the register's app version, for the Back Office's register list."""
    script.then(answer(200, {"status": "ok", "database": "sqlite"}))
    client.health()
    assert script.requests[0].headers["X-POS-Version"] == APP_VERSION


def test_client_sends_its_tickets_waiting_once_known(client: ServerClient, script: Script) -> None:
    """X-POS-Outbox says how many tickets wait to be pushed, once the relay has counted them;
    before that the register says nothing rather than a wrong zero."""
    script.then(answer(200, {"status": "ok", "database": "sqlite"}))
    script.then(answer(200, {"status": "ok", "database": "sqlite"}))

    client.health()
    client.tickets_waiting = 3
    client.health()

    assert "X-POS-Outbox" not in script.requests[0].headers
    assert script.requests[1].headers["X-POS-Outbox"] == "3"


def test_client_keeps_session_token_after_login(client: ServerClient, script: Script) -> None:
    """After open_session, calls carry the session as a Bearer token."""
    script.then(answer(200, SESSION)).then(answer(200, CARD))
    session = client.open_session("1111")
    client.lookup_card("4000000000000002")
    assert session.employee.name == "Casey Cashier"
    assert json.loads(script.requests[0].content) == {"pin": "1111"}
    assert script.requests[1].headers["Authorization"] == "Bearer session-token"


def test_client_looks_a_card_up_with_the_number_in_the_body(
    client: ServerClient, script: Script
) -> None:
    """A card number never travels in a URL: look-up is a POST with the number in its body."""
    script.then(answer(200, CARD))
    client.lookup_card("4000000000000002")
    (request,) = script.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/giftcards/lookup")
    assert "4000000000000002" not in str(request.url)
    assert json.loads(request.content) == {"number": "4000000000000002"}


def test_client_forget_session_stops_sending_bearer(client: ServerClient, script: Script) -> None:
    """After forget_session nothing more is sent on the employee's behalf."""
    script.then(answer(200, SESSION)).then(answer(200, {"items": []}))
    client.open_session("1111")
    client.forget_session()
    client.search_cards("pat@example.com")
    assert "Authorization" not in script.requests[1].headers


def test_client_enroll_adopts_the_new_register_token(script: Script) -> None:
    """Enrolling sends code and name and uses the token it gets from then on."""
    register_id = uuid.uuid4()
    script.then(answer(200, {"register_id": str(register_id), "token": "fresh"}))
    script.then(answer(200, {"status": "ok", "database": "sqlite"}))
    with ServerClient(BASE, transport=httpx.MockTransport(script)) as client:
        enrolled = client.enroll("ABC123", "Front register")
        client.health()
    assert enrolled.register_id == register_id
    assert json.loads(script.requests[0].content) == {"code": "ABC123", "name": "Front register"}
    assert script.requests[1].headers["X-Register-Token"] == "fresh"


def test_client_returns_typed_card_detail(client: ServerClient, script: Script) -> None:
    """get_card parses the card and its activities into contract models."""
    activity = {
        "id": str(uuid.uuid4()),
        "kind": "issue",
        "amount": {"amount": 5000, "currency": "USD"},
        "tip": {"amount": 0, "currency": "USD"},
        "balance_after": {"amount": 5000, "currency": "USD"},
        "employee": {"id": str(uuid.uuid4()), "name": "Casey Cashier"},
        "register": {"id": str(uuid.uuid4()), "name": "Front counter"},
        "ticket_id": None,
        "created_at": "2026-11-01T10:00:00Z",
    }
    script.then(answer(200, {**CARD, "activities": [activity]}))
    detail = client.get_card(uuid.UUID(CARD["id"]))
    assert detail.activities[0].register_ref is not None
    assert detail.activities[0].register_ref.name == "Front counter"
    assert detail.balance.amount == 5000


def test_client_error_body_becomes_server_error(client: ServerClient, script: Script) -> None:
    """A 4xx error body keeps status, code and the cashier-readable message."""
    script.then(answer(401, {"error": {"code": "wrong_pin", "message": "Wrong PIN. Try again."}}))
    with pytest.raises(ServerError) as caught:
        client.open_session("0000")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        401,
        "wrong_pin",
        "Wrong PIN. Try again.",
    )


def test_client_rate_limit_carries_retry_after(client: ServerClient, script: Script) -> None:
    """A 429 gives retry_after in seconds from the Retry-After header."""
    body = {"error": {"code": "rate_limited", "message": "Try again in 5 minutes."}}
    script.then(answer(429, body, {"Retry-After": "287"}))
    with pytest.raises(ServerError) as caught:
        client.open_session("0000")
    assert caught.value.retry_after == 287
    assert caught.value.message == "Try again in 5 minutes."


def test_client_retry_after_as_http_date(client: ServerClient, script: Script) -> None:
    """Retry-After may be an HTTP date; it becomes seconds from now."""
    later = datetime.now(UTC).timestamp() + 120
    header = datetime.fromtimestamp(later, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = {"error": {"code": "rate_limited", "message": "Later."}}
    script.then(answer(429, body, {"Retry-After": header}))
    with pytest.raises(ServerError) as caught:
        client.open_session("0000")
    assert caught.value.retry_after is not None and 110 <= caught.value.retry_after <= 121


def test_client_keeps_extra_error_fields(client: ServerClient, script: Script) -> None:
    """Fields beside code and message (attempts_left) reach the caller."""
    body = {"error": {"code": "wrong_code", "message": "Wrong code.", "attempts_left": 2}}
    script.then(answer(422, body))
    with pytest.raises(ServerError) as caught:
        client.lookup_card("4000000000000002")
    assert caught.value.details == {"attempts_left": 2}


def test_client_error_without_error_body_still_reads(client: ServerClient, script: Script) -> None:
    """A 502 from a proxy (no JSON error body) still gives a message a cashier can read."""
    script.then(lambda _r: httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(ServerError) as caught:
        client.health()
    assert caught.value.status == 502
    assert (
        caught.value.message
        == "The server had a problem. Try again; if it keeps happening, call a manager."
    )


def test_client_answer_not_matching_contract_is_unexpected(
    client: ServerClient, script: Script
) -> None:
    """A 200 whose body is not the contract's shape is reported, not half-parsed."""
    script.then(answer(200, {"id": "not a card"}))
    with pytest.raises(UnexpectedAnswer):
        client.lookup_card("4000000000000002")


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
def test_client_transport_failures_are_unreachable(failure: httpx.TransportError) -> None:
    """Refused, timed out or dropped: all read 'No connection to the server.'"""

    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    transport = httpx.MockTransport(fail)
    with (
        ServerClient(BASE, "t", transport=transport) as client,
        pytest.raises(ServerUnreachable) as caught,
    ):
        client.health()
    assert caught.value.message == NO_CONNECTION_MESSAGE


def test_client_refused_connection_is_unreachable(unused_port_url: str) -> None:
    """A real refused TCP connection, not a scripted one, is ServerUnreachable."""
    with ServerClient(unused_port_url, "t", timeout=2) as client, pytest.raises(ServerUnreachable):
        client.health()
