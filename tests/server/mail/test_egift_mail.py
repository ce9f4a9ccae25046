"""The e-gift e-mail as the recipient gets it: over SMTP, with text, HTML and the card PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pos_desktop.server.mail.egift_pdf import grouped
from tests.fixtures.server_world import World
from tests.server.mail.conftest import MakeSender, SmtpServer, plain_transport


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "card.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603 (poppler's pdftotext on our own file)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_egift_mail_arrives_with_text_html_and_the_card_pdf(
    world: World, smtp: SmtpServer, make_sender: MakeSender, tmp_path: Path
) -> None:
    """Sending a card delivers a mail whose parts carry the store, amount, message and a PDF
    of the card with its number."""
    body = {
        "amount": {"amount": 25_00},
        "recipient_email": "pat@example.com",
        "recipient_name": "Pat",
        "message": "Happy birthday, Pat!",
        "reason": "test",
    }
    card = world.post("/giftcards", body, who="manager").json()
    world.send_card(card["id"])

    make_sender(plain_transport(smtp), sealer=world.sealer).run_once()

    (message,) = smtp.inbox.messages
    assert message["To"] == "pat@example.com"
    assert message["Subject"] == "Your Test Store gift card"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    for content in (text.get_content(), html.get_content()):
        assert "Test Store" in content
        assert "$25.00" in content
        assert card["number"] in content
        assert "Happy birthday, Pat!" in content
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "gift-card.pdf"
    assert attachment.get_content_type() == "application/pdf"
    printed = pdf_text(attachment.get_content(), tmp_path)
    assert grouped(card["number"]) in printed
    assert "$25.00" in printed
    assert "Test Store" in printed
    assert "For Pat" in printed
    assert "Happy birthday, Pat!" in printed


def test_egift_grouped_prints_the_number_in_fours() -> None:
    """The PDF shows the number as the plastic cards do."""
    assert grouped("6035718492055184") == "6035 7184 9205 5184"
