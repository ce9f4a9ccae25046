"""Runs blocking service calls off the GUI thread and hands the typed result back on it.

The pattern is Vorta's jobs: a job runs on a ``QThreadPool``; a per-job relay object emits
one signal when it ends, and Qt queues that signal to the ``Worker``, which lives on the GUI
thread, so ``on_success``/``on_failure`` always run where widgets may be touched.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Callbacks(Generic[T]):
    on_success: Callable[[T], None]
    on_failure: Callable[[Exception], None]


class _Relay(QObject):
    # (ticket, value, error): exactly one of value/error is meaningful.
    finished = Signal(int, object, object)


class Worker(QObject):
    """One per presenter; ``busy`` while any of its jobs is running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._tickets = itertools.count(1)
        self._pending: dict[int, _Callbacks[Any]] = {}

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(
        self,
        job: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        ticket = next(self._tickets)
        was_busy = self.busy
        self._pending[ticket] = _Callbacks(on_success, on_failure)
        relay = _Relay()
        relay.finished.connect(self._deliver)

        def run() -> None:
            value: object = None
            error: Exception | None = None
            try:
                value = job()
            except Exception as exc:  # handed to on_failure on the GUI thread, not swallowed
                error = exc
            try:
                relay.finished.emit(ticket, value, error)
            except RuntimeError:
                log.debug("job %s finished after its owner was closed", ticket)

        self._pool.start(run)
        if not was_busy:
            self.busy_changed.emit(True)

    def forget_pending(self) -> None:
        """Drop the answers of jobs still running: e.g. the register was locked meanwhile, and a
        card found for the previous cashier must not appear on the next one's screen."""
        had_pending = self.busy
        self._pending.clear()
        if had_pending:
            self.busy_changed.emit(False)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, value: object, error: object) -> None:
        callbacks = self._pending.pop(ticket, None)
        if callbacks is None:
            return
        if not self._pending:
            self.busy_changed.emit(False)
        if isinstance(error, Exception):
            callbacks.on_failure(error)
        else:
            callbacks.on_success(value)
