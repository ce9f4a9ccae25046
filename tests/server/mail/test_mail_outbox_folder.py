"""Without an SMTP server, mail becomes .eml files in the data folder's outbox."""

from __future__ import annotations

import logging
import time
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pos_desktop.server.config import ServerConfig
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.mail.config import MailConfig
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.mail.sender import sender_for
from pos_desktop.server.mail.transport import EmlFolderTransport, SmtpTransport, make_transport
from pos_desktop.server.models import MailOutbox
from tests.fixtures.checkout import issue_active_card
from tests.fixtures.clock import FakeClock
from tests.fixtures.server_process import cli, cli_environment, serve
from tests.server.mail.conftest import MakeSender, queue


def test_outbox_folder_writes_each_message_as_an_eml_file_and_logs_it(
    engine: Engine, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With no POS_SMTP_HOST the message lands in <data>/outbox and the log names the file."""
    mail_id = queue(engine, clock, text="Your card is on its way.")
    sender = sender_for(
        engine, tmp_path, clock=clock, sealer=Sealer.for_this_run(), config=MailConfig()
    )

    with caplog.at_level(logging.INFO, logger="pos_desktop.server.mail"):
        sender.run_once()

    (path,) = (tmp_path / "outbox").iterdir()
    assert path.name == f"20261120T150000Z-egift-{mail_id}.eml"
    assert str(path) in caplog.text
    message = message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=default)
    body = message.get_body(("plain",))
    assert body is not None and "Your card is on its way." in body.get_content()
    with make_session_factory(engine)() as db:
        row = db.get(MailOutbox, mail_id)
        assert row is not None and row.sent_at == clock.now()


class _Crash(BaseException):
    """The process dying: not an error the sender records."""


class _DeliverThenCrash(EmlFolderTransport):
    def deliver(self, message: EmailMessage) -> None:
        super().deliver(message)
        raise _Crash


def test_outbox_folder_delivered_again_keeps_one_copy_of_the_message(
    engine: Engine, clock: FakeClock, tmp_path: Path, make_sender: MakeSender
) -> None:
    """A sender that died between delivering and recording sends the message again once its
    claim runs out; the folder then holds the later copy only, not two."""
    mail_id = queue(engine, clock)
    with pytest.raises(_Crash):
        make_sender(_DeliverThenCrash(tmp_path / "outbox"), claim_seconds=60).run_once()
    assert len(list((tmp_path / "outbox").iterdir())) == 1
    clock.advance(seconds=61)

    tried = make_sender(EmlFolderTransport(tmp_path / "outbox")).run_once()

    (path,) = (tmp_path / "outbox").iterdir()
    assert tried == 1
    assert path.name == f"20261120T150101Z-egift-{mail_id}.eml"


def test_make_transport_uses_smtp_only_when_a_host_is_set(tmp_path: Path) -> None:
    """A host picks SMTP with its settings; none picks the outbox folder."""
    smtp = make_transport(MailConfig(smtp_host="mail.example.com", smtp_port=2525), tmp_path)
    folder = make_transport(MailConfig(), tmp_path / "outbox")

    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.security) == ("mail.example.com", 2525, "starttls")
    assert isinstance(folder, EmlFolderTransport)
    assert folder.folder == tmp_path / "outbox"


def test_embedded_server_with_a_data_folder_sends_mail_beside_the_app(tmp_path: Path) -> None:
    """The register's embedded server runs a sender: a sent card's mail appears in the outbox
    folder, sealed mail uses the key file in the data folder."""
    config = ServerConfig(mail=MailConfig(poll_seconds=0.1))
    server = EmbeddedServer(
        f"sqlite:///{tmp_path / 'server.sqlite3'}", config=config, data_dir=tmp_path
    )
    server.start()
    outbox = tmp_path / "outbox"
    try:
        token = server.enroll_local_register("Front").token
        card = issue_active_card(server, token, 30_00)
        deadline = time.monotonic() + 15
        # The demo data may queue mail of its own: wait for this card's.
        while not any(card.number in path.read_text() for path in outbox.glob("*-egift-*.eml")):
            assert time.monotonic() < deadline, "the card's mail did not appear in the outbox"
            time.sleep(0.05)
    finally:
        server.stop()

    assert (tmp_path / "server.key").exists()


def test_standalone_server_sends_queued_mail_while_it_serves(tmp_path: Path) -> None:
    """``serve`` runs a sender beside the app: the demo cards' queued mail goes to the outbox
    of POS_DATA_DIR, sealed with its server.key."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    env = cli_environment(POS_DATA_DIR=str(tmp_path / "data"), POS_DATABASE_URL=url)
    # The e-gift mail is sealed with the key of the data folder the CLI runs with.
    assert cli("demo-data", env=env).returncode == 0
    outbox = tmp_path / "data" / "outbox"

    with serve((), tmp_path / "serve.log", env=env) as server:
        deadline = time.monotonic() + 30
        while not any(outbox.glob("*-egift-*.eml")):
            assert time.monotonic() < deadline, f"no mail in {outbox}:\n{server.log()}"
            time.sleep(0.1)

    assert (tmp_path / "data" / "server.key").exists()
