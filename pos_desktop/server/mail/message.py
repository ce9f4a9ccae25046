"""A message to send: composed once, with a plain-text and an HTML part in the store's name,
and queued in the caller's transaction so it goes out exactly when the change commits."""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy.orm import Session

from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.models import MailOutbox


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    kind: str  # "egift", "deduction_code", "deduction_done", ...
    to: str
    subject: str
    store_name: str
    paragraphs: tuple[str, ...]  # plain text; each becomes one <p> in the HTML part
    attachments: tuple[Attachment, ...] = ()


def compose(mail: Mail) -> EmailMessage:
    """The message without From and Date: the sender sets those when it delivers."""
    message = EmailMessage()
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="pos-desktop.invalid")
    footer = f"— {mail.store_name}"
    message.set_content("\n\n".join((*mail.paragraphs, footer)) + "\n")
    body = "".join(
        f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in mail.paragraphs
    )
    store = html.escape(mail.store_name)
    message.add_alternative(
        '<!doctype html><html><body style="font-family: sans-serif; color: #111">'
        f'<h2 style="margin: 0 0 16px">{store}</h2>{body}'
        f'<p style="color: #555">{html.escape(footer)}</p></body></html>',
        subtype="html",
    )
    for attachment in mail.attachments:
        main, sub = attachment.content_type.split("/", 1)
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.filename
        )
    return message


def queue_mail(
    db: Session,
    mail: Mail,
    now: datetime,
    *,
    card_id: uuid.UUID | None = None,
    sealer: Sealer | None = None,
) -> MailOutbox:
    """Add ``mail`` to the outbox in ``db``'s transaction; with ``sealer``, sealed (it holds a
    secret that must not sit in the database readable)."""
    data = compose(mail).as_bytes()
    row = MailOutbox(
        id=uuid.uuid4(),
        kind=mail.kind,
        to_address=mail.to,
        subject=mail.subject,
        message=sealer.seal(data) if sealer is not None else data,
        sealed=sealer is not None,
        card_id=card_id,
        created_at=now,
        attempts=0,
    )
    db.add(row)
    return row
