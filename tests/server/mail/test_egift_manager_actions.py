"""A manager's e-gift actions: resend the e-mail, change the recipient's address; recorded in
the audit log, refused to a cashier, answered once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.egift import (
    audit_entries,
    card_status,
    egift_rows,
    issue_egift,
    move_clock_to,
    send_on_schedule,
    tomorrow_at,
)
from tests.fixtures.server_world import World
from tests.server.mail.conftest import MakeSender, SmtpServer, plain_transport

NEW_ADDRESS = "sam@example.com"


def _resend(world: World, card_id: str, who: str = "manager", key: str = "auto") -> Any:
    return world.post(f"/giftcards/{card_id}/resend", {"reason": "lost in spam"}, who, key)


def _change(
    world: World,
    card_id: str,
    address: str = NEW_ADDRESS,
    who: str = "manager",
    key: str = "auto",
) -> Any:
    body = {"recipient_email": address, "reason": "typo at the counter"}
    return world.post(f"/giftcards/{card_id}/recipient", body, who, key)


def _recipients(smtp: SmtpServer) -> list[list[str]]:
    return [to for _, to in smtp.inbox.envelopes]


def test_egift_resend_sends_a_second_mail(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """Resend on a delivered e-gift: the recipient gets the card's mail a second time."""
    card = world.issue_card(40_00)
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)
    sender.run_once()

    resent = _resend(world, card["id"])
    sender.run_once()

    assert resent.status_code == 200, resent.text
    assert resent.json()["recipient_email"] == "pat@example.com"
    assert _recipients(smtp) == [["pat@example.com"], ["pat@example.com"]]
    first, second = smtp.inbox.messages
    assert first["Subject"] == second["Subject"]
    assert card["number"] in str(second.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_egift_resend_refuses_a_card_not_sent_yet(world: World) -> None:
    """A card still waiting for its time has nothing to resend: 409 egift_not_sent."""
    card = issue_egift(world, tomorrow_at(world, 9))
    send_on_schedule(world, card["id"])

    refused = _resend(world, card["id"])

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "egift_not_sent"
    assert len(egift_rows(world, card["id"])) == 1


def test_egift_resend_refuses_a_voided_card(world: World) -> None:
    """A voided card's e-gift is not sent again: 409 card_not_sendable."""
    card = world.issue_card(40_00)
    assert (
        world.post(f"/giftcards/{card['id']}/void", {"reason": "test"}, who="manager").status_code
        == 200
    )

    refused = _resend(world, card["id"])

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "card_not_sendable"


def test_egift_resend_refuses_a_blocked_card(world: World) -> None:
    """A blocked card's e-gift is not sent again until it is unblocked: 409 card_not_sendable."""
    card = world.issue_card(40_00)
    assert (
        world.post(f"/giftcards/{card['id']}/block", {"reason": "test"}, who="manager").status_code
        == 200
    )

    refused = _resend(world, card["id"])

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "card_not_sendable"
    assert len(egift_rows(world, card["id"])) == 1


def test_egift_recipient_change_before_its_time_sends_to_the_new_address_only(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """Changed before 09:00 tomorrow: at 09:00 the mail goes to the new address, not the old."""
    nine = tomorrow_at(world, 9)
    card = issue_egift(world, nine)
    send_on_schedule(world, card["id"])

    changed = _change(world, card["id"])
    move_clock_to(world, nine)
    make_sender(plain_transport(smtp), sealer=world.sealer).run_once()

    assert changed.status_code == 200, changed.text
    assert changed.json()["mail_due_at"] is not None
    assert _recipients(smtp) == [[NEW_ADDRESS]]
    (message,) = smtp.inbox.messages
    assert message["To"] == NEW_ADDRESS
    assert card_status(world, card["id"]) == "active"


def test_egift_recipient_change_after_sending_does_not_resend(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """On a delivered card the new address is kept but nothing is sent until a resend."""
    card = world.issue_card(40_00)
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)
    sender.run_once()

    changed = _change(world, card["id"])
    tried_after_change = sender.run_once()
    _resend(world, card["id"])
    sender.run_once()

    assert changed.json()["mail_due_at"] is None
    assert changed.json()["card"]["recipient_email"] == NEW_ADDRESS
    assert tried_after_change == 0
    assert _recipients(smtp) == [["pat@example.com"], [NEW_ADDRESS]]


def test_egift_recipient_change_finds_the_card_by_its_new_address(world: World) -> None:
    """After the change the card is found by the new e-mail and no longer by the old one."""
    card = world.issue_card(40_00)

    _change(world, card["id"], "Sam@Example.com")

    found = world.get("/giftcards", recipient_email=NEW_ADDRESS).json()["items"]
    old = world.get("/giftcards", recipient_email="pat@example.com").json()["items"]
    assert [item["id"] for item in found] == [card["id"]]
    assert old == []


def test_egift_recipient_change_to_the_same_address_is_refused(world: World) -> None:
    """The address the card already has: 409 same_recipient_email, nothing recorded."""
    card = world.issue_card(40_00)

    refused = _change(world, card["id"], "PAT@example.com")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "same_recipient_email"
    assert audit_entries(world, "giftcard.recipient_changed") == []


def test_egift_actions_are_in_the_audit_log(world: World) -> None:
    """Each action is logged with the manager, the register, the reason and the addresses."""
    card = world.issue_card(40_00)

    _resend(world, card["id"])
    _change(world, card["id"])

    (resent,) = audit_entries(world, "giftcard.egift_resent")
    (changed,) = audit_entries(world, "giftcard.recipient_changed")
    for entry in (resent, changed):
        assert entry["employee"]["name"] == "Morgan Manager"
        assert entry["register"]["name"] == "Register 1"
        assert entry["target_kind"] == "gift_card"
        assert entry["target_id"] == card["id"]
        assert entry["at"] is not None
    assert resent["changes"] == {"reason": "lost in spam", "sent_to": "pat@example.com"}
    assert changed["changes"] == {
        "reason": "typo at the counter",
        "recipient_email": {"old": "pat@example.com", "new": NEW_ADDRESS},
    }


@pytest.mark.parametrize("action", ["resend", "recipient"])
def test_egift_actions_refuse_a_cashier(world: World, action: str) -> None:
    """A cashier's session gets 403 and the card keeps its address and mail."""
    card = world.issue_card(40_00)

    if action == "resend":
        refused = _resend(world, card["id"], who="cashier")
    else:
        refused = _change(world, card["id"], who="cashier")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert len(egift_rows(world, card["id"])) == 1
    assert world.get(f"/giftcards/{card['id']}").json()["recipient_email"] == "pat@example.com"


@pytest.mark.parametrize("action", ["resend", "recipient"])
def test_egift_actions_need_a_reason(world: World, action: str) -> None:
    """No reason (or a blank one): 422, nothing done."""
    card = world.issue_card(40_00)
    body: dict[str, str] = {"reason": "  "}
    if action == "recipient":
        body["recipient_email"] = NEW_ADDRESS

    refused = world.post(f"/giftcards/{card['id']}/{action}", body, who="manager")

    assert refused.status_code == 422
    assert len(egift_rows(world, card["id"])) == 1


def test_egift_resend_replayed_sends_once(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """The same Idempotency-Key twice: the same answer, one more mail, one audit entry."""
    card = world.issue_card(40_00)

    first = _resend(world, card["id"], key="resend-1")
    second = _resend(world, card["id"], key="resend-1")
    make_sender(plain_transport(smtp), sealer=world.sealer).run_once()

    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert len(smtp.inbox.raw) == 2  # the first delivery and one resend
    assert len(audit_entries(world, "giftcard.egift_resent")) == 1


def test_egift_recipient_change_replayed_changes_once(world: World) -> None:
    """The same key twice: the same answer and one audit entry; another body is refused."""
    card = world.issue_card(40_00)

    first = _change(world, card["id"], key="change-1")
    second = _change(world, card["id"], key="change-1")
    other = _change(world, card["id"], "alex@example.com", key="change-1")

    assert second.content == first.content
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert len(audit_entries(world, "giftcard.recipient_changed")) == 1
