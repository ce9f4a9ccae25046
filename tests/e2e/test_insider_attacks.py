"""An insider's requests, sent outside the app to a real ``serve`` process, on SQLite and on
PostgreSQL: an enrolled register's token and an employee's session can still move no value
without proof, list no store's cards, read no card number and block no other register.

Each test is one way in that probing the API found (issue 11), and the refusal that now meets it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, MetaData, select

from pos_desktop.server.database import make_engine, make_session_factory, migrate
from pos_desktop.server.provisioning import create_employee, create_enroll_code, create_store
from tests.fixtures.register import WAIT_S
from tests.fixtures.server_process import LiveServer, serve

pytestmark = pytest.mark.e2e

CASHIER_PIN, MANAGER_PIN, SEARCHER_PIN = "1111", "9999", "2222"
CARD_AMOUNT = 40_00
SEARCH_LIMIT = 30  # ServerConfig.card_search_limit


@dataclass
class Register:
    """An enrolled register and the sessions of the employees logged in on it."""

    base_url: str
    token: str
    sessions: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str | None, key: str | None = None) -> dict[str, str]:
        headers = {"X-Register-Token": self.token}
        if who is not None:
            headers["Authorization"] = f"Bearer {self.sessions[who]}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def post(
        self, path: str, body: Any, who: str | None = "cashier", *, key: bool = True
    ) -> httpx.Response:
        idem = uuid.uuid4().hex if key else None
        return httpx.post(
            f"{self.base_url}/api/v1{path}", json=body, headers=self.headers(who, idem), timeout=30
        )

    def get(self, path: str, who: str | None = "cashier", **params: str) -> httpx.Response:
        return httpx.get(
            f"{self.base_url}/api/v1{path}", params=params, headers=self.headers(who), timeout=30
        )


@dataclass
class Chain:
    """Two stores on one database: A with three registers, B with one."""

    database_url: str
    codes: dict[str, str]
    registers: dict[str, Register] = field(default_factory=dict)
    server: LiveServer | None = None


def _provision(database_url: str) -> Chain:
    engine = make_engine(database_url)
    migrate(engine)
    now = datetime.now(UTC)
    codes: dict[str, str] = {}
    with make_session_factory(engine)() as db:
        for store_name, registers in (("Store A", ("A1", "A2", "A3")), ("Store B", ("B1",))):
            store = create_store(db, store_name, now, max_card_amount=500_00)
            create_employee(db, store, "Casey Cashier", "cashier", CASHIER_PIN, now)
            create_employee(db, store, "Morgan Manager", "manager", MANAGER_PIN, now)
            create_employee(db, store, "Sam Searcher", "cashier", SEARCHER_PIN, now)
            for name in registers:
                codes[name], _ = create_enroll_code(db, store.id, None, now, timedelta(hours=1))
        db.commit()
    engine.dispose()
    return Chain(database_url, codes)


@pytest.fixture(scope="module")
def a_server(server_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """One ``serve --workers 2`` over the chain's database for the module (each test uses its
    own cards and registers' counters); every register enrolled, its three employees logged in.
    Limits are counted in the database, so they hold whichever worker answers."""
    chain = _provision(server_database_url)
    log = tmp_path_factory.mktemp("insider") / "server.log"
    args = ("--database-url", chain.database_url, "--workers", "2")
    with serve(args, log) as server:
        chain.server = server
        for name, code in chain.codes.items():
            chain.registers[name] = _enroll(server, name, code)
        yield chain


def _enroll(server: LiveServer, name: str, code: str) -> Register:
    api = f"{server.base_url}/api/v1"
    enrolled = httpx.post(f"{api}/registers/enroll", json={"code": code, "name": name}, timeout=30)
    assert enrolled.status_code == 200, enrolled.text
    register = Register(server.base_url, enrolled.json()["token"])
    for who, pin in (
        ("cashier", CASHIER_PIN),
        ("manager", MANAGER_PIN),
        ("searcher", SEARCHER_PIN),
    ):
        session = register.post("/sessions", {"pin": pin}, who=None, key=False)
        assert session.status_code == 200, session.text
        register.sessions[who] = session.json()["token"]
    return register


def issue_and_send(register: Register, recipient: str) -> dict[str, Any]:
    """A card a manager issued (with a reason) and sent: its answer, with the full number."""
    body = {
        "amount": {"amount": CARD_AMOUNT},
        "recipient_email": recipient,
        "buyer_email": "buyer@example.com",
        "reason": "promotional card for the e2e test",
    }
    issued = register.post("/giftcards", body, who="manager")
    assert issued.status_code == 201, issued.text
    card: dict[str, Any] = issued.json()
    sent = register.post(f"/giftcards/{card['id']}/send", {"reason": "e2e"}, who="manager")
    assert sent.status_code == 200, sent.text
    return card


def balance(register: Register, card_id: str) -> int:
    answer = register.get(f"/giftcards/{card_id}")
    assert answer.status_code == 200, answer.text
    amount: int = answer.json()["balance"]["amount"]
    return amount


def redeem_on_a_ticket(register: Register, card: dict[str, Any], amount: int) -> tuple[str, str]:
    """Pay ``amount`` of a new ticket with the card at hand: the ticket id, and the path that
    would give the redemption back."""
    ticket_id = str(uuid.uuid4())
    paid = register.post(
        f"/giftcards/{card['id']}/redeem",
        {"number": card["number"], "amount": {"amount": amount}, "ticket_id": ticket_id},
    )
    assert paid.status_code == 200, paid.text
    return ticket_id, f"/activities/{paid.json()['activity']['id']}/reverse"


def push_completed(register: Register, ticket_id: str) -> httpx.Response:
    now = datetime.now(UTC).isoformat()
    usd = {"amount": 5_00}
    ticket = {
        "id": ticket_id,
        "opened_at": now,
        "completed_at": now,
        "status": "completed",
        "subtotal": usd,
        "tax": {"amount": 0},
        "tip": {"amount": 0},
        "total": usd,
    }
    return register.post("/sync/push", {"tickets": [ticket]}, who=None, key=False)


def test_attack_card_id_found_by_email_moves_nothing_without_the_number(
    a_server: Chain,
) -> None:
    """A card found by its recipient's e-mail cannot be redeemed by id alone, nor with a
    guessed number: only its number (or a verified code) moves value."""
    a1 = a_server.registers["A1"]
    recipient = f"victim-{uuid.uuid4().hex[:8]}@example.com"
    card = issue_and_send(a1, recipient)
    (found,) = a1.get("/giftcards", recipient_email=recipient).json()["items"]
    assert "number" not in found
    pay = {"amount": {"amount": 10_00}, "ticket_id": str(uuid.uuid4())}

    without_number = a1.post(f"/giftcards/{found['id']}/redeem", pay)
    guessed = "4000000000000002"
    wrong_number = a1.post(f"/giftcards/{found['id']}/redeem", {**pay, "number": guessed})

    assert without_number.status_code == 422
    assert wrong_number.status_code == 404
    assert wrong_number.json()["error"]["code"] == "card_not_found"
    assert balance(a1, found["id"]) == CARD_AMOUNT
    paid = a1.post(f"/giftcards/{found['id']}/redeem", {**pay, "number": card["number"]})
    assert paid.status_code == 200, paid.text
    assert balance(a1, found["id"]) == CARD_AMOUNT - 10_00


def test_attack_cashier_cannot_create_value(a_server: Chain) -> None:
    """A cashier's session cannot issue or send a card; a manager must give a reason."""
    a1 = a_server.registers["A1"]
    body = {"amount": {"amount": 500_00}, "recipient_email": "me@example.com", "reason": "mine"}

    by_cashier = a1.post("/giftcards", body)
    without_reason = a1.post("/giftcards", {**body, "reason": "  "}, who="manager")
    card = issue_and_send(a1, "pat@example.com")
    pending = a1.post("/giftcards", body, who="manager").json()
    send_by_cashier = a1.post(f"/giftcards/{pending['id']}/send", {"reason": "mine"})

    assert by_cashier.status_code == 403
    assert without_reason.status_code == 422
    assert send_by_cashier.status_code == 403
    assert a1.get(f"/giftcards/{pending['id']}").json()["status"] == "pending"
    activities = a1.get(f"/giftcards/{card['id']}").json()["activities"]
    assert activities[-1]["kind"] == "issue"
    assert activities[-1]["reason"] == "promotional card for the e2e test"


def test_attack_listing_cards_by_last4_is_rate_limited_per_register_and_employee(
    a_server: Chain,
) -> None:
    """Searching last 4 digits one after another stops at the limit with 429, and the same
    employee on another register is still stopped; another employee there is not."""
    a2, a3 = a_server.registers["A2"], a_server.registers["A3"]
    answers = [
        a3.get("/giftcards", who="searcher", last4=f"{n:04d}") for n in range(SEARCH_LIMIT + 1)
    ]
    elsewhere = a2.get("/giftcards", who="searcher", last4="0000")
    colleague = a2.get("/giftcards", who="cashier", last4="0000")
    partial = a2.get("/giftcards", who="cashier", recipient_email="example.com")

    assert [a.status_code for a in answers[:SEARCH_LIMIT]] == [200] * SEARCH_LIMIT
    assert answers[-1].status_code == 429
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert elsewhere.status_code == 429
    assert colleague.status_code == 200
    assert partial.status_code == 422
    assert all("number" not in c for a in answers[:SEARCH_LIMIT] for c in a.json()["items"])


def _values_in(engine: Engine, tables: list[str]) -> list[bytes]:
    metadata = MetaData()
    metadata.reflect(engine, only=tables)
    found: list[bytes] = []
    with engine.connect() as db:
        for table in metadata.sorted_tables:
            for row in db.execute(select(table)):
                for value in row:
                    if value is not None:
                        raw = value if isinstance(value, bytes) else str(value).encode()
                        found.append(bytes(raw))
    return found


def test_attack_database_copy_and_urls_hold_no_card_number(a_server: Chain) -> None:
    """A copy of the database holds no full card number (cards, stored answers, mail), and
    the look-up that put the number in a URL is retired; the POST look-up finds the card."""
    a1 = a_server.registers["A1"]
    card = issue_and_send(a1, "pat@example.com")
    number = card["number"].encode()

    retired = a1.get("/giftcards/lookup", number=card["number"])
    found = a1.post("/giftcards/lookup", {"number": card["number"]}, key=False)

    engine = make_engine(a_server.database_url)
    try:
        tables = ["gift_cards", "idempotency_records", "mail_outbox", "card_activities"]
        leaks = [value for value in _values_in(engine, tables) if number in value]
    finally:
        engine.dispose()
    assert leaks == []
    assert retired.status_code == 410
    assert found.status_code == 200 and found.json()["id"] == card["id"]


def test_attack_other_store_cannot_block_a_reversal(a_server: Chain) -> None:
    """Store B pushing a completed ticket with store A's ticket id blocks nothing: A's
    redemption is still given back, and A's own push of that ticket is accepted."""
    a1, b1 = a_server.registers["A1"], a_server.registers["B1"]
    card = issue_and_send(a1, "pat@example.com")
    ticket_id, reverse = redeem_on_a_ticket(a1, card, 5_00)

    hijack = push_completed(b1, ticket_id)
    reversal = a1.post(reverse, {"ticket_id": ticket_id})
    own_push = push_completed(a1, ticket_id)

    assert hijack.status_code == 200
    assert reversal.status_code == 200, reversal.text
    assert balance(a1, card["id"]) == CARD_AMOUNT
    assert own_push.json()["accepted"] == [ticket_id]


def test_attack_reversal_only_on_its_register_and_before_completion(a_server: Chain) -> None:
    """Another register of the store cannot give a redemption back, nor can its own register
    once it reported the ticket completed: the goods have left."""
    a1, a2 = a_server.registers["A1"], a_server.registers["A2"]
    card = issue_and_send(a1, "pat@example.com")
    ticket_id, reverse = redeem_on_a_ticket(a1, card, 7_00)

    from_elsewhere = a2.post(reverse, {"ticket_id": ticket_id})
    push_completed(a1, ticket_id)
    after_completion = a1.post(reverse, {"ticket_id": ticket_id})

    assert from_elsewhere.status_code == 403
    assert from_elsewhere.json()["error"]["code"] == "not_your_redemption"
    assert after_completion.status_code == 409
    assert after_completion.json()["error"]["code"] == "ticket_completed"
    assert balance(a1, card["id"]) == CARD_AMOUNT - 7_00


def test_attack_huge_anonymous_body_is_refused_unread(a_server: Chain) -> None:
    """A 40 MiB body to the anonymous enroll endpoint is refused with 413."""
    a1 = a_server.registers["A1"]
    body = b'{"code": "' + b"A" * (40 * 1024 * 1024) + b'", "name": "x"}'
    answer = httpx.post(
        f"{a1.base_url}/api/v1/registers/enroll",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


def test_attack_pin_verifiers_go_only_to_the_employees_store(a_server: Chain) -> None:
    """A register of store B pulls only store B's PIN verifiers, never store A's."""
    a1, b1 = a_server.registers["A1"], a_server.registers["B1"]
    a_ids = {e["id"] for e in a1.get("/sync/pull", who=None).json()["employees"]}
    b_ids = {e["id"] for e in b1.get("/sync/pull", who=None).json()["employees"]}
    assert len(a_ids) == len(b_ids) == 3
    assert a_ids.isdisjoint(b_ids)


def test_attack_leaves_a_trail_without_numbers(a_server: Chain) -> None:
    """Every move of value is in the server's log (whichever worker made it) with employee,
    register and amount, and no card number is anywhere in the log."""
    a1 = a_server.registers["A1"]
    card = issue_and_send(a1, "pat@example.com")
    redeem_on_a_ticket(a1, card, 3_00)
    assert a_server.server is not None
    deadline = time.monotonic() + WAIT_S
    while f"redeem card={card['id']} amount=300 USD" not in a_server.server.log():
        assert time.monotonic() < deadline, a_server.server.log()[-3000:]
        time.sleep(0.1)

    log = a_server.server.log()
    assert f"issue card={card['id']} amount={CARD_AMOUNT} USD employee=" in log
    assert card["number"] not in log
