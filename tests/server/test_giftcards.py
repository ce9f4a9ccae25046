"""Selling, sending, finding and reading gift cards."""

from __future__ import annotations

import uuid
from email import message_from_bytes
from email.policy import default

from sqlalchemy import select

from pos_desktop.domain.card_number import is_valid_card_number
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import GiftCard, MailOutbox
from tests.fixtures.server_world import World


def test_giftcards_issue_returns_full_number_once_and_pending(world: World) -> None:
    """A sale answers with the full number; every later read shows only the last 4."""
    card = world.issue_card(25_00, send=False)

    later = world.get(f"/giftcards/{card['id']}").json()

    assert is_valid_card_number(card["number"])
    assert card["status"] == "pending"
    assert card["balance"] == {"amount": 25_00, "currency": "USD"}
    assert "number" not in later
    assert later["number_masked"] == f"•••• {card['number'][-4:]}"
    assert later["last4"] == card["number"][-4:]


def test_giftcards_send_activates_and_queues_recipient_mail(world: World) -> None:
    """Sending makes the card active and queues the e-gift mail in the same transaction."""
    card = world.issue_card(25_00, send=False, recipient="Pat@Example.com")

    sent = world.post(
        f"/giftcards/{card['id']}/send", {"reason": "customer asked"}, who="manager"
    ).json()

    assert sent["status"] == "active"
    assert sent["sent_at"] is not None
    with make_session_factory(world.engine)() as db:
        mail = db.execute(select(MailOutbox)).scalar_one()
    assert mail.to_address == "pat@example.com"
    # It carries the full number, so it waits in the outbox sealed.
    assert mail.sealed
    message = world.sealer.open(mail.message)
    text = message_from_bytes(message, policy=default).get_body(("plain",))
    assert text is not None
    assert card["number"] in text.get_content()
    assert "$25.00" in text.get_content()


def test_giftcards_status_becomes_used_after_redeem_and_active_after_reverse(world: World) -> None:
    """Used means a deduction stands; reversing it makes the card active again."""
    card = world.issue_card(25_00)
    ticket = str(uuid.uuid4())
    redemption = world.redeem(card["id"], 5_00, ticket_id=ticket).json()
    used = world.get(f"/giftcards/{card['id']}").json()["status"]

    reversal = world.post(
        f"/activities/{redemption['activity']['id']}/reverse", {"ticket_id": ticket}
    )

    assert reversal.status_code == 200, reversal.text
    assert used == "used"
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "active"


def test_giftcards_search_by_recipient_email_is_case_insensitive_and_exact(world: World) -> None:
    """Finding cards by recipient e-mail ignores case but not other addresses."""
    mine = [world.issue_card(10_00, recipient="alex.morgan@example.com") for _ in range(2)]
    world.issue_card(10_00, recipient="someone.else@example.com")
    world.issue_card(10_00, recipient="alex.morgan@example.com.evil")

    found = world.get("/giftcards", recipient_email="  ALEX.Morgan@Example.COM ").json()["items"]

    assert {item["id"] for item in found} == {card["id"] for card in mine}
    assert all(item["number_masked"].startswith("••••") for item in found)


def test_giftcards_search_finds_nothing_for_unknown_email(world: World) -> None:
    """An address with no cards gives an empty list, not an error."""
    assert world.get("/giftcards", recipient_email="nobody@example.com").json() == {"items": []}


def test_giftcards_lookup_by_number(world: World) -> None:
    """The full number, even typed with spaces, finds its card."""
    card = world.issue_card(10_00)
    spaced = " ".join(card["number"][i : i + 4] for i in range(0, 16, 4))

    found = world.lookup(spaced)

    assert found.status_code == 200
    assert found.json()["id"] == card["id"]


def test_giftcards_lookup_mistyped_digit_is_422_not_404(world: World) -> None:
    """A number that fails its check digit is a typing error, not an unknown card."""
    card = world.issue_card(10_00)
    wrong = card["number"][:-1] + str((int(card["number"][-1]) + 1) % 10)

    response = world.lookup(wrong)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_card_number"


def test_giftcards_lookup_unknown_number_is_404(world: World) -> None:
    """A valid-looking number the server never issued is card_not_found."""
    response = world.lookup("6035718492055184")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"


def test_giftcards_unknown_id_is_404(world: World) -> None:
    """Reading a card that does not exist is card_not_found."""
    response = world.get(f"/giftcards/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"


def test_giftcards_history_is_newest_first_with_employee_and_register(world: World) -> None:
    """The transaction history lists every activity, newest first, naming who and where."""
    card = world.issue_card(30_00)
    world.clock.advance(minutes=5)
    ticket = str(uuid.uuid4())
    world.redeem(card["id"], 10_00, tip=1_00, ticket_id=ticket)

    detail = world.get(f"/giftcards/{card['id']}").json()

    kinds = [activity["kind"] for activity in detail["activities"]]
    assert kinds == ["redeem", "activate", "issue"]
    newest = detail["activities"][0]
    assert newest["employee"]["name"] == "Casey Cashier"
    assert newest["register"]["name"] == "Register 1"
    assert newest["ticket_id"] == ticket
    assert (newest["amount"]["amount"], newest["tip"]["amount"]) == (10_00, 1_00)
    assert newest["balance_after"]["amount"] == 19_00
    assert newest["created_at"] > detail["activities"][1]["created_at"]


def test_giftcards_issue_bad_email_is_422(world: World) -> None:
    """A malformed e-mail is refused with a message naming the field."""
    response = world.post(
        "/giftcards",
        {"amount": {"amount": 10_00}, "recipient_email": "not-an-email", "reason": "test"},
        who="manager",
    )

    assert response.status_code == 422
    assert "recipient_email" in response.json()["error"]["message"]


def test_giftcards_send_without_recipient_is_refused(world: World) -> None:
    """A card with nowhere to go cannot be sent, and stays pending."""
    card = world.post(
        "/giftcards", {"amount": {"amount": 10_00}, "reason": "test"}, who="manager"
    ).json()

    response = world.post(f"/giftcards/{card['id']}/send", {"reason": "test"}, who="manager")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_recipient_email"
    assert world.get(f"/giftcards/{card['id']}").json()["status"] == "pending"


def test_giftcards_numbers_are_stored_unique_and_valid(world: World) -> None:
    """Every card sold gets its own Luhn-valid number, stored as its keyed hash and sealed."""
    numbers = [world.issue_card(1_00, send=False)["number"] for _ in range(20)]

    with make_session_factory(world.engine)() as db:
        stored = db.execute(select(GiftCard.number_hash, GiftCard.number_sealed)).all()
    assert len(set(numbers)) == 20
    assert all(is_valid_card_number(number) for number in numbers)
    assert {hashed for hashed, _ in stored} == {world.keys.numbers.lookup_hash(n) for n in numbers}
    assert {world.keys.numbers.open(sealed) for _, sealed in stored} == set(numbers)
