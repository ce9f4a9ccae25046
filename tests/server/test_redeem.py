"""Redeeming a gift card on the server: seed 004's rules, enforced where the money lives."""

from __future__ import annotations

import pytest

from pos_desktop.domain.errors import INSUFFICIENT_BALANCE_MESSAGE
from tests.fixtures.server_world import STORE_MAX, World


def test_redeem_pays_amount_and_lowers_balance(world: World) -> None:
    """A redemption within the balance takes exactly the amount and reports the new balance."""
    card = world.issue_card(50_00)

    response = world.redeem(card["id"], 12_50)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["redeemed"] == {"amount": 12_50, "currency": "USD"}
    assert body["tip_covered"]["amount"] == 0
    assert body["balance_after"]["amount"] == 37_50
    assert body["activity"]["kind"] == "redeem"
    assert body["activity"]["employee"]["name"] == "Casey Cashier"
    assert body["activity"]["register"]["name"] == "Register 1"
    assert world.balance(card["id"]) == 37_50


def test_redeem_covers_tip_after_amount_up_to_what_is_left(world: World) -> None:
    """The amount goes first; the tip takes only what is left, so amount + tip <= balance."""
    card = world.issue_card(20_00)

    body = world.redeem(card["id"], 18_00, tip=5_00).json()

    assert body["redeemed"]["amount"] == 18_00
    assert body["tip_covered"]["amount"] == 2_00
    assert body["balance_after"]["amount"] == 0
    assert body["activity"]["tip"]["amount"] == 2_00


def test_redeem_full_tip_when_balance_allows(world: World) -> None:
    """With room left after the amount, the whole tip is covered."""
    card = world.issue_card(30_00)

    body = world.redeem(card["id"], 10_00, tip=3_00).json()

    assert (body["tip_covered"]["amount"], body["balance_after"]["amount"]) == (3_00, 17_00)


def test_redeem_zero_balance_fails_with_seed_message(world: World) -> None:
    """A card at 0.00 refuses with the seed's exact wording."""
    card = world.issue_card(10_00)
    world.redeem(card["id"], 10_00)

    response = world.redeem(card["id"], 1_00)

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "insufficient_balance",
        "message": "Fail: The value to redeem exceeds the balance of the card!",
    }


def test_redeem_over_balance_is_refused_and_moves_nothing(world: World) -> None:
    """More than the balance is refused whole; the balance stays where it was."""
    card = world.issue_card(10_00)

    response = world.redeem(card["id"], 10_01)

    assert response.status_code == 409
    assert response.json()["error"]["message"] == INSUFFICIENT_BALANCE_MESSAGE
    assert world.balance(card["id"]) == 10_00


def test_redeem_pending_card_is_refused_saying_pending(world: World) -> None:
    """A card not yet sent to its recipient cannot pay."""
    card = world.issue_card(10_00, send=False)

    response = world.redeem(card["id"], 1_00)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_not_redeemable"
    assert "pending" in response.json()["error"]["message"]


def test_redeem_blocked_card_is_refused_until_unblocked(world: World) -> None:
    """A manager's block stops redemptions; unblocking lets them through again."""
    card = world.issue_card(10_00)
    assert (
        world.post(f"/giftcards/{card['id']}/block", {"reason": "test"}, who="manager").json()[
            "status"
        ]
        == "blocked"
    )

    refused = world.redeem(card["id"], 1_00)
    world.post(f"/giftcards/{card['id']}/unblock", {"reason": "test"}, who="manager")
    accepted = world.redeem(card["id"], 1_00)

    assert refused.status_code == 409
    assert "blocked" in refused.json()["error"]["message"]
    assert accepted.status_code == 200


def test_redeem_voided_card_is_refused_saying_voided(world: World) -> None:
    """Voiding is final and empties the card."""
    card = world.issue_card(10_00)
    voided = world.post(f"/giftcards/{card['id']}/void", {"reason": "test"}, who="manager").json()

    response = world.redeem(card["id"], 1_00)

    assert (voided["status"], voided["balance"]["amount"]) == ("voided", 0)
    assert response.status_code == 409
    assert "voided" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param({"amount": 0}, id="zero"),
        pytest.param({"amount": -100}, id="negative"),
        pytest.param({"amount": 12.345}, id="more-than-two-decimals"),
        pytest.param({"amount": 12.5}, id="float"),
        pytest.param({"amount": "1250"}, id="string"),
        pytest.param({"amount": True}, id="boolean"),
        pytest.param({"amount": STORE_MAX + 1}, id="above-store-maximum"),
        pytest.param({"amount": 10**30}, id="absurd"),
        pytest.param({"amount": 100, "currency": "EUR"}, id="other-currency"),
        pytest.param({}, id="missing"),
    ],
)
def test_redeem_bad_amount_is_422_invalid_amount(world: World, amount: dict[str, object]) -> None:
    """Each malformed amount is refused with invalid_amount and a readable message."""
    card = world.issue_card(50_00)

    body = {"number": card["number"], "amount": amount}

    response = world.post(f"/giftcards/{card['id']}/redeem", body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_amount"
    assert response.json()["error"]["message"]
    assert world.balance(card["id"]) == 50_00


def test_redeem_negative_tip_is_422(world: World) -> None:
    """A tip cannot take money back."""
    card = world.issue_card(50_00)

    body = {"number": card["number"], "amount": {"amount": 100}, "tip": {"amount": -1}}

    response = world.post(f"/giftcards/{card['id']}/redeem", body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_amount"


def test_redeem_unknown_card_is_404(world: World) -> None:
    """A card id the server never issued is card_not_found, even with a real card's number."""
    card = world.issue_card(50_00)

    response = world.redeem("00000000-0000-4000-8000-000000000000", 1_00, number=card["number"])

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"
    assert world.balance(card["id"]) == 50_00


def test_redeem_without_idempotency_key_is_refused(world: World) -> None:
    """Money never moves without a key the register can replay."""
    card = world.issue_card(50_00)

    body = {"number": card["number"], "amount": {"amount": 100}}

    response = world.post(f"/giftcards/{card['id']}/redeem", body, key=None)

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert world.balance(card["id"]) == 50_00


@pytest.mark.parametrize("currency", ["usd", "US", "DOLLARS"])
def test_redeem_malformed_currency_says_it_is_the_currency(world: World, currency: str) -> None:
    """A currency that is no ISO code is named as the problem, not the amount's cents."""
    card = world.issue_card(50_00)

    body = {"number": card["number"], "amount": {"amount": 100, "currency": currency}}

    response = world.post(f"/giftcards/{card['id']}/redeem", body)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_amount"
    assert error["message"] == "A currency is a three-letter code in capitals, such as USD."
    assert world.balance(card["id"]) == 50_00
