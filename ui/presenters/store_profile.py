"""The store's name and locale for headers and amounts, read again whenever a pull changed them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from ui.presenters.background import BackgroundPresenter

if TYPE_CHECKING:
    from pos_desktop.services.store_profile import StoreProfileService

log = logging.getLogger(__name__)


class StoreProfilePresenter(BackgroundPresenter):
    profile_changed = Signal(object)  # StoreRules

    def __init__(
        self,
        service: StoreProfileService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service

    def refresh(self) -> None:
        self._worker.submit(self._service.current, self.profile_changed.emit, self._not_read)

    def _not_read(self, error: Exception) -> None:
        # Not worth a banner: the defaults only change the header's name and number format.
        log.error("store settings not read from the register database", exc_info=error)
