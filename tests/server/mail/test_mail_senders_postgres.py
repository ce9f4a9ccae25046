"""Two servers on one PostgreSQL run a sender each; no message goes out twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from pos_desktop.server.database import make_engine, make_session_factory, migrate
from pos_desktop.server.mail.config import MailConfig
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.mail.sender import MailSender
from pos_desktop.server.mail.transport import MAIL_ID_HEADER
from pos_desktop.server.models import MailAttempt, MailOutbox
from tests.fixtures.clock import FakeClock
from tests.fixtures.databases import empty_all_tables
from tests.server.mail.conftest import SmtpServer, plain_transport, queue

pytestmark = pytest.mark.postgres

MESSAGES = 60


@pytest.fixture
def postgres_engines(postgres_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one migrated, empty PostgreSQL database: two server processes."""
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    migrate(first)
    empty_all_tables(first)
    yield first, second
    first.dispose()
    second.dispose()


def test_two_senders_on_postgresql_never_deliver_a_message_twice(
    postgres_engines: tuple[Engine, Engine], smtp: SmtpServer
) -> None:
    """Racing over one outbox, two senders deliver every message exactly once between them."""
    clock = FakeClock()
    sealer = Sealer.for_this_run()
    for _ in range(MESSAGES):
        queue(postgres_engines[0], clock)
    senders = [
        MailSender(
            make_session_factory(engine),
            plain_transport(smtp),
            clock=clock,
            sealer=sealer,
            config=MailConfig(batch_size=3),
        )
        for engine in postgres_engines
    ]
    start = threading.Barrier(len(senders))
    tried: Counter[int] = Counter()

    def drain(index: int) -> None:
        start.wait()
        while count := senders[index].run_once():
            tried[index] += count

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(len(senders))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    delivered = Counter(message[MAIL_ID_HEADER] for message in smtp.inbox.messages)
    assert len(delivered) == MESSAGES
    assert set(delivered.values()) == {1}
    assert sum(tried.values()) == MESSAGES
    assert all(tried[i] > 0 for i in range(len(senders))), f"one sender did it all: {tried}"
    with make_session_factory(postgres_engines[0])() as db:
        assert db.scalar(select(func.count()).select_from(MailAttempt)) == MESSAGES
        unsent = select(func.count()).where(MailOutbox.sent_at.is_(None))
        assert db.scalar(unsent) == 0
