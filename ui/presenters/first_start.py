"""The first start's answers: checks each form with the domain's rules, then sets the register
up on a worker while the screen says "Setting up…", and says what went wrong where it did."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.store_setup import (
    JoinServer,
    NewStore,
    SetupInvalid,
    join_server,
    new_store,
)
from ui.presenters.background import BackgroundPresenter

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

SETUP_FAILED = "The register could not be set up here. Call a manager; the log has the details."


class FirstStartActions(Protocol):
    """What the screen's answers do (``pos_desktop.services.first_start.FirstStartService``)."""

    def create_store(self, store: NewStore) -> None: ...

    def join(self, join: JoinServer) -> None: ...

    def try_demo(self) -> None: ...


class FirstStartPresenter(BackgroundPresenter):
    # Field name → message, for the fields to fix; every field not named is fine.
    invalid = Signal(object)
    failed = Signal(str)  # not about one field: the screen's own message line
    done = Signal()  # the folder is ready: start the register

    def __init__(
        self,
        actions: FirstStartActions,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._actions = actions

    def create_store(
        self,
        *,
        name: str,
        address: str,
        phone: str,
        currency: str,
        locale: str,
        timezone: str,
        prices_include_tax: bool,
        manager_name: str,
        pin: str,
        pin_again: str,
        tax_rate_name: str = "",
        tax_rate_percent: str = "",
    ) -> None:
        try:
            store = new_store(
                name=name,
                address=address,
                phone=phone,
                currency=currency,
                locale=locale,
                timezone=timezone,
                prices_include_tax=prices_include_tax,
                manager_name=manager_name,
                pin=pin,
                pin_again=pin_again,
                tax_rate_name=tax_rate_name,
                tax_rate_percent=tax_rate_percent,
            )
        except SetupInvalid as exc:
            self.invalid.emit(exc.errors)
            return
        self._run(lambda: self._actions.create_store(store))

    def join(self, *, server_url: str, code: str) -> None:
        try:
            join = join_server(server_url=server_url, code=code)
        except SetupInvalid as exc:
            self.invalid.emit(exc.errors)
            return
        self._run(lambda: self._actions.join(join))

    def try_demo(self) -> None:
        self._run(self._actions.try_demo)

    def _run(self, job: Callable[[], None]) -> None:
        if self._worker.busy:
            return
        self.invalid.emit({})
        self._worker.submit(job, lambda _none: self.done.emit(), self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, SetupInvalid):
            self.invalid.emit(error.errors)
            return
        # E.g. the data folder is not writable: nothing a field can fix.
        log.error("first start failed", exc_info=error)
        self.failed.emit(SETUP_FAILED)
