"""An e-gift sold for a later time reaches its recipient then, over SMTP, and only then
becomes active; a card with no time (or a manager's Send) goes at once, as before."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.fixtures.egift import (
    card_status,
    egift_rows,
    issue_egift,
    move_clock_to,
    send_on_schedule,
    tomorrow_at,
)
from tests.fixtures.server_world import World
from tests.server.mail.conftest import MakeSender, SmtpServer, plain_transport


def _activations(world: World, card_id: str) -> list[dict[str, object]]:
    detail = world.get(f"/giftcards/{card_id}").json()
    return [activity for activity in detail["activities"] if activity["kind"] == "activate"]


def test_egift_schedule_sends_nothing_before_its_time(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A card for tomorrow 09:00 store time: at 08:59 no mail has gone and it is pending."""
    nine = tomorrow_at(world, 9)
    card = issue_egift(world, nine)
    send_on_schedule(world, card["id"])
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)

    tried_now = sender.run_once()
    move_clock_to(world, nine - timedelta(minutes=1))
    tried_before = sender.run_once()

    assert (tried_now, tried_before) == (0, 0)
    assert smtp.inbox.raw == []
    assert card_status(world, card["id"]) == "pending"


def test_egift_schedule_sends_at_its_time_and_activates(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """At tomorrow 09:00 store time the recipient gets the card and it becomes active then."""
    nine = tomorrow_at(world, 9)
    card = issue_egift(world, nine)
    send_on_schedule(world, card["id"])
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)

    move_clock_to(world, nine)
    tried = sender.run_once()

    (message,) = smtp.inbox.messages
    assert tried == 1
    assert message["To"] == "pat@example.com"
    assert card["number"] in str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    detail = world.get(f"/giftcards/{card['id']}").json()
    assert detail["status"] == "active"
    assert datetime.fromisoformat(detail["sent_at"]) == nine
    (activation,) = _activations(world, card["id"])
    assert activation["employee"] is None


def test_egift_schedule_in_the_past_sends_at_once(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A time already passed (or none) keeps the old way: active at once, mail goes now."""
    card = issue_egift(world, None)
    send_on_schedule(world, card["id"])

    assert card_status(world, card["id"]) == "active"
    make_sender(plain_transport(smtp), sealer=world.sealer).run_once()
    assert [to for _, to in smtp.inbox.envelopes] == [["pat@example.com"]]


def test_egift_schedule_manager_send_delivers_now_and_once(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A manager's Send on a scheduled card delivers it now; its time then sends nothing more."""
    nine = tomorrow_at(world, 9)
    card = issue_egift(world, nine)
    send_on_schedule(world, card["id"])
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)

    world.send_card(card["id"])
    sender.run_once()
    move_clock_to(world, nine)
    later = sender.run_once()

    assert card_status(world, card["id"]) == "active"
    assert len(smtp.inbox.raw) == 1
    assert later == 0
    assert len(_activations(world, card["id"])) == 1


def test_egift_schedule_twice_queues_one_mail(world: World) -> None:
    """Completing the sale twice (a replay) leaves one e-gift mail waiting, not two."""
    card = issue_egift(world, tomorrow_at(world, 9))

    send_on_schedule(world, card["id"])
    send_on_schedule(world, card["id"])

    (row,) = egift_rows(world, card["id"])
    assert row.next_attempt_at == tomorrow_at(world, 9)


def test_egift_schedule_voided_card_is_never_sent(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A card voided before its time: its mail is given up, not delivered."""
    nine = tomorrow_at(world, 9)
    card = issue_egift(world, nine)
    send_on_schedule(world, card["id"])
    assert (
        world.post(f"/giftcards/{card['id']}/void", {"reason": "test"}, who="manager").status_code
        == 200
    )

    move_clock_to(world, nine)
    make_sender(plain_transport(smtp), sealer=world.sealer).run_once()

    assert smtp.inbox.raw == []
    assert card_status(world, card["id"]) == "voided"
    (row,) = egift_rows(world, card["id"])
    assert row.sent_at is None
    assert row.last_error is not None and "voided" in row.last_error
