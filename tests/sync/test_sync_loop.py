"""The sync loop: push then pull each round, at once when woken, and stop on request.

Intervals are an hour, so a round that happens during a test can only come from ``start`` or
``wake``; tests wait on call counts with a deadline, never on the clock.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from pos_desktop.contracts import MoneyBody, Ticket
from pos_desktop.db import outbox
from pos_desktop.db.catalog import CatalogChange
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.sync.background import SyncLoop
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerUnreachable
from pos_desktop.sync.relay import OutboxRelay

AN_HOUR = 3600.0
DEADLINE_SECONDS = 10.0


class Calls:
    """Counts the calls of ``action`` and lets a test wait until a count is reached."""

    def __init__(self, name: str, log: list[str], action: Callable[[int], object]) -> None:
        self.name = name
        self.count = 0
        self._log = log
        self._action = action
        self._condition = threading.Condition()

    def __call__(self) -> object:
        try:
            return self._action(self.count)
        finally:
            with self._condition:
                self._log.append(self.name)
                self.count += 1
                self._condition.notify_all()

    def wait_for(self, count: int) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: self.count >= count, DEADLINE_SECONDS)


class FakeRelay:
    def __init__(self, log: list[str], action: Callable[[int], object] = lambda _: 0) -> None:
        self.push_once = Calls("push", log, action)


class FakeCatalog:
    def __init__(
        self, log: list[str], action: Callable[[int], object] = lambda _: CatalogChange()
    ) -> None:
        self.pull_once = Calls("pull", log, action)


@contextmanager
def running(loop: SyncLoop) -> Iterator[SyncLoop]:
    loop.start()
    try:
        yield loop
    finally:
        loop.stop(timeout=DEADLINE_SECONDS)


def test_sync_loop_first_round_pushes_then_pulls() -> None:
    """Starting runs a round at once, pushing before pulling."""
    log: list[str] = []
    relay, catalog = FakeRelay(log), FakeCatalog(log)

    with running(SyncLoop(relay, catalog, interval_seconds=AN_HOUR)):
        assert catalog.pull_once.wait_for(1)

    assert log[:2] == ["push", "pull"]


def test_sync_loop_wake_runs_a_round_at_once() -> None:
    """wake() runs another round without waiting for the interval."""
    log: list[str] = []
    relay, catalog = FakeRelay(log), FakeCatalog(log)

    with running(SyncLoop(relay, catalog, interval_seconds=AN_HOUR)) as loop:
        assert catalog.pull_once.wait_for(1)
        loop.wake()
        assert relay.push_once.wait_for(2)


def test_sync_loop_stop_ends_the_thread() -> None:
    """stop() ends a loop that is waiting out a long interval."""
    log: list[str] = []
    relay, catalog = FakeRelay(log), FakeCatalog(log)
    loop = SyncLoop(relay, catalog, interval_seconds=AN_HOUR)
    loop.start()
    assert catalog.pull_once.wait_for(1)

    stopped = loop.stop(timeout=DEADLINE_SECONDS)

    assert stopped
    assert not loop.is_alive()


def test_sync_loop_failed_round_is_logged_and_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A push that raises is logged; the pull still runs, and so does the next round."""

    def fail_first(call: int) -> int:
        if call == 0:
            raise RuntimeError("disk full")
        return 0

    def offline(call: int) -> CatalogChange:
        raise ServerUnreachable()

    log: list[str] = []
    relay, catalog = FakeRelay(log, fail_first), FakeCatalog(log, offline)
    caplog.set_level(logging.INFO, logger="pos_desktop.sync.background")

    with running(SyncLoop(relay, catalog, interval_seconds=AN_HOUR)) as loop:
        assert catalog.pull_once.wait_for(1)
        loop.wake()
        assert catalog.pull_once.wait_for(2)

    assert log[:4] == ["push", "pull", "push", "pull"]
    assert "pushing the outbox failed" in caplog.text
    assert "server unreachable" in caplog.text


def test_sync_loop_reports_only_catalog_changes() -> None:
    """The callback hears of a pull that changed something, not of one that did not."""
    changes = [CatalogChange(products=3), CatalogChange()]
    heard: list[CatalogChange] = []
    log: list[str] = []
    relay, catalog = FakeRelay(log), FakeCatalog(log, lambda call: changes[min(call, 1)])

    loop = SyncLoop(relay, catalog, interval_seconds=AN_HOUR, on_catalog_changed=heard.append)
    loop.start()
    assert catalog.pull_once.wait_for(1)
    loop.wake()
    assert catalog.pull_once.wait_for(2)
    # Joined before looking: the second round's callback, if any, has had its chance.
    assert loop.stop(timeout=DEADLINE_SECONDS)

    assert heard == [CatalogChange(products=3)]


@pytest.mark.e2e
def test_sync_loop_wake_pushes_a_finished_ticket(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """A ticket finished while the loop idles reaches the server as soon as it is woken."""
    log: list[str] = []
    relay = OutboxRelay(register_db, register_client, lambda: datetime.now(UTC))
    counted = FakeRelay(log, lambda _: relay.push_once())
    catalog = CatalogSync(register_db, register_client)

    with running(SyncLoop(counted, catalog, interval_seconds=AN_HOUR)) as loop:
        assert counted.push_once.wait_for(1)
        with register_db.session() as db:
            outbox.enqueue(db, _ticket(), datetime.now(UTC))
            db.commit()
        loop.wake()
        assert counted.push_once.wait_for(2)

    with register_db.session() as db:
        assert outbox.waiting_count(db) == 0


def _ticket() -> Ticket:
    now = datetime.now(UTC)
    total = MoneyBody(amount=3_00, currency="USD")
    zero = MoneyBody(amount=0, currency="USD")
    return Ticket(
        id=uuid.uuid4(),
        opened_at=now,
        completed_at=now,
        subtotal=total,
        tax=zero,
        tip=zero,
        total=total,
    )


def test_sync_loop_reports_after_each_push_before_pulling() -> None:
    """after_push runs once a push has been tried, before the pull (the screen's count)."""
    log: list[str] = []
    relay, catalog = FakeRelay(log), FakeCatalog(log)
    loop = SyncLoop(
        relay, catalog, interval_seconds=AN_HOUR, after_push=lambda: log.append("after")
    )

    with running(loop):
        assert catalog.pull_once.wait_for(1)

    assert log[:3] == ["push", "after", "pull"]
