"""Deduct Funds by e-mailed code (seed 000) and the card searches of the Gift Cards window,
against the real app over SQLite and PostgreSQL.

The code is read the way only the mail sender can: from the sealed outbox row, opened with
the app's own sealer.
"""

from __future__ import annotations

import random
import re
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from pos_desktop.domain.deduction import CARD_NOT_SENT_MESSAGE
from pos_desktop.domain.errors import INSUFFICIENT_BALANCE_MESSAGE
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import (
    CardActivity,
    DeductionChallenge,
    GiftCard,
    Store,
)
from tests.fixtures.at_rest import columns_holding
from tests.fixtures.deduction_codes import (
    CODE_IN_MAIL,
    ask_for_code,
    code_in_mail,
    open_challenge,
    plain_text,
    queued_mails,
    resend_code,
    verify_code,
)
from tests.fixtures.server_world import World, another_register


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _wire(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _state(world: World, challenge_id: str) -> str:
    with make_session_factory(world.engine)() as db:
        challenge = db.get(DeductionChallenge, uuid.UUID(challenge_id))
        assert challenge is not None
        return challenge.state


def _deductions(world: World) -> int:
    with make_session_factory(world.engine)() as db:
        count = db.execute(
            select(func.count()).where(CardActivity.kind == "deduct_by_code")
        ).scalar_one()
    return int(count)


def _set_store(world: World, **values: Any) -> None:
    with make_session_factory(world.engine)() as db:
        db.execute(update(Store).values(**values))
        db.commit()


def _second_register(world: World) -> World:
    """Another enrolled register of the same store, with the cashier logged in on it."""
    return another_register(world)


# --- asking for a code -----------------------------------------------------------------------


def test_deduction_codes_request_answers_masked_address_attempts_and_times(world: World) -> None:
    """A cashier's request is answered with where the code went, 3 tries and its deadlines."""
    card = world.issue_card(50_00, buyer="jane.buyer@example.com")
    now = world.clock.now()

    response, code = ask_for_code(world, card["id"], 12_00)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sent_to"] == "j•••@example.com"
    assert body["attempts_left"] == 3
    assert body["expires_at"] == _wire(now + timedelta(minutes=10))
    assert body["resend_after"] == _wire(now + timedelta(seconds=30))
    assert code is not None and re.fullmatch(r"\d{6}", code)
    assert world.balance(card["id"]) == 50_00


def test_deduction_codes_code_mail_is_sealed_and_says_store_amount_card_and_validity(
    world: World,
) -> None:
    """The code mail goes to the buyer, sealed, naming store, amount, card end and validity."""
    card = world.issue_card(50_00, buyer="jane.buyer@example.com")

    ask_for_code(world, card["id"], 12_00)

    (mail,) = queued_mails(world, "deduction_code").values()
    text = plain_text(world.sealer.open(mail.message))
    assert mail.to_address == "jane.buyer@example.com"
    assert mail.sealed and CODE_IN_MAIL.search(text)
    assert "Test Store" in text
    assert "$12.00" in text
    assert f"card ending {card['number'][-4:]}" in text
    assert "10 minutes" in text
    assert "If you did not ask for this, do not share the code." in text
    assert not re.search(r"\d{6}", mail.subject)


@pytest.mark.parametrize(
    ("setting", "to", "sent_to"),
    [
        ("buyer", ["buyer@example.com"], "b•••@example.com"),
        ("recipient", ["pat@example.com"], "p•••@example.com"),
        ("both", ["buyer@example.com", "pat@example.com"], "b•••@example.com, p•••@example.com"),
    ],
)
def test_deduction_codes_go_where_the_store_setting_says(
    world: World, setting: str, to: list[str], sent_to: str
) -> None:
    """Buyer, recipient or both get the same code, and the answer names them masked."""
    _set_store(world, deduction_code_to=setting)
    card = world.issue_card(50_00)

    response, _ = ask_for_code(world, card["id"], 5_00)

    assert response.json()["sent_to"] == sent_to
    mails = queued_mails(world, "deduction_code").values()
    assert sorted(mail.to_address for mail in mails) == to
    assert len({code_in_mail(world, mail) for mail in mails}) == 1


def test_deduction_codes_validity_follows_the_store_setting(world: World) -> None:
    """A store that gives codes 3 minutes says so in the mail and in expires_at."""
    _set_store(world, deduction_code_minutes=3)
    card = world.issue_card(50_00)
    now = world.clock.now()

    response, _ = ask_for_code(world, card["id"], 5_00)

    assert response.json()["expires_at"] == _wire(now + timedelta(minutes=3))
    (mail,) = queued_mails(world, "deduction_code").values()
    assert "3 minutes" in plain_text(world.sealer.open(mail.message))


def test_deduction_codes_pending_card_is_refused_card_not_sent(world: World) -> None:
    """A card not yet sent to its recipient gets no code."""
    card = world.issue_card(50_00, send=False)

    response, code = ask_for_code(world, card["id"], 5_00)

    assert response.status_code == 409
    assert _error(response) == {
        "code": "card_not_sent",
        "message": CARD_NOT_SENT_MESSAGE,
    }
    assert code is None


@pytest.mark.parametrize("action", ["block", "void"])
def test_deduction_codes_blocked_or_voided_card_is_refused(world: World, action: str) -> None:
    """A blocked or voided card cannot pay, so no code is sent for it."""
    card = world.issue_card(50_00)
    assert (
        world.post(
            f"/giftcards/{card['id']}/{action}", {"reason": "test"}, who="manager"
        ).status_code
        == 200
    )

    response, code = ask_for_code(world, card["id"], 5_00)

    assert response.status_code == 409
    assert _error(response)["code"] == "card_not_redeemable"
    assert code is None


def test_deduction_codes_amount_over_balance_is_refused_with_seed_message(world: World) -> None:
    """More than the balance gets no code and the seed's wording."""
    card = world.issue_card(10_00)

    response, code = ask_for_code(world, card["id"], 10_01)

    assert response.status_code == 409
    assert _error(response) == {
        "code": "insufficient_balance",
        "message": INSUFFICIENT_BALANCE_MESSAGE,
    }
    assert code is None


def test_deduction_codes_card_without_address_is_refused_no_code_address(world: World) -> None:
    """A card sold without a buyer e-mail has nowhere to send the code."""
    sold = world.post(
        "/giftcards",
        {"amount": {"amount": 20_00}, "recipient_email": "pat@example.com", "reason": "test"},
        who="manager",
    )
    assert sold.status_code == 201, sold.text
    card = sold.json()
    world.send_card(card["id"])

    response, code = ask_for_code(world, card["id"], 5_00)

    assert response.status_code == 422
    assert _error(response)["code"] == "no_code_address"
    assert "buyer" in _error(response)["message"]
    assert code is None


def test_deduction_codes_unknown_or_other_stores_card_is_404(
    world: World, other_store: World
) -> None:
    """Another store's card is as unknown as a made-up id."""
    card = world.issue_card(50_00)

    theirs = other_store.post(f"/giftcards/{card['id']}/deduction-codes", {"amount": {"amount": 1}})
    made_up = world.post(f"/giftcards/{uuid.uuid4()}/deduction-codes", {"amount": {"amount": 1}})

    assert theirs.status_code == made_up.status_code == 404
    assert _error(theirs)["code"] == "card_not_found"
    assert queued_mails(world, "deduction_code") == {}


# --- verifying -------------------------------------------------------------------------------


def test_deduction_codes_right_code_deducts_and_history_names_employee_and_time(
    world: World,
) -> None:
    """The right code deducts at once; the history shows who did it, where, and when."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    world.clock.advance(minutes=2)

    response = verify_code(world, challenge_id, code)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["redeemed"] == {"amount": 12_00, "currency": "USD"}
    assert body["balance_after"]["amount"] == 38_00
    assert body["activity"]["kind"] == "deduct_by_code"
    detail = world.get(f"/giftcards/{card['id']}").json()
    latest = detail["activities"][0]
    assert latest["kind"] == "deduct_by_code"
    assert latest["amount"]["amount"] == 12_00
    assert latest["employee"]["name"] == "Casey Cashier"
    assert latest["register"]["name"] == "Register 1"
    assert latest["created_at"] == _wire(world.clock.now())
    assert (detail["status"], detail["balance"]["amount"]) == ("used", 38_00)
    assert _state(world, challenge_id) == "deducted"


def test_deduction_codes_deduction_carries_ticket_and_covers_tip_from_what_is_left(
    world: World,
) -> None:
    """Amount first, tip from what is left; the ticket the code was asked for is recorded."""
    card = world.issue_card(50_00)
    ticket_id = str(uuid.uuid4())
    response, code = ask_for_code(world, card["id"], 45_00, tip=8_00, ticket_id=ticket_id)
    assert response.status_code == 201, response.text
    assert code is not None

    body = verify_code(world, response.json()["challenge_id"], code).json()

    assert body["redeemed"]["amount"] == 45_00
    assert body["tip_covered"]["amount"] == 5_00
    assert body["balance_after"]["amount"] == 0
    assert body["activity"]["ticket_id"] == ticket_id


def test_deduction_codes_confirmation_mail_has_amount_and_remaining_balance(world: World) -> None:
    """After the deduction the buyer gets a plain mail with the amount and what is left."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)

    verify_code(world, challenge_id, code)

    (mail,) = queued_mails(world, "deduction_done").values()
    text = plain_text(mail.message)
    assert not mail.sealed
    assert mail.to_address == "buyer@example.com"
    assert "$12.00 was deducted" in text
    assert "Remaining balance: $38.00." in text
    assert f"ending {card['number'][-4:]}" in text


def test_deduction_codes_expired_code_is_refused_and_deducts_nothing(world: World) -> None:
    """Once its time has run out the code is refused as expired, and stays refused."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    world.clock.advance(minutes=10)

    first = verify_code(world, challenge_id, code)
    again = verify_code(world, challenge_id, code)

    assert first.status_code == again.status_code == 410
    assert _error(first)["code"] == _error(again)["code"] == "code_expired"
    assert _state(world, challenge_id) == "expired"
    assert world.balance(card["id"]) == 50_00
    assert queued_mails(world, "deduction_done") == {}


def test_deduction_codes_code_works_until_its_last_second(world: World) -> None:
    """A second before the deadline the code still deducts."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    world.clock.advance(minutes=9, seconds=59)

    assert verify_code(world, challenge_id, code).status_code == 200


def test_deduction_codes_three_wrong_codes_cancel_and_a_fourth_try_is_refused(
    world: World,
) -> None:
    """Two wrong codes leave 2 then 1 tries; the third cancels; even the right code is late."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    wrong = _wrong(code)

    answers = [verify_code(world, challenge_id, wrong) for _ in range(3)]
    fourth = verify_code(world, challenge_id, code)

    assert [a.status_code for a in answers] == [422, 422, 410]
    assert [_error(a)["code"] for a in answers] == ["wrong_code", "wrong_code", "code_cancelled"]
    assert [_error(a)["attempts_left"] for a in answers] == [2, 1, 0]
    assert fourth.status_code == 410
    assert _error(fourth)["code"] == "code_cancelled"
    assert _state(world, challenge_id) == "cancelled"
    assert world.balance(card["id"]) == 50_00


def test_deduction_codes_new_code_for_the_card_kills_the_old_one(world: World) -> None:
    """Asking again cancels the first code (saying a newer one was sent); the new one works."""
    card = world.issue_card(50_00)
    first_id, first_code = open_challenge(world, card["id"], 12_00)
    second_id, second_code = open_challenge(world, card["id"], 10_00)

    old = verify_code(world, first_id, first_code)
    new = verify_code(world, second_id, second_code)

    assert old.status_code == 410
    assert _error(old)["code"] == "code_cancelled"
    assert "newer code" in _error(old)["message"]
    assert _state(world, first_id) == "replaced"
    assert new.status_code == 200
    assert world.balance(card["id"]) == 40_00


def test_deduction_codes_balance_fallen_since_request_cancels_at_verify(world: World) -> None:
    """Too little left at verify: refused, nothing deducted, and the code dies with it."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 40_00)
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(card["id"], 20_00, ticket_id=ticket)
    assert redeemed.status_code == 200

    refused = verify_code(world, challenge_id, code)
    reversal = world.post(
        f"/activities/{redeemed.json()['activity']['id']}/reverse", {"ticket_id": ticket}
    )
    assert reversal.status_code == 200, reversal.text
    later = verify_code(world, challenge_id, code)

    assert refused.status_code == 409
    assert _error(refused) == {
        "code": "insufficient_balance",
        "message": INSUFFICIENT_BALANCE_MESSAGE,
    }
    assert _state(world, challenge_id) == "cancelled"
    assert later.status_code == 410
    assert world.balance(card["id"]) == 50_00
    assert _deductions(world) == 0


def test_deduction_codes_card_blocked_since_request_refuses_at_verify(world: World) -> None:
    """A manager's block between request and verify stops the deduction."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 10_00)
    world.post(f"/giftcards/{card['id']}/block", {"reason": "test"}, who="manager")

    response = verify_code(world, challenge_id, code)

    assert response.status_code == 409
    assert _error(response)["code"] == "card_not_redeemable"
    assert world.balance(card["id"]) == 50_00


def test_deduction_codes_retried_verify_never_deducts_twice(world: World) -> None:
    """The same verify sent again with its key replays the answer; one deduction."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)

    first = verify_code(world, challenge_id, code, key="verify-1")
    again = verify_code(world, challenge_id, code, key="verify-1")

    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert world.balance(card["id"]) == 38_00
    assert _deductions(world) == 1
    assert len(queued_mails(world, "deduction_done")) == 1


def test_deduction_codes_verify_with_a_new_key_after_deducting_is_refused(world: World) -> None:
    """A used code answers code_used (410) to a fresh request; nothing more is deducted."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    verify_code(world, challenge_id, code)

    again = verify_code(world, challenge_id, code)

    assert again.status_code == 410
    assert _error(again)["code"] == "code_used"
    assert world.balance(card["id"]) == 38_00


def test_deduction_codes_racing_verifies_deduct_once(world: World) -> None:
    """Two registers' worth of retries racing with different keys: one deducts."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    answers: list[int] = []

    def verify() -> None:
        answers.append(verify_code(world, challenge_id, code).status_code)

    threads = [threading.Thread(target=verify) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [200, 410, 410, 410]
    assert world.balance(card["id"]) == 38_00


def test_deduction_codes_retried_wrong_code_uses_one_attempt(world: World) -> None:
    """A wrong code retried with its key replays the refusal and costs one try, not two."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    wrong = _wrong(code)

    first = verify_code(world, challenge_id, wrong, key="wrong-1")
    again = verify_code(world, challenge_id, wrong, key="wrong-1")
    next_try = verify_code(world, challenge_id, wrong, key="wrong-2")

    assert first.content == again.content
    assert _error(first)["attempts_left"] == 2
    assert _error(next_try)["attempts_left"] == 1


def test_deduction_codes_verify_from_another_register_is_refused(world: World) -> None:
    """Another register can neither use nor resend the code, and costs it no try."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    elsewhere = _second_register(world)

    refused = verify_code(elsewhere, challenge_id, code)
    resend = elsewhere.post(f"/deduction-codes/{challenge_id}/resend")
    here = verify_code(world, challenge_id, code)

    assert refused.status_code == resend.status_code == 403
    assert _error(refused)["code"] == _error(resend)["code"] == "code_not_yours"
    assert here.status_code == 200
    assert _deductions(world) == 1


def test_deduction_codes_verify_by_another_employee_is_refused(world: World) -> None:
    """The code is bound to the employee who asked: the manager on the same register is not."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)

    response = world.post(f"/deduction-codes/{challenge_id}/verify", {"code": code}, who="manager")

    assert response.status_code == 403
    assert _error(response)["code"] == "code_not_yours"
    assert world.balance(card["id"]) == 50_00


def test_deduction_codes_other_store_cannot_see_the_challenge(
    world: World, other_store: World
) -> None:
    """Another store's register gets 404 for the challenge, on verify and on resend."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)

    verify = verify_code(other_store, challenge_id, code)
    resend = other_store.post(f"/deduction-codes/{challenge_id}/resend")

    assert verify.status_code == resend.status_code == 404
    assert _error(verify)["code"] == "challenge_not_found"
    assert world.balance(card["id"]) == 50_00


def test_deduction_codes_malformed_code_is_422_without_using_a_try(world: World) -> None:
    """Five digits or letters are not a code: refused before they count."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)

    for bad in ("12345", "abcdef", "1234567", ""):
        refused = verify_code(world, challenge_id, bad)
        assert refused.status_code == 422
        assert _error(refused) == {
            "code": "invalid_code",
            "message": "Enter the 6-digit code the customer received.",
            "field": "code",
        }
    assert verify_code(world, challenge_id, code).status_code == 200


def test_deduction_codes_guessing_never_deducts(world: World) -> None:
    """1,000 random wrong codes: 2 refusals, then the challenge is dead, and the real code too."""
    card = world.issue_card(50_00)
    challenge_id, code = open_challenge(world, card["id"], 12_00)
    guesses = random.Random(0)

    statuses = []
    for _ in range(1000):
        guess = f"{guesses.randrange(10**6):06d}"
        if guess != code:
            statuses.append(verify_code(world, challenge_id, guess).status_code)
    last = verify_code(world, challenge_id, code)

    assert statuses[:3] == [422, 422, 410]
    assert set(statuses[3:]) == {410}
    assert last.status_code == 410
    assert world.balance(card["id"]) == 50_00
    assert _deductions(world) == 0


# --- resending and limits --------------------------------------------------------------------


def test_deduction_codes_resend_kills_old_code_resets_tries_and_expiry(world: World) -> None:
    """A resent code gets 3 tries and a fresh validity; the old code is just a wrong code."""
    card = world.issue_card(50_00)
    challenge_id, old_code = open_challenge(world, card["id"], 12_00)
    assert verify_code(world, challenge_id, _wrong(old_code)).status_code == 422
    world.clock.advance(minutes=8)
    resent_at = world.clock.now()

    resent, new_code = resend_code(world, challenge_id)
    assert new_code is not None and new_code != old_code  # 1 in a million: rerun
    world.clock.advance(minutes=5)  # past the first code's 10 minutes, within the new one's
    old = verify_code(world, challenge_id, old_code)
    new = verify_code(world, challenge_id, new_code)

    assert resent.status_code == 200, resent.text
    body = resent.json()
    assert body["challenge_id"] == challenge_id
    assert body["attempts_left"] == 3
    assert body["expires_at"] == _wire(resent_at + timedelta(minutes=10))
    assert body["resend_after"] == _wire(resent_at + timedelta(seconds=30))
    assert old.status_code == 422
    assert (_error(old)["code"], _error(old)["attempts_left"]) == ("wrong_code", 2)
    assert new.status_code == 200
    assert world.balance(card["id"]) == 38_00


def test_deduction_codes_resend_before_cooldown_is_429_with_retry_after(world: World) -> None:
    """The Resend button waits 30 s; early, it is told how long, and the same key works later."""
    card = world.issue_card(50_00)
    challenge_id, _ = open_challenge(world, card["id"], 12_00)
    world.clock.advance(seconds=20)

    early, code = resend_code(world, challenge_id, key="resend-1")
    world.clock.advance(seconds=10)
    later, later_code = resend_code(world, challenge_id, key="resend-1")

    assert early.status_code == 429
    assert _error(early)["code"] == "rate_limited"
    assert _error(early)["retry_after"] == 10
    assert early.headers["Retry-After"] == "10"
    assert code is None
    assert later.status_code == 200, later.text
    assert later_code is not None


def test_deduction_codes_hourly_limit_is_429_then_frees_up(world: World) -> None:
    """Five codes an hour for one card; the sixth waits until the oldest is an hour old."""
    card = world.issue_card(50_00)
    for _ in range(5):
        assert ask_for_code(world, card["id"], 1_00)[0].status_code == 201
        world.clock.advance(minutes=5)

    refused, code = ask_for_code(world, card["id"], 1_00)
    world.clock.advance(minutes=35)
    allowed, _ = ask_for_code(world, card["id"], 1_00)

    assert refused.status_code == 429
    assert _error(refused)["code"] == "rate_limited"
    assert _error(refused)["retry_after"] == 35 * 60
    assert refused.headers["Retry-After"] == str(35 * 60)
    assert code is None
    assert allowed.status_code == 201


def test_deduction_codes_resends_count_toward_the_hourly_limit(world: World) -> None:
    """Resending is sending: one request and four resends use up the card's hour."""
    card = world.issue_card(50_00)
    challenge_id, _ = open_challenge(world, card["id"], 1_00)
    for _ in range(4):
        world.clock.advance(seconds=30)
        assert resend_code(world, challenge_id)[0].status_code == 200
    world.clock.advance(seconds=30)

    resend, _ = resend_code(world, challenge_id)
    request, _ = ask_for_code(world, card["id"], 1_00)

    assert resend.status_code == request.status_code == 429
    assert _error(resend)["retry_after"] == 3600 - 150


@pytest.mark.parametrize(
    ("close", "code"),
    [("wrong", "code_cancelled"), ("expire", "code_expired"), ("deduct", "code_used")],
)
def test_deduction_codes_resend_of_a_closed_challenge_is_410(
    world: World, close: str, code: str
) -> None:
    """A cancelled, expired or used challenge gets no new code."""
    card = world.issue_card(50_00)
    challenge_id, real = open_challenge(world, card["id"], 12_00)
    if close == "wrong":
        for _ in range(3):
            verify_code(world, challenge_id, _wrong(real))
    elif close == "deduct":
        verify_code(world, challenge_id, real)
    world.clock.advance(minutes=11)

    response, sent = resend_code(world, challenge_id)

    assert response.status_code == 410
    assert _error(response)["code"] == code
    assert sent is None


# --- secrets at rest -------------------------------------------------------------------------


def test_deduction_codes_database_never_holds_a_plain_code(world: World) -> None:
    """After request, resend, a wrong try and the deduction, no column holds a code."""
    card = world.issue_card(50_00)
    challenge_id, first = open_challenge(world, card["id"], 12_00)
    world.clock.advance(seconds=30)
    _, second = resend_code(world, challenge_id)
    assert second is not None
    verify_code(world, challenge_id, first if first != second else _wrong(second))
    assert verify_code(world, challenge_id, second).status_code == 200

    # A keyed digest's hex holds any six digits now and then (about once in 16^6 places),
    # and a code cannot be read back from one: digests are no place a code is kept.
    def kept(code: str) -> list[str]:
        return [column for column in columns_holding(world.engine, code) if "_hash" not in column]

    assert kept(first) == []
    assert kept(second) == []
    assert columns_holding(world.engine, card["number"]) == []
    # The scan does find what is there: the buyer's address sits in the clear.
    assert "gift_cards.buyer_email" in columns_holding(world.engine, "buyer@example.com")


# --- searching -------------------------------------------------------------------------------


def test_giftcards_search_by_buyer_email_is_case_insensitive_and_exact(world: World) -> None:
    """The buyer's address finds the cards they bought, whoever received them."""
    mine = [world.issue_card(10_00, buyer="Alex.Buyer@example.com") for _ in range(2)]
    world.issue_card(10_00, buyer="someone@example.com")

    found = world.get("/giftcards", buyer_email=" ALEX.buyer@EXAMPLE.com ").json()["items"]

    assert {item["id"] for item in found} == {card["id"] for card in mine}


def test_giftcards_search_by_last4_finds_cards_ending_so(world: World) -> None:
    """The last 4 digits find the card whose number ends in them."""
    card = world.issue_card(10_00)
    world.issue_card(10_00)

    found = world.get("/giftcards", last4=card["number"][-4:]).json()["items"]

    assert card["id"] in {item["id"] for item in found}
    assert all(item["last4"] == card["number"][-4:] for item in found)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="none"),
        pytest.param({"buyer_email": "a@example.com", "last4": "1234"}, id="two"),
        pytest.param({"recipient_email": "a@example.com", "buyer_email": "a@example.com"}, id="e"),
        pytest.param({"last4": "123"}, id="three-digits"),
        pytest.param({"last4": "12345"}, id="five-digits"),
        pytest.param({"last4": "12a4"}, id="letter"),
        pytest.param({"last4": "١٢٣٤"}, id="non-ascii-digits"),
    ],
)
def test_giftcards_search_needs_exactly_one_valid_criterion(
    world: World, params: dict[str, str]
) -> None:
    """None, two, or a last4 that is not 4 digits: 422 with a message a cashier can read."""
    response = world.get("/giftcards", **params)

    assert response.status_code == 422
    assert _error(response)["code"] == "invalid_search"
    assert _error(response)["message"]


def test_giftcards_search_by_buyer_or_last4_never_shows_another_stores_cards(
    world: World, other_store: World
) -> None:
    """The same buyer and the same last 4 in another store find only that store's cards."""
    mine = world.issue_card(10_00, buyer="shared@example.com")
    theirs = other_store.issue_card(10_00, buyer="shared@example.com")
    with make_session_factory(world.engine)() as db:
        db.execute(
            update(GiftCard)
            .where(GiftCard.id == uuid.UUID(theirs["id"]))
            .values(last4=mine["number"][-4:])
        )
        db.commit()

    by_buyer = world.get("/giftcards", buyer_email="shared@example.com").json()["items"]
    by_last4 = world.get("/giftcards", last4=mine["number"][-4:]).json()["items"]

    assert [item["id"] for item in by_buyer] == [mine["id"]]
    assert theirs["id"] not in {item["id"] for item in by_last4}
    assert mine["id"] in {item["id"] for item in by_last4}
