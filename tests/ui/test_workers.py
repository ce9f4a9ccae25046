"""The worker bridge: jobs off the GUI thread, answers back on it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from ui.workers import Worker


def _unexpected(error: Exception) -> None:
    raise AssertionError(f"the job failed: {error!r}")


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    pool = QThreadPool()
    yield pool
    pool.waitForDone(5_000)


@pytest.fixture
def worker(qtbot: QtBot, pool: QThreadPool) -> Worker:
    return Worker(pool=pool)


def test_worker_runs_job_off_gui_thread_and_answers_on_it(qtbot: QtBot, worker: Worker) -> None:
    """The job runs on a pool thread; on_success runs on the GUI thread with the job's value."""
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def job() -> int:
        seen["job_thread"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["value"], seen["callback_thread"] = value, threading.get_ident()

    worker.submit(job, done, _unexpected)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"job_thread": seen["job_thread"], "value": 42, "callback_thread": gui}
    assert seen["job_thread"] != gui


def test_worker_hands_exceptions_to_on_failure(qtbot: QtBot, worker: Worker) -> None:
    """An exception in the job reaches on_failure, not the pool thread's void."""
    failures: list[Exception] = []

    def job() -> None:
        raise LookupError("no such card")

    worker.submit(job, lambda _: pytest.fail("succeeded"), failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], LookupError)


def test_worker_busy_while_job_runs(qtbot: QtBot, worker: Worker) -> None:
    """busy_changed goes True on submit and False when the last job answers."""
    release = threading.Event()
    with qtbot.waitSignal(worker.busy_changed) as started:
        worker.submit(lambda: release.wait(5), lambda _: None, _unexpected)
    assert started.args == [True] and worker.busy
    with qtbot.waitSignal(worker.busy_changed) as ended:
        release.set()
    assert ended.args == [False] and not worker.busy


def test_worker_drops_answers_it_was_told_to_forget(
    qtbot: QtBot, worker: Worker, pool: QThreadPool
) -> None:
    """After forget_pending, a job still running answers nobody (e.g. the register locked)."""
    release = threading.Event()
    answers: list[object] = []
    worker.submit(lambda: release.wait(5), answers.append, answers.append)
    worker.forget_pending()
    release.set()
    assert pool.waitForDone(5_000)
    qtbot.wait(50)  # let the queued answer reach the GUI thread, where it is dropped
    assert answers == []
