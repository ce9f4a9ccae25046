"""ServerClient against the real embedded server (uvicorn on loopback, SQLite in tmp)."""

from __future__ import annotations

import logging

import pytest

from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, MANAGER_PIN, RECIPIENT_EMAIL
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError

pytestmark = pytest.mark.e2e


def test_end_to_end_health_answers(register_client: ServerClient) -> None:
    """The embedded server reports itself healthy on SQLite."""
    health = register_client.health()
    assert (health.status, health.database) == ("ok", "sqlite")


def test_end_to_end_cashier_looks_up_and_searches_cards(register_client: ServerClient) -> None:
    """A cashier session can look a card up by number and search by recipient."""
    register_client.open_session(CASHIER_PIN)
    active = next(card for card in DEMO_CARDS if card.state == "active")
    card = register_client.lookup_card(active.number)
    found = register_client.search_cards(RECIPIENT_EMAIL)
    detail = register_client.get_card(card.id)
    assert card.status == "active" and card.balance.amount == active.initial
    assert card.id in {item.id for item in found.items}
    assert detail.activities  # at least the issue and the activation


def test_end_to_end_card_call_without_session_is_refused(register_client: ServerClient) -> None:
    """Card calls need an employee session: 401 before login."""
    with pytest.raises(ServerError) as caught:
        register_client.search_cards(RECIPIENT_EMAIL)
    assert caught.value.status == 401


def test_end_to_end_new_register_enrolls_with_a_managers_code(
    register_client: ServerClient, demo_server: EmbeddedServer
) -> None:
    """A manager's one-time code enrolls a second register, which can then log in."""
    register_client.open_session(MANAGER_PIN)
    code = register_client.create_enroll_code().code
    with ServerClient(demo_server.base_url) as newcomer:
        newcomer.enroll(code, "Second register")
        session = newcomer.open_session(CASHIER_PIN)
    assert session.employee.role == "cashier"


def test_end_to_end_enroll_code_works_once(
    register_client: ServerClient, demo_server: EmbeddedServer
) -> None:
    """A used enroll code is refused with the server's message."""
    register_client.open_session(MANAGER_PIN)
    code = register_client.create_enroll_code().code
    with ServerClient(demo_server.base_url) as first:
        first.enroll(code, "First")
    with (
        ServerClient(demo_server.base_url) as second,
        pytest.raises(ServerError) as caught,
    ):
        second.enroll(code, "Second")
    assert caught.value.code == "invalid_enroll_code"


def test_end_to_end_register_and_server_log_one_id_per_request(
    register_client: ServerClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The register logs each request with an id it sends along; the server logs its line for
    that request under the same id, and answers with it."""
    caplog.set_level(logging.INFO)

    register_client.health()

    sent = [r for r in caplog.records if r.name == "pos_desktop.sync.client"]
    assert len(sent) == 1 and "GET /health: 200 (request " in sent[0].getMessage()
    request_id = sent[0].getMessage().rsplit(" ", 1)[1].rstrip(")")
    served = [r for r in caplog.records if r.name == "pos_desktop.server.requests"]
    assert [(r.request_id, r.route, r.status) for r in served] == [  # type: ignore[attr-defined]
        (request_id, "/api/v1/health", 200)
    ]
