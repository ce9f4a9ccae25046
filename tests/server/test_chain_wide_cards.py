"""Chain-wide cards: a store's setting lets its cards be found and redeemed in every store of
the chain, with the rules of the store where they are used; only their own store changes
them. Over SQLite and PostgreSQL (where a redemption in the card's own store takes the
one-trip function, and one in another store the Python path, on the same row)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Store
from tests.fixtures.deduction_codes import open_challenge, verify_code
from tests.fixtures.server_world import World


def chain_wide(world: World, on: bool = True) -> None:
    """The world's manager turns the Back Office's chain-wide setting on (or off)."""
    changed = world.client.patch(
        "/api/v1/backoffice/store",
        json={"cards_chain_wide": on},
        headers=world.headers("manager"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["cards_chain_wide"] is on


def test_chain_wide_is_off_until_a_manager_turns_it_on(world: World, other_store: World) -> None:
    """A new store's cards are its own; once its manager turns the setting on, another
    store finds the card by number, by id and by recipient e-mail."""
    card = world.issue_card(20_00, recipient="pat@example.com")
    settings = world.get("/backoffice/store", who="manager")
    assert settings.json()["cards_chain_wide"] is False
    assert other_store.lookup(card["number"]).status_code == 404
    chain_wide(world)
    found = other_store.lookup(card["number"])
    assert found.status_code == 200, found.text
    assert found.json()["id"] == card["id"]
    assert other_store.get(f"/giftcards/{card['id']}").json()["balance"]["amount"] == 20_00
    listed = other_store.get("/giftcards", recipient_email="pat@example.com").json()["items"]
    assert [item["id"] for item in listed] == [card["id"]]
    chain_wide(world, on=False)
    assert other_store.lookup(card["number"]).status_code == 404


def test_chain_wide_card_redeems_in_another_store_and_gives_back_there(
    world: World, other_store: World
) -> None:
    """Another store redeems the card (its balance is the one ledger's), and gives its own
    redemption back on its open ticket; the card's own store sees both."""
    card = world.issue_card(20_00)
    chain_wide(world)
    ticket = str(uuid.uuid4())
    paid = other_store.redeem(card["id"], 7_50, number=card["number"], ticket_id=ticket)
    assert paid.status_code == 200, paid.text
    assert paid.json()["balance_after"]["amount"] == 12_50
    assert world.balance(card["id"]) == 12_50
    back = other_store.reverse(paid.json()["activity"]["id"], ticket)
    assert back.status_code == 200, back.text
    assert world.balance(card["id"]) == 20_00
    # The card's own store pays with it too, as ever.
    assert world.redeem(card["id"], 5_00).status_code == 200
    assert other_store.balance(card["id"]) == 15_00


def test_chain_wide_card_redeemed_elsewhere_is_given_back_after_the_setting_goes_off(
    world: World, other_store: World
) -> None:
    """Another store's register paid with the card, then the card's store stopped being
    chain-wide: that register still gives its redemption back on its open ticket (the
    customer's value is not stranded), though the card is no longer found there."""
    card = world.issue_card(20_00)
    chain_wide(world)
    ticket = str(uuid.uuid4())
    paid = other_store.redeem(card["id"], 6_00, number=card["number"], ticket_id=ticket)
    assert paid.status_code == 200, paid.text
    chain_wide(world, on=False)
    assert other_store.lookup(card["number"]).status_code == 404
    back = other_store.reverse(paid.json()["activity"]["id"], ticket)
    assert back.status_code == 200, back.text
    assert world.balance(card["id"]) == 20_00


def test_chain_wide_card_deduct_funds_in_another_store(world: World, other_store: World) -> None:
    """Deduct Funds by e-mailed code works in another store: the code it mails opens the
    deduction there."""
    card = world.issue_card(20_00)
    chain_wide(world)
    challenge_id, code = open_challenge(other_store, card["id"], 4_00)
    deducted = verify_code(other_store, challenge_id, code)
    assert deducted.status_code == 200, deducted.text
    assert world.balance(card["id"]) == 16_00


def test_chain_wide_card_is_changed_only_by_its_own_store(world: World, other_store: World) -> None:
    """Another store's manager may not block, void or send it: the refusal names its store
    rather than calling it unknown; its balance stays."""
    card = world.issue_card(20_00)
    chain_wide(world)
    for action in ("block", "void", "send"):
        refused = other_store.post(
            f"/giftcards/{card['id']}/{action}", {"reason": "test"}, who="manager"
        )
        assert refused.status_code == 409, (action, refused.text)
        error = refused.json()["error"]
        assert error["code"] == "other_stores_card"
        assert "sold at Test Store" in error["message"]
    assert world.balance(card["id"]) == 20_00


def test_chain_wide_card_follows_the_currency_of_the_store_it_is_used_in(
    world: World, other_store: World
) -> None:
    """A store in another currency finds the card but cannot pay in it."""
    card = world.issue_card(20_00)
    chain_wide(world)
    with make_session_factory(world.engine)() as db:
        db.execute(update(Store).where(Store.name == "Other Store").values(currency="EUR"))
        db.commit()
    refused = other_store.redeem(card["id"], 5_00, number=card["number"])
    assert refused.status_code == 422, refused.text
    assert "holds USD, not EUR" in refused.json()["error"]["message"]
    assert world.balance(card["id"]) == 20_00


def test_chain_wide_card_paid_from_two_stores_at_once_pays_its_balance_once(
    world: World, other_store: World
) -> None:
    """Both stores redeem the same card at once (on PostgreSQL one through the one-trip
    function, the other through the Python path): together they pay exactly its balance."""
    card = world.issue_card(50_00)
    chain_wide(world)

    def pay(at: World) -> int:
        return at.redeem(card["id"], 1_00, number=card["number"]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(pay, [world, other_store] * 40))
    assert answers.count(200) == 50
    assert set(answers) == {200, 409}
    assert world.balance(card["id"]) == 0
