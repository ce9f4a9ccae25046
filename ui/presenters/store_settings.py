"""The Back Office's store settings page: loads the settings, saves what the manager changed,
and words every outcome: "Saved.", a refusal next to its field, or the one failure line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.services.results import StoreSettingsRefused, StoreSettingsValues
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.services.store_settings import StoreSettingsService

SAVED = "Saved."
NOTHING_CHANGED = "Nothing changed."
SAVING = "Saving…"
LOADING = "Loading the store's settings…"
FIX_FIELDS = "Not saved: fix the fields marked below."
CURRENCY_LOCKED = "The currency cannot change once a gift card or a sale exists."
IDLE_LOCK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120)
CODE_MINUTES = (1, 2, 5, 10, 15, 30, 60)
TIP_BASES = (("subtotal", "Subtotal"), ("total", "Total"))
CODE_RECIPIENTS = (("buyer", "Buyer"), ("recipient", "Recipient"), ("both", "Both"))


class StoreSettingsPresenter(EmployeePresenter):
    loaded = Signal(object)  # StoreSettingsValues, after a load or a save
    refused = Signal(object)  # dict: field name → message to show next to it
    status = Signal(str)  # the page's one line: saved, saving, or why it failed

    def __init__(
        self,
        service: StoreSettingsService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._current: StoreSettingsValues | None = None

    @property
    def current(self) -> StoreSettingsValues | None:
        """The settings as the server last gave them; a save sends what differs."""
        return self._current

    def load(self) -> None:
        self.status.emit(LOADING)
        self._worker.submit(self._service.load, self._on_loaded, self._failed)

    def save(self, edited: StoreSettingsValues) -> None:
        before = self._current
        if before is None or self.busy:
            return
        if not before.changes(edited):
            self.refused.emit({})
            self.status.emit(NOTHING_CHANGED)
            return
        self.status.emit(SAVING)
        self._worker.submit(
            lambda: self._service.save(before, edited), self._on_saved, self._failed
        )

    def _on_loaded(self, values: StoreSettingsValues) -> None:
        self._current = values
        self.refused.emit({})
        self.loaded.emit(values)
        self.status.emit("")

    def _on_saved(self, values: StoreSettingsValues) -> None:
        self._on_loaded(values)
        self.status.emit(SAVED)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, StoreSettingsRefused):
            self.refused.emit(dict(error.errors))
            self.status.emit(FIX_FIELDS)
        else:
            self._on_failed(error, self.status.emit)
