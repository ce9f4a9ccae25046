"""Money moves only with proof: what an insider at a till may try, and the server refuses.

An employee (or a stolen register token with a session) knows card ids from the screens, can
read the database's copy, and can push tickets; none of it moves value without the card's
number, a manager's reason or the register that made the redemption.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import uuid
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, func, select

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.mail.sender import MailSender
from pos_desktop.server.mail.transport import EmlFolderTransport
from pos_desktop.server.models import (
    CardActivity,
    DeductionChallenge,
    Employee,
    FailedAttempt,
    GiftCard,
    MailOutbox,
    Register,
    Store,
)
from tests.fixtures.at_rest import columns_holding
from tests.fixtures.server_world import World, another_register

UNKNOWN_CARD_LIMIT = 3
CARD_SEARCH_LIMIT = 5
CODE_IN_MAIL = re.compile(r"Your code: (\d{6})")


@pytest.fixture
def server_config() -> ServerConfig:
    """Small limits, so a test reaches them in a few requests."""
    return ServerConfig(unknown_card_limit=UNKNOWN_CARD_LIMIT, card_search_limit=CARD_SEARCH_LIMIT)


# --- helpers -----------------------------------------------------------------------------


def _count(world: World, where: ColumnElement[bool]) -> int:
    """How many rows of ``where``'s table satisfy it."""
    with make_session_factory(world.engine)() as db:
        return int(db.execute(select(func.count()).where(where)).scalar_one())


def _failed_attempts(world: World) -> list[tuple[str, str, str | None]]:
    """Every counted attempt as (kind, register name, employee name)."""
    with make_session_factory(world.engine)() as db:
        rows = db.execute(
            select(FailedAttempt.kind, Register.name, Employee.name)
            .join(Register, Register.id == FailedAttempt.register_id)
            .outerjoin(Employee, Employee.id == FailedAttempt.employee_id)
            .order_by(FailedAttempt.id)
        ).all()
    return [(kind, register, employee) for kind, register, employee in rows]


def _issue_body(**extra: object) -> dict[str, object]:
    return {"amount": {"amount": 25_00}, "recipient_email": "pat@example.com", **extra}


def _code_in_mail(world: World) -> str:
    """The Deduct Funds code in the (one) sealed code mail, read as the mail sender does."""
    with make_session_factory(world.engine)() as db:
        mail = db.execute(
            select(MailOutbox).where(MailOutbox.kind == "deduction_code")
        ).scalar_one()
    text = message_from_bytes(world.sealer.open(mail.message), policy=default).get_body(("plain",))
    assert text is not None
    found = CODE_IN_MAIL.search(text.get_content())
    assert found is not None
    return found.group(1)


def _deduct_by_code(world: World, card_id: str, amount: int) -> dict[str, object]:
    """A Deduct Funds deduction with no ticket: ask for a code, read it from the sealed mail,
    verify it; the answer (a redemption)."""
    asked = world.post(f"/giftcards/{card_id}/deduction-codes", {"amount": {"amount": amount}})
    assert asked.status_code == 201, asked.text
    code = _code_in_mail(world)
    verified = world.post(f"/deduction-codes/{asked.json()['challenge_id']}/verify", {"code": code})
    assert verified.status_code == 200, verified.text
    redemption: dict[str, object] = verified.json()
    return redemption


# --- redeem needs the card's number ------------------------------------------------------------


def test_redeem_with_only_the_card_id_is_422_and_moves_nothing(world: World) -> None:
    """A card id read off a screen, without the number on the card, redeems nothing."""
    card = world.issue_card(50_00)

    response = world.post(f"/giftcards/{card['id']}/redeem", {"amount": {"amount": 10_00}})

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "number"
    assert world.balance(card["id"]) == 50_00
    assert _count(world, CardActivity.kind == "redeem") == 0


def test_redeem_with_another_cards_number_is_card_not_found(world: World) -> None:
    """The number of a card in hand does not pay from another card named by id."""
    target, mine = world.issue_card(50_00), world.issue_card(5_00)

    response = world.redeem(target["id"], 10_00, number=mine["number"])

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"
    assert (world.balance(target["id"]), world.balance(mine["id"])) == (50_00, 5_00)
    assert _failed_attempts(world) == [("unknown_card", "Register 1", "Casey Cashier")]


def test_redeem_with_a_wrong_number_is_card_not_found(world: World) -> None:
    """A made-up (check-digit valid) number is answered and counted as an unknown card."""
    card = world.issue_card(50_00)

    response = world.redeem(card["id"], 10_00, number=generate_card_number())

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"
    assert world.balance(card["id"]) == 50_00
    assert _failed_attempts(world) == [("unknown_card", "Register 1", "Casey Cashier")]


def test_redeem_after_too_many_wrong_numbers_is_429_even_with_the_right_one(world: World) -> None:
    """A register that guessed numbers up to the limit is stopped, right number or not."""
    card = world.issue_card(50_00)
    for _ in range(UNKNOWN_CARD_LIMIT):
        assert world.redeem(card["id"], 1_00, number=generate_card_number()).status_code == 404

    response = world.redeem(card["id"], 1_00)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    assert world.balance(card["id"]) == 50_00


# --- issue and send are a manager's, with a reason -----------------------------------------------


def test_issue_by_a_cashier_is_403_and_creates_no_card(world: World) -> None:
    """A cashier cannot create value, reason or not."""
    response = world.post("/giftcards", _issue_body(reason="my friend"), who="cashier")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert _count(world, GiftCard.id.is_not(None)) == 0


def test_send_by_a_cashier_is_403_and_the_card_stays_pending(world: World) -> None:
    """A cashier cannot activate a card nobody paid for, nor mail it out."""
    card = world.issue_card(25_00, send=False)

    response = world.post(f"/giftcards/{card['id']}/send", {"reason": "x"}, who="cashier")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "pending"
    assert _count(world, MailOutbox.id.is_not(None)) == 0


@pytest.mark.parametrize(
    "reason",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("x" * 501, id="too-long"),
    ],
)
def test_issue_by_a_manager_without_a_reason_is_422(world: World, reason: str | None) -> None:
    """A manager creates value only saying why; without a reason no card is made."""
    body = _issue_body() if reason is None else _issue_body(reason=reason)

    response = world.post("/giftcards", body, who="manager")

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "reason"
    assert _count(world, GiftCard.id.is_not(None)) == 0


def test_send_by_a_manager_without_a_reason_is_422(world: World) -> None:
    """Activating a card needs a reason too; without one it stays pending."""
    card = world.issue_card(25_00, send=False)

    response = world.post(f"/giftcards/{card['id']}/send", {}, who="manager")

    assert response.status_code == 422, response.text
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "pending"


def test_issue_with_a_reason_records_it_on_the_activity(world: World) -> None:
    """The manager's reasons for issuing and sending are in the card's history, by name."""
    issued = world.post("/giftcards", _issue_body(reason="refund for order 1182"), who="manager")
    assert issued.status_code == 201, issued.text
    card_id = issued.json()["id"]
    sent = world.post(f"/giftcards/{card_id}/send", {"reason": "  asked by phone "}, who="manager")
    assert sent.status_code == 200, sent.text

    activities = world.get(f"/giftcards/{card_id}").json()["activities"]

    by_kind = {activity["kind"]: activity for activity in activities}
    assert by_kind["issue"]["reason"] == "refund for order 1182"
    assert by_kind["issue"]["employee"]["name"] == "Morgan Manager"
    assert by_kind["activate"]["reason"] == "asked by phone"


# --- searches are whole addresses, and limited ----------------------------------------------------


def test_search_over_the_register_limit_is_429_with_retry_after(world: World) -> None:
    """The register's searches stop at its limit, whoever logs in on it next."""
    for _ in range(CARD_SEARCH_LIMIT):
        assert world.get("/giftcards", last4="1234").status_code == 200

    refused = world.get("/giftcards", recipient_email="pat@example.com", who="manager")
    world.clock.advance(seconds=ServerConfig().rate_window_seconds + 1)
    later = world.get("/giftcards", recipient_email="pat@example.com", who="manager")

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message"].startswith("Too many card searches on this register.")
    assert 0 < int(refused.headers["Retry-After"]) <= ServerConfig().rate_window_seconds
    assert later.status_code == 200


def test_search_limit_follows_the_employee_to_another_register(world: World) -> None:
    """The searches a cashier used up stay used on a second register; another employee's do not."""
    riley = world.post(
        "/employees", {"name": "Riley Cashier", "role": "cashier", "pin": "2468"}, who="manager"
    )
    assert riley.status_code in (200, 201), riley.text
    second = another_register(world)
    login = second.login("2468")
    assert login.status_code == 200, login.text
    second.sessions["riley"] = login.json()["token"]
    for _ in range(CARD_SEARCH_LIMIT):
        assert world.get("/giftcards", buyer_email="buyer@example.com").status_code == 200

    same_employee = second.get("/giftcards", buyer_email="buyer@example.com", who="cashier")
    other_employee = second.get("/giftcards", buyer_email="buyer@example.com", who="riley")

    assert same_employee.status_code == 429
    assert same_employee.json()["error"]["code"] == "rate_limited"
    assert same_employee.json()["error"]["message"].startswith("You have searched for too many")
    assert int(same_employee.headers["Retry-After"]) > 0
    assert other_employee.status_code == 200


@pytest.mark.parametrize("field", ["recipient_email", "buyer_email"])
@pytest.mark.parametrize("partial", ["alex", "@example.com", "alex@", "example.com"])
def test_search_by_a_partial_email_is_422(world: World, field: str, partial: str) -> None:
    """A piece of an address would list many customers' cards: only a whole one is taken."""
    world.issue_card(10_00, recipient="alex@example.com", buyer="alex@example.com")

    response = world.get("/giftcards", **{field: partial})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_search"


def test_search_results_carry_no_full_number(world: World) -> None:
    """What a search finds shows the last 4 digits and the mask, never the number."""
    card = world.issue_card(10_00, recipient="alex@example.com")

    found = world.get("/giftcards", recipient_email="alex@example.com").json()["items"]

    (item,) = found
    assert "number" not in item
    assert item["last4"] == card["number"][-4:]
    assert item["number_masked"] == f"•••• {card['number'][-4:]}"
    assert card["number"] not in str(found)


# --- the database holds no full number ---------------------------------------------------------


def test_database_holds_no_card_number_yet_the_issue_replays_it(world: World) -> None:
    """No column holds the number, yet a retried sale gets it back byte for byte."""
    body = _issue_body(reason="sale", buyer_email="buyer@example.com")
    first = world.post("/giftcards", body, who="manager", key="sale-1")
    assert first.status_code == 201, first.text
    number = first.json()["number"]
    world.send_card(first.json()["id"])

    held = columns_holding(world.engine, number)
    replay = world.post("/giftcards", body, who="manager", key="sale-1")

    assert held == []
    # The scan does find what is there: the last 4 digits are kept in the clear.
    assert "gift_cards.last4" in columns_holding(world.engine, number[-4:])
    assert replay.status_code == 201
    assert replay.content == first.content
    assert _count(world, GiftCard.id.is_not(None)) == 1


def test_egift_mail_is_emptied_once_sent(world: World, tmp_path: Path) -> None:
    """The e-gift mail waits sealed and, once delivered, leaves nothing in the outbox row."""
    card = world.issue_card(25_00)
    sender = MailSender(
        make_session_factory(world.engine),
        EmlFolderTransport(tmp_path),
        clock=world.clock,
        sealer=world.sealer,
    )

    assert sender.run_once() == 1

    with make_session_factory(world.engine)() as db:
        mail = db.execute(select(MailOutbox).where(MailOutbox.kind == "egift")).scalar_one()
    assert mail.sent_at is not None
    assert mail.message == b""
    (delivered,) = tmp_path.glob("*.eml")
    assert card["number"] in delivered.read_text()
    assert columns_holding(world.engine, card["number"]) == []


# --- a number never travels in a URL --------------------------------------------------------------


def test_lookup_by_get_is_410_and_looks_nothing_up(world: World) -> None:
    """The retired GET form answers the same 410 for any number, finding and counting nothing."""
    card = world.issue_card(10_00)

    known = world.get("/giftcards/lookup", number=card["number"])
    unknown = world.get("/giftcards/lookup", number=generate_card_number())

    for response in (known, unknown):
        assert response.status_code == 410
        assert response.json()["error"]["code"] == "endpoint_retired"
    assert known.content == unknown.content
    assert card["id"] not in known.text
    assert _failed_attempts(world) == []


# --- tickets are their register's -----------------------------------------------------------------


def test_reverse_is_not_blocked_by_another_stores_ticket_with_the_same_id(
    world: World, other_store: World
) -> None:
    """Another store completing a ticket with this id does not stop this store's reversal."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]
    assert other_store.push_completed_ticket(ticket).json()["accepted"] == [ticket]

    response = world.reverse(activity, ticket)

    assert response.status_code == 200, response.text
    assert world.balance(card["id"]) == 20_00


def test_reverse_is_not_blocked_by_another_registers_ticket_with_the_same_id(
    world: World,
) -> None:
    """Nor does another register of the same store, pushing the same ticket id."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]
    assert another_register(world).push_completed_ticket(ticket).json()["accepted"] == [ticket]

    response = world.reverse(activity, ticket)

    assert response.status_code == 200, response.text


def test_sync_push_of_a_ticket_another_store_took_is_accepted_and_completes_it(
    world: World, other_store: World
) -> None:
    """A ticket id another store pushed first is accepted here, and then its redemption stands."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]
    assert other_store.push_completed_ticket(ticket).status_code == 200

    pushed = world.push_completed_ticket(ticket)
    response = world.reverse(activity, ticket)

    assert pushed.json() == {"accepted": [ticket], "duplicates": []}
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ticket_completed"
    assert world.balance(card["id"]) == 15_00


# --- only the register that redeemed gives it back, for its own ticket ----------------------------


def test_reverse_from_another_register_is_403_not_your_redemption(world: World) -> None:
    """A second register of the store cannot give back a redemption the first one made."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]

    response = another_register(world).reverse(activity, ticket)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_your_redemption"
    assert world.balance(card["id"]) == 15_00


def test_reverse_naming_another_ticket_is_409_other_ticket(world: World) -> None:
    """A redemption is given back only for the ticket it paid, not for an open one nearby."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    activity = world.redeem(card["id"], 5_00, ticket_id=ticket).json()["activity"]["id"]

    response = world.reverse(activity, str(uuid.uuid4()))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "other_ticket"
    assert world.balance(card["id"]) == 15_00


def test_reverse_of_a_deduction_without_a_ticket_is_409_not_reversible(world: World) -> None:
    """A Deduct Funds deduction paid no ticket, so there is no sale to undo: it stands."""
    card = world.issue_card(20_00)
    deduction = _deduct_by_code(world, card["id"], 5_00)
    activity = deduction["activity"]
    assert isinstance(activity, dict) and activity["ticket_id"] is None

    response = world.reverse(activity["id"], str(uuid.uuid4()))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_reversible"
    assert world.balance(card["id"]) == 15_00


# --- a code's hash needs the server key ---------------------------------------------------------


def test_deduction_code_hash_is_not_keyed_by_the_store_pepper(world: World) -> None:
    """The stored code hash is not HMAC(pin_pepper, ...): the database's pepper verifies nothing."""
    card = world.issue_card(20_00)
    asked = world.post(f"/giftcards/{card['id']}/deduction-codes", {"amount": {"amount": 5_00}})
    assert asked.status_code == 201, asked.text
    challenge_id = uuid.UUID(asked.json()["challenge_id"])
    code = _code_in_mail(world)
    with make_session_factory(world.engine)() as db:
        challenge = db.get(DeductionChallenge, challenge_id)
        pepper = db.execute(select(Store.pin_pepper)).scalar_one()
    assert challenge is not None

    message = b"deduction-code\x00" + challenge_id.bytes + code.encode()
    with_pepper = hmac.new(bytes.fromhex(pepper), message, hashlib.sha256).hexdigest()

    assert challenge.code_hash != with_pepper
    assert challenge.code_hash == world.keys.code_hash(challenge_id, code)


# --- every move of value is logged, without the number ------------------------------------------


def test_value_log_names_employee_register_and_amount_never_the_number(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Each value move logs who, where and how much at INFO; no log line holds the number."""
    caplog.set_level(logging.INFO)
    card = world.issue_card(30_00)
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(card["id"], 12_50, ticket_id=ticket).json()["activity"]
    assert world.reverse(redeemed["id"], ticket).status_code == 200
    issue = world.get(f"/giftcards/{card['id']}").json()["activities"][-1]

    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "pos_desktop.server.value" and record.levelno == logging.INFO
    ]

    register = redeemed["register"]["id"]
    manager, cashier = issue["employee"]["id"], redeemed["employee"]["id"]
    expected = [
        ("issue", manager, 30_00),
        ("send", manager, 30_00),
        ("redeem", cashier, 12_50),
        ("reverse", cashier, 12_50),
    ]
    assert [line.split(" ")[0] for line in lines] == [what for what, _, _ in expected]
    for line, (_, employee, amount) in zip(lines, expected, strict=True):
        assert f"card={card['id']}" in line
        assert f"amount={amount} USD" in line
        assert f"employee={employee}" in line
        assert f"register={register}" in line
    assert caplog.records
    assert all(card["number"] not in record.getMessage() for record in caplog.records)
    assert card["number"] not in caplog.text


def test_value_log_of_a_void_names_what_it_took_off(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Voiding takes the balance off the card: the line says how much, not the 0 left."""
    card = world.issue_card(30_00)
    assert world.redeem(card["id"], 10_00).status_code == 200
    caplog.set_level(logging.INFO, logger="pos_desktop.server.value")
    caplog.clear()  # the issue, send and redeem lines, when INFO was on already

    assert (
        world.post(f"/giftcards/{card['id']}/void", {"reason": "test"}, who="manager").status_code
        == 200
    )

    (line,) = [
        record.getMessage()
        for record in caplog.records
        if record.name == "pos_desktop.server.value"
    ]
    assert line.startswith(f"void card={card['id']} amount={20_00} USD employee=")


def test_selling_real_card_numbers_as_blanks_counts_as_probing(world: World) -> None:
    """The sale screen is no oracle of real numbers: each "blank" that is some card counts
    like an unknown number, and past the limit the register is refused even a true blank."""
    cards = [world.issue_card(10_00) for _ in range(UNKNOWN_CARD_LIMIT)]

    def sell(number: str) -> int:
        body = {
            "ticket_id": str(uuid.uuid4()),
            "line_id": str(uuid.uuid4()),
            "amount": {"amount": 10_00},
            "delivery": "physical",
            "number": number,
        }
        return world.post("/card-loads/sale", body).status_code

    probes = [sell(card["number"]) for card in cards]
    blank = sell(generate_card_number())

    assert probes == [409] * UNKNOWN_CARD_LIMIT
    assert blank == 429
