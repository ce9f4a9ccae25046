"""The register's sync heartbeat: push the outbox, then pull the catalog, on a daemon thread.

Push comes first so a ticket finished a moment ago reaches the server before anything else;
``wake()`` asks for a round at once instead of at the next interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from pos_desktop.db.catalog import CatalogChange
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)


class Pusher(Protocol):
    def push_once(self) -> int: ...


class Puller(Protocol):
    def pull_once(self) -> CatalogChange: ...


class SyncLoop:
    def __init__(
        self,
        relay: Pusher,
        catalog: Puller,
        interval_seconds: float = 10.0,
        on_catalog_changed: Callable[[CatalogChange], None] | None = None,
        after_push: Callable[[], None] | None = None,
    ) -> None:
        """``after_push`` runs on the sync thread after every push, whether it got through
        (e.g. to tell the screen how many tickets still wait)."""
        self._relay = relay
        self._catalog = catalog
        self._interval = interval_seconds
        self._on_catalog_changed = on_catalog_changed
        self._after_push = after_push
        self._condition = threading.Condition()
        self._woken = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sync-loop", daemon=True)

    def start(self) -> None:
        """Start the thread; its first round runs at once."""
        self._thread.start()

    def wake(self) -> None:
        """Run a round now (or right after the one in progress)."""
        with self._condition:
            self._woken = True
            self._condition.notify()

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the loop to end and wait for it; False if a round still runs after ``timeout``."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._stopping:
                    return
                self._woken = False
            self._round()
            with self._condition:
                self._condition.wait_for(lambda: self._woken or self._stopping, self._interval)

    def _round(self) -> None:
        # Each half is guarded alone: a failing push must not keep the catalog from updating.
        try:
            self._relay.push_once()
        except Exception:
            log.exception("sync: pushing the outbox failed")
        if self._after_push is not None:
            try:
                self._after_push()
            except Exception:
                log.exception("sync: the after-push callback failed")
        try:
            change = self._catalog.pull_once()
        except ServerUnreachable:
            log.info("sync: server unreachable, catalog not pulled")
            return
        except ServerError as exc:
            log.warning("sync: server refused the catalog pull: %s", exc)
            return
        except Exception:
            log.exception("sync: pulling the catalog failed")
            return
        if change.any and self._on_catalog_changed is not None:
            try:
                self._on_catalog_changed(change)
            except Exception:
                log.exception("sync: the catalog-changed callback failed")
