"""A chain server holds many stores: a register sees and moves only its own store's cards."""

from __future__ import annotations

import uuid

from tests.fixtures.server_world import World


def test_store_isolation_lookup_and_search_do_not_cross_stores(
    world: World, other_store: World
) -> None:
    """Another store's card is unknown by number, by id and by recipient e-mail."""
    card = world.issue_card(20_00, recipient="pat@example.com")
    looked_up = other_store.lookup(card["number"])
    assert looked_up.status_code == 404
    assert looked_up.json()["error"]["code"] == "card_not_found"
    assert other_store.get(f"/giftcards/{card['id']}").status_code == 404
    found = other_store.get("/giftcards", recipient_email="pat@example.com")
    assert found.status_code == 200 and found.json()["items"] == []


def test_store_isolation_no_store_moves_another_stores_money(
    world: World, other_store: World
) -> None:
    """Redeem, send, block and void of another store's card are refused, even with its
    number and by a manager; its balance stays."""
    card = world.issue_card(20_00, send=False)
    assert other_store.redeem(card["id"], 5_00, number=card["number"]).status_code == 404
    sent = other_store.post(f"/giftcards/{card['id']}/send", {"reason": "test"}, who="manager")
    assert sent.status_code == 404
    for action in ("block", "void"):
        refused = other_store.post(
            f"/giftcards/{card['id']}/{action}", {"reason": "test"}, who="manager"
        )
        assert refused.status_code == 404, action
    world.send_card(card["id"])
    assert world.balance(card["id"]) == 20_00


def test_store_isolation_no_store_reverses_another_stores_redemption(
    world: World, other_store: World
) -> None:
    """A redemption is given back only by its own store, even naming its ticket."""
    card = world.issue_card(20_00)
    ticket = str(uuid.uuid4())
    redeemed = world.redeem(card["id"], 5_00, ticket_id=ticket)
    assert redeemed.status_code == 200, redeemed.text
    activity = redeemed.json()["activity"]["id"]
    assert other_store.reverse(activity, ticket).status_code == 404
    assert world.balance(card["id"]) == 15_00
