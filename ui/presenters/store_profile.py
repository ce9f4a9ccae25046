"""The store's name and locale for headers and amounts, loaded once the server answers."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.services.store_profile import (
    DEFAULT_STORE_PROFILE,
    StoreProfile,
    StoreProfileService,
)
from ui.presenters.background import BackgroundPresenter

log = logging.getLogger(__name__)


class StoreProfilePresenter(BackgroundPresenter):
    profile_changed = Signal(object)  # StoreProfile

    def __init__(
        self,
        service: StoreProfileService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._profile = DEFAULT_STORE_PROFILE
        self._loaded = False

    @property
    def profile(self) -> StoreProfile:
        return self._profile

    def refresh_if_needed(self) -> None:
        """Ask the server once; if it was down, the next call (at the next login) asks again."""
        if self._loaded or self._worker.busy:
            return
        self._worker.submit(self._service.fetch, self._on_loaded, self._on_failed)

    def _on_loaded(self, profile: StoreProfile) -> None:
        self._loaded = True
        self._profile = profile
        self.profile_changed.emit(profile)

    def _on_failed(self, error: Exception) -> None:
        # Not worth a banner: the defaults only change the header's name and number format.
        log.warning("store settings not loaded: %s", error)
