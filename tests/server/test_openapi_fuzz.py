"""A fuzz pass over the published OpenAPI document: whatever a register sends, no 5xx.

Schemathesis generates requests for every operation of ``/api/v1/openapi.json`` (valid ones
and ones that break the schema) and sends them to the ASGI app over each server database.
Every request carries a valid register token, a manager's session and a fresh
Idempotency-Key, so the fuzzer gets past authentication into the handlers, and path and
query parameters and body fields often name real cards, numbers, activities and tickets, so
it gets past "not found" too.

The 5xx the fuzz pass has found are kept below as fixed requests (``FINDINGS``), so they stay
fixed whatever cases the fuzzer happens to draw.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import BaseSchema, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from pos_desktop.server.app import create_app
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_engine
from tests.fixtures.server_world import World

OPENAPI_PATH = "/api/v1/openapi.json"

# Per operation and check; POS_FUZZ_MAX_EXAMPLES digs deeper on demand.
MAX_EXAMPLES = int(os.environ.get("POS_FUZZ_MAX_EXAMPLES", "30"))

FUZZ_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The same cases every run: the suite is reproducible.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    # No shrinking: a failure reports its request as curl.
    phases=[Phase.explicit, Phase.generate],
)


@pytest.fixture
def server_config() -> ServerConfig:
    """Limits out of the fuzzer's reach, so it keeps reaching the handlers behind them."""
    return ServerConfig(
        wrong_pin_limit=1_000_000, unknown_card_limit=1_000_000, card_search_limit=1_000_000
    )


@pytest.fixture
def api_schema(world: World) -> BaseSchema:
    """The app's OpenAPI document, loaded over ASGI."""
    return schemathesis.openapi.from_asgi(OPENAPI_PATH, world.client.app)


@pytest.fixture
def known(world: World) -> dict[str, list[str]]:
    """Real ids, numbers, tickets and e-mails in the store, for the fuzzer to mix into
    parameters and bodies."""
    pending = world.issue_card(25_00, send=False, recipient="fuzz.pending@example.com")
    active = world.issue_card(80_00, recipient="fuzz.active@example.com")
    ticket = str(uuid.uuid4())
    redemption = world.redeem(active["id"], 5_00, ticket_id=ticket)
    assert redemption.status_code == 200, redemption.text
    return {
        "card_id": [pending["id"], active["id"]],
        "activity_id": [redemption.json()["activity"]["id"]],
        "number": [pending["number"], active["number"]],
        "ticket_id": [ticket],
        "recipient_email": ["fuzz.active@example.com", "FUZZ.Pending@example.com"],
    }


def mix_in(case: schemathesis.Case, known: dict[str, list[str]], data: st.DataObject) -> None:
    """Now and then put a real id, number, ticket or e-mail where the case has a generated
    one (a card's number and a reversal's ticket travel in the body)."""
    for parameters in (case.path_parameters, case.query, case.body):
        if not isinstance(parameters, dict):
            continue
        for name in sorted(parameters.keys() & known.keys()):
            if data.draw(st.booleans(), label=f"use a known {name}"):
                parameters[name] = data.draw(st.sampled_from(known[name]), label=name)


def authorize(case: schemathesis.Case, world: World) -> None:
    """Valid credentials and a fresh Idempotency-Key in place of whatever was generated."""
    names = {"x-register-token", "authorization", "idempotency-key"}
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in names}
    headers.update(world.headers("manager", key=uuid.uuid4().hex))
    case.headers = headers


def fuzz(
    schema: BaseSchema,
    label: str,
    world: World,
    known: dict[str, list[str]],
    checks: list[schemathesis.CheckFunction],
) -> None:
    """Send valid and schema-breaking requests for one operation and run ``checks`` on each."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the document"
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @FUZZ_SETTINGS
    @hypothesis.given(case=cases, data=st.data())
    def send(case: schemathesis.Case, data: st.DataObject) -> None:
        mix_in(case, known, data)
        authorize(case, world)
        case.call_and_validate(checks=checks)

    send()


def _operation_labels() -> list[str]:
    """Every operation of the document; building it touches no database."""
    engine = make_engine("sqlite://")
    try:
        document = create_app(engine).openapi()
    finally:
        engine.dispose()
    paths = document["paths"]
    return [f"{method.upper()} {path}" for path, item in paths.items() for method in item]


OPERATIONS = _operation_labels()


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_fuzzed_requests_never_get_a_server_error(
    api_schema: BaseSchema, world: World, known: dict[str, list[str]], label: str
) -> None:
    """Every generated request to the operation, valid or not, is answered without a 5xx."""
    fuzz(api_schema, label, world, known, [not_a_server_error])


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_fuzzed_responses_match_the_document(
    api_schema: BaseSchema, world: World, known: dict[str, list[str]], label: str
) -> None:
    """Every documented answer of the operation has the shape the document gives it."""
    fuzz(api_schema, label, world, known, [response_schema_conformance])


@dataclass(frozen=True, slots=True)
class Finding:
    """A request the fuzz pass once got a 5xx for, kept as a fixed example."""

    method: str
    path: str
    body: Any = None
    params: dict[str, str] | None = None


def _push(total: dict[str, Any]) -> dict[str, Any]:
    ticket = {
        "id": str(uuid.uuid4()),
        "opened_at": "2026-11-20T14:50:00Z",
        "completed_at": "2026-11-20T14:55:00Z",
        "subtotal": {"amount": 0},
        "tax": {"amount": 0},
        "tip": {"amount": 0},
        "total": total,
    }
    return {"tickets": [ticket]}


FINDINGS = {
    # SQLite: OverflowError; PostgreSQL: bigint out of range.
    "ticket-total-above-64-bit": Finding("POST", "/sync/push", _push({"amount": 2**63})),
    "ticket-total-below-64-bit": Finding("POST", "/sync/push", _push({"amount": -(2**63) - 1})),
    # PostgreSQL: text fields cannot contain NUL bytes.
    "nul-in-ticket-currency": Finding(
        "POST", "/sync/push", _push({"amount": 1, "currency": "U\x00D"})
    ),
    "nul-in-employee-name": Finding(
        "POST", "/employees", {"name": "Ann\x00", "role": "cashier", "pin": "4321"}
    ),
    "nul-in-recipient-name": Finding(
        "POST",
        "/giftcards",
        {"amount": {"amount": 10_00}, "recipient_name": "P\x00t", "reason": "fuzz"},
    ),
    "nul-in-card-message": Finding(
        "POST", "/giftcards", {"amount": {"amount": 10_00}, "message": "Hi\x00", "reason": "fuzz"}
    ),
    "nul-in-recipient-email-search": Finding(
        "GET", "/giftcards", params={"recipient_email": "pat\x00@example.com"}
    ),
}


@pytest.mark.parametrize("finding", FINDINGS.values(), ids=FINDINGS.keys())
def test_api_fuzz_finding_is_not_a_server_error(world: World, finding: Finding) -> None:
    """A request the fuzz pass once broke the server with is answered without a 5xx."""
    response = world.client.request(
        finding.method,
        f"/api/v1{finding.path}",
        json=finding.body,
        params=finding.params,
        headers=world.headers("manager", key=uuid.uuid4().hex),
    )

    assert response.status_code < 500, response.text
