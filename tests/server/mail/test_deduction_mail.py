"""Deduct Funds e-mails as the buyer gets them, over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re

from tests.fixtures.server_world import World
from tests.server.mail.conftest import MakeSender, SmtpServer, plain_transport

SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def test_deduction_mail_code_arrives_works_and_the_confirmation_follows(
    world: World, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """The buyer's code mail holds a 6-digit code that deducts; the confirmation mail then
    says the amount deducted and what is left on the card."""
    card = world.issue_card(50_00, buyer="jordan@example.com")
    sender = make_sender(plain_transport(smtp), sealer=world.sealer)
    sender.run_once()  # the recipient's e-gift mail
    smtp.inbox.raw.clear()

    asked = world.post(f"/giftcards/{card['id']}/deduction-codes", {"amount": {"amount": 12_50}})
    assert asked.status_code == 201, asked.text
    sender.run_once()
    (code_mail,) = smtp.inbox.messages
    assert code_mail["To"] == "jordan@example.com"
    text = code_mail.get_body(("plain",))
    html = code_mail.get_body(("html",))
    assert text is not None and html is not None
    assert "Test Store" in html.get_content()
    found = SIX_DIGITS.search(text.get_content())
    assert found is not None
    assert found.group(1) not in (code_mail["Subject"] or "")

    verified = world.post(
        f"/deduction-codes/{asked.json()['challenge_id']}/verify", {"code": found.group(1)}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["balance_after"]["amount"] == 37_50

    sender.run_once()
    (_, confirmation) = smtp.inbox.messages
    assert confirmation["To"] == "jordan@example.com"
    body = confirmation.get_body(("plain",))
    assert body is not None
    assert "$12.50" in body.get_content()
    assert "$37.50" in body.get_content()
