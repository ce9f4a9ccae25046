"""Real SMTP servers on loopback (aiosmtpd), and senders over the test's database."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.mail.config import MailConfig
from pos_desktop.server.mail.message import Mail, queue_mail
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.mail.sender import MailSender
from pos_desktop.server.mail.transport import SmtpTransport, Transport
from tests.fixtures.clock import FakeClock

USER, PASSWORD = "till", "s3cret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Inbox:
    """What a test SMTP server accepted, in order."""

    raw: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_recipients: bool = False

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(data, _class=EmailMessage, policy=default) for data in self.raw]

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes)
        self.raw.append(envelope.original_content)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 OK"


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int
    controller: Controller | None = None

    def start(self, **kwargs: Any) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd then answers the refusal (535) itself.
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A port with nothing listening yet: the test starts the server when it wants it up."""
    server = SmtpServer(Inbox(), free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    """A plain SMTP server, up."""
    smtp_server.start()
    return smtp_server


@pytest.fixture
def smtp_with_login(smtp_server: SmtpServer) -> SmtpServer:
    """An SMTP server that takes mail only after AUTH (plain text allowed: loopback only)."""
    smtp_server.start(auth_required=True, auth_require_tls=False, authenticator=_check_login)
    return smtp_server


@dataclass(frozen=True)
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder: Path = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return Tls(server, client)


def plain_transport(server: SmtpServer, **kwargs: Any) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, security="none", timeout=5, **kwargs)


MakeSender = Callable[..., MailSender]


@pytest.fixture
def make_sender(engine: Engine, clock: FakeClock) -> Iterator[MakeSender]:
    """``make_sender(transport, sealer=..., **MailConfig fields)``; threads stopped at the end."""
    senders: list[MailSender] = []

    def make(transport: Transport, sealer: Sealer | None = None, **config: Any) -> MailSender:
        sender = MailSender(
            make_session_factory(engine),
            transport,
            clock=clock,
            sealer=sealer or Sealer.for_this_run(),
            config=MailConfig(**config),
        )
        senders.append(sender)
        return sender

    yield make
    for sender in senders:
        sender.stop()


def queue(
    engine: Engine,
    clock: FakeClock,
    *,
    to: str = "pat@example.com",
    text: str = "Your card is on its way.",
    sealer: Sealer | None = None,
    kind: str = "egift",
) -> uuid.UUID:
    """One message in the outbox, committed; its id."""
    with make_session_factory(engine)() as db:
        row = queue_mail(
            db,
            Mail(
                kind=kind,
                to=to,
                subject="Your gift card",
                store_name="Corner Shop",
                paragraphs=(text,),
            ),
            clock.now(),
            sealer=sealer,
        )
        db.commit()
        return row.id
