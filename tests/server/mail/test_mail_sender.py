"""The mail sender: delivery over real SMTP, retries with back-off, sealed mail, give-ups."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from pos_desktop.server.database import make_session_factory
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.mail.transport import MAIL_ID_HEADER, SmtpTransport
from pos_desktop.server.models import MailAttempt, MailOutbox
from tests.fixtures.clock import FakeClock
from tests.fixtures.register import wait_until
from tests.server.mail.conftest import (
    PASSWORD,
    USER,
    MakeSender,
    SmtpServer,
    Tls,
    plain_transport,
    queue,
)

# The login tests' server takes AUTH without TLS, on loopback only.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def outbox_row(engine: Engine, mail_id: uuid.UUID) -> MailOutbox:
    with make_session_factory(engine)() as db:
        row = db.get(MailOutbox, mail_id)
        assert row is not None
        return row


def attempts_of(engine: Engine, mail_id: uuid.UUID) -> list[MailAttempt]:
    with make_session_factory(engine)() as db:
        query = select(MailAttempt).where(MailAttempt.mail_id == mail_id).order_by(MailAttempt.id)
        return list(db.execute(query).scalars())


def test_sender_delivers_with_from_and_date_and_marks_sent(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A due message reaches the SMTP server with the configured From and a Date, once."""
    mail_id = queue(engine, clock)
    sender = make_sender(plain_transport(smtp), mail_from="Corner Shop <gifts@corner.example>")

    tried = sender.run_once()
    again = sender.run_once()

    (message,) = smtp.inbox.messages
    assert (tried, again) == (1, 0)
    assert message["From"] == "Corner Shop <gifts@corner.example>"
    assert message["Date"].datetime == clock.now()
    assert message[MAIL_ID_HEADER] == str(mail_id)
    assert smtp.inbox.envelopes == [("gifts@corner.example", ["pat@example.com"])]
    row = outbox_row(engine, mail_id)
    assert (row.sent_at, row.attempts, row.last_error) == (clock.now(), 1, None)
    assert [attempt.delivered for attempt in attempts_of(engine, mail_id)] == [True]


def test_sender_smtp_down_then_up_delivers_exactly_once(
    engine: Engine, clock: FakeClock, smtp_server: SmtpServer, make_sender: MakeSender
) -> None:
    """Nothing listening: the try is recorded and backed off; once SMTP is up and the back-off
    has passed, the mail arrives, once."""
    start = clock.now()
    mail_id = queue(engine, clock)
    sender = make_sender(plain_transport(smtp_server))

    sender.run_once()
    failed = outbox_row(engine, mail_id)
    smtp_server.start()
    early = sender.run_once()  # up, but the back-off has not passed
    clock.advance(seconds=30)
    sender.run_once()
    clock.advance(hours=2)
    later = sender.run_once()

    assert failed.sent_at is None
    assert failed.next_attempt_at == start + timedelta(seconds=30)
    assert failed.last_error is not None and "Connection refused" in failed.last_error
    assert (early, later) == (0, 0)
    assert len(smtp_server.inbox.raw) == 1
    delivered = outbox_row(engine, mail_id)
    assert (delivered.sent_at, delivered.attempts) == (start + timedelta(seconds=30), 2)
    attempts = attempts_of(engine, mail_id)
    assert [(attempt.delivered, attempt.error is None) for attempt in attempts] == [
        (False, False),
        (True, True),
    ]


def test_sender_backs_off_doubling_up_to_the_longest_wait(
    engine: Engine, clock: FakeClock, smtp_server: SmtpServer, make_sender: MakeSender
) -> None:
    """Waits after failures: 30 s, 60 s, 120 s, ... never more than the longest wait."""
    mail_id = queue(engine, clock)
    sender = make_sender(
        plain_transport(smtp_server), first_retry_seconds=30, longest_retry_seconds=100
    )
    waits = []

    for _ in range(4):
        sender.run_once()
        row = outbox_row(engine, mail_id)
        assert row.next_attempt_at is not None
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.current = row.next_attempt_at

    assert waits == [30, 60, 100, 100]
    assert len(attempts_of(engine, mail_id)) == 4


def test_sender_gives_up_after_the_last_attempt_and_keeps_the_row(
    engine: Engine, clock: FakeClock, smtp_server: SmtpServer, make_sender: MakeSender
) -> None:
    """After max_attempts failures the message is not tried again; last_error says so."""
    mail_id = queue(engine, clock)
    sender = make_sender(plain_transport(smtp_server), max_attempts=2)

    sender.run_once()
    clock.advance(minutes=1)
    sender.run_once()
    smtp_server.start()
    clock.advance(days=2)
    tried_later = sender.run_once()

    row = outbox_row(engine, mail_id)
    assert tried_later == 0
    assert smtp_server.inbox.raw == []
    assert (row.sent_at, row.next_attempt_at, row.attempts) == (None, None, 2)
    assert row.last_error is not None
    assert row.last_error.startswith("given up after 2 tries: SMTP 127.0.0.1")


def test_sender_gives_up_at_once_when_the_recipient_is_refused_for_good(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A 5xx for the recipient is final: no retries pile up on a wrong address."""
    smtp.inbox.refuse_recipients = True
    mail_id = queue(engine, clock, to="nobody@example.com")

    make_sender(plain_transport(smtp)).run_once()

    row = outbox_row(engine, mail_id)
    assert (row.next_attempt_at, row.attempts) == (None, 1)
    assert row.last_error is not None
    assert "given up after 1 try" in row.last_error
    assert "550" in row.last_error


def test_sender_logs_in_when_the_server_requires_it(
    engine: Engine, clock: FakeClock, smtp_with_login: SmtpServer, make_sender: MakeSender
) -> None:
    """With a user and password the sender authenticates and the mail is accepted."""
    mail_id = queue(engine, clock)

    make_sender(plain_transport(smtp_with_login, user=USER, password=PASSWORD)).run_once()

    assert len(smtp_with_login.inbox.raw) == 1
    assert outbox_row(engine, mail_id).sent_at == clock.now()


def test_sender_records_a_refused_login_and_tries_again_later(
    engine: Engine, clock: FakeClock, smtp_with_login: SmtpServer, make_sender: MakeSender
) -> None:
    """A wrong password is a failed try that names the settings to fix, not a give-up."""
    mail_id = queue(engine, clock)

    make_sender(plain_transport(smtp_with_login, user=USER, password="wrong")).run_once()

    row = outbox_row(engine, mail_id)
    assert smtp_with_login.inbox.raw == []
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert row.last_error is not None
    assert "refused the login of 'till'" in row.last_error
    assert "POS_SMTP_PASSWORD" in row.last_error


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_sender_delivers_over_tls(
    engine: Engine,
    clock: FakeClock,
    smtp_server: SmtpServer,
    tls: Tls,
    make_sender: MakeSender,
    security: str,
) -> None:
    """STARTTLS and implicit TLS both verify the server's certificate and deliver."""
    if security == "ssl":
        smtp_server.start(ssl_context=tls.server)
    else:
        smtp_server.start(tls_context=tls.server, require_starttls=True)
    mail_id = queue(engine, clock)
    transport = SmtpTransport(
        "127.0.0.1",
        smtp_server.port,
        security="ssl" if security == "ssl" else "starttls",
        timeout=5,
        ssl_context=tls.client,
    )

    make_sender(transport).run_once()

    assert len(smtp_server.inbox.raw) == 1
    assert outbox_row(engine, mail_id).sent_at == clock.now()


def test_sender_refuses_a_server_certificate_it_does_not_trust(
    engine: Engine, clock: FakeClock, smtp_server: SmtpServer, tls: Tls, make_sender: MakeSender
) -> None:
    """With the default context a self-signed certificate fails the try (no silent plain text)."""
    smtp_server.start(tls_context=tls.server, require_starttls=True)
    mail_id = queue(engine, clock)
    transport = SmtpTransport("127.0.0.1", smtp_server.port, security="starttls", timeout=5)

    make_sender(transport).run_once()

    row = outbox_row(engine, mail_id)
    assert smtp_server.inbox.raw == []
    assert row.last_error is not None and "CERTIFICATE_VERIFY_FAILED" in row.last_error


def test_sender_delivers_a_sealed_message_opened_then_empties_its_body(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """The recipient gets the plain message; the outbox keeps not even the ciphertext."""
    sealer = Sealer.for_this_run()
    mail_id = queue(engine, clock, text="Your code is 482913.", sealer=sealer, kind="code")
    stored = outbox_row(engine, mail_id).message

    make_sender(plain_transport(smtp), sealer=sealer).run_once()

    (message,) = smtp.inbox.messages
    body = message.get_body(("plain",))
    assert body is not None and "Your code is 482913." in body.get_content()
    assert b"482913" not in stored
    row = outbox_row(engine, mail_id)
    assert row.sent_at == clock.now()
    assert row.message == b""


def test_sender_gives_up_a_message_sealed_with_another_key(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A message the key cannot open is given up at once with a clear error, never sent."""
    mail_id = queue(engine, clock, sealer=Sealer.for_this_run(), kind="code")

    make_sender(plain_transport(smtp), sealer=Sealer.for_this_run()).run_once()
    clock.advance(days=1)
    later = make_sender(plain_transport(smtp), sealer=Sealer.for_this_run()).run_once()

    row = outbox_row(engine, mail_id)
    assert later == 0
    assert smtp.inbox.raw == []
    assert (row.sent_at, row.next_attempt_at, row.attempts) == (None, None, 1)
    assert row.last_error is not None
    assert row.last_error.startswith("given up after 1 try: the message was sealed with another")
    assert row.message == b""


def test_sender_takes_the_outbox_in_batches_oldest_first(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """A batch holds at most batch_size messages, the oldest ones."""
    ids = []
    for _ in range(5):
        ids.append(queue(engine, clock))
        clock.advance(seconds=1)
    sender = make_sender(plain_transport(smtp), batch_size=2)

    counts = [sender.run_once() for _ in range(4)]

    assert counts == [2, 2, 1, 0]
    assert [message[MAIL_ID_HEADER] for message in smtp.inbox.messages] == [str(i) for i in ids]


def test_sender_thread_delivers_when_poked_and_stops(
    engine: Engine, clock: FakeClock, smtp: SmtpServer, make_sender: MakeSender
) -> None:
    """Running as a thread with a long poll, a poke makes it send at once; stop() joins it."""
    sender = make_sender(plain_transport(smtp), poll_seconds=600)
    sender.start()

    queue(engine, clock)
    sender.poke()
    wait_until(lambda: bool(smtp.inbox.raw))
    sender.stop()

    assert len(smtp.inbox.raw) == 1
    assert not any(thread.name == "mail-sender" for thread in threading.enumerate())
