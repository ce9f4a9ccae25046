"""Where finished messages go: an SMTP server, or .eml files when the store has none."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import smtplib
import ssl
import tempfile
from datetime import UTC
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from pos_desktop.config import SmtpSecurity
from pos_desktop.server.mail.config import MailConfig

log = logging.getLogger(__name__)

# The sender names each message with these, so a delivered copy leads back to its outbox row.
MAIL_ID_HEADER = "X-POS-Mail-Id"
MAIL_KIND_HEADER = "X-POS-Mail-Kind"


class DeliveryFailed(Exception):
    """The message was not delivered. ``permanent``: trying again will not help (the server
    refused the recipient or the message for good)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Transport(Protocol):
    def deliver(self, message: EmailMessage) -> None:
        """Hand ``message`` on, or raise ``DeliveryFailed``."""

    def close(self) -> None:
        """Let go of what was held between messages (the sender calls it after each batch)."""


class SmtpTransport:
    """One connection for the messages of a batch, opened at the first and closed by
    ``close()``; a failure drops it, so the next message starts on a fresh one."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: SmtpSecurity = "starttls",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self._password = password
        self.timeout = timeout
        self._ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def deliver(self, message: EmailMessage) -> None:
        try:
            smtp = self._smtp or self._connect()
            self._smtp = smtp
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(
                f"{self._where()} refused the recipient: {_replies(exc.recipients)}",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except smtplib.SMTPDataError as exc:
            self._drop()
            raise DeliveryFailed(
                f"{self._where()} refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise DeliveryFailed(
                f"{self._where()} refused the login of {self.user!r} "
                f"(POS_SMTP_USER / POS_SMTP_PASSWORD): {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, TLS, protocol
            self._drop()
            raise DeliveryFailed(f"{self._where()}: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self._smtp is None:
            return
        # The messages went already; a rude goodbye loses nothing.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self._smtp.quit()
        self._drop()

    def _connect(self) -> smtplib.SMTP:
        context = self._ssl_context or ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None

    def _where(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _replies(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{to}: {code} {_text(text)}" for to, (code, text) in recipients.items())


class EmlFolderTransport:
    """Each message as ``<time>-<kind>-<id>.eml`` in ``folder``, for a store trying the product
    without a mail server: any mail program opens them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, message: EmailMessage) -> None:
        stamp, ident = self._name(message)
        path = self.folder / f"{stamp}-{ident}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader never sees half a message.
            with tempfile.NamedTemporaryFile(
                "wb", dir=self.folder, prefix=".", suffix=".tmp", delete=False
            ) as out:
                out.write(message.as_bytes())
                out.flush()
                os.fsync(out.fileno())
            os.replace(out.name, path)
            # A message delivered again (its sender died before recording the first delivery)
            # carries a later Date: the new copy replaces the old one instead of adding one.
            earlier = self.folder.glob(f"*-{ident}.eml") if message[MAIL_ID_HEADER] else ()
            for copy in earlier:
                if copy != path:
                    copy.unlink(missing_ok=True)
        except OSError as exc:
            raise DeliveryFailed(f"could not write {path}: {exc}") from exc
        log.info("mail written to %s (no SMTP server set: POS_SMTP_HOST)", path)

    def close(self) -> None:
        pass

    @staticmethod
    def _name(message: EmailMessage) -> tuple[str, str]:
        """The file name's parts: the Date stamp, and ``<kind>-<id>``, the same for each
        delivery of one message."""
        stamp = "undated"
        if message["Date"]:
            when = parsedate_to_datetime(message["Date"])
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
            stamp = when.strftime("%Y%m%dT%H%M%SZ")
        kind = message[MAIL_KIND_HEADER] or "mail"
        ident = message[MAIL_ID_HEADER] or message["Message-ID"] or "unknown"
        # Header values come from the database; keep them to file-name-safe characters.
        safe = "-".join(
            re.sub(r"[^A-Za-z0-9_.-]+", "_", part).strip("_.") for part in (kind, ident)
        )
        return stamp, safe


def make_transport(config: MailConfig, outbox_folder: Path) -> Transport:
    """SMTP when the store named a host, else .eml files in ``outbox_folder``."""
    if config.smtp_host:
        password = config.smtp_password.get_secret_value() if config.smtp_password else None
        return SmtpTransport(
            config.smtp_host,
            config.smtp_port,
            security=config.smtp_security,
            user=config.smtp_user,
            password=password,
            timeout=config.smtp_timeout_seconds,
        )
    log.info("no SMTP server set (POS_SMTP_HOST): mail is written to %s", outbox_folder)
    return EmlFolderTransport(outbox_folder)
