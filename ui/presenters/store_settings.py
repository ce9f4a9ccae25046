"""The Back Office's store settings page: loads the settings, saves what the manager changed,
and words every outcome: "Saved.", a refusal next to its field, or the one failure line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.money import Money
from pos_desktop.domain.store_setup import SetupInvalid, tax_rates, tip_presets
from pos_desktop.services.results import StoreSettingsRefused, StoreSettingsValues
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.services.store_settings import StoreSettingsService

SAVED = "Saved."
NOTHING_CHANGED = "Nothing changed."
SAVING = "Saving…"
LOADING = "Loading the store's settings…"
FIX_FIELDS = "Not saved: fix the fields marked in red."
CURRENCY_LOCKED = "The currency cannot change once a gift card or a sale exists."
NO_MAX_CARD = "Enter the largest amount a gift card may hold."
NO_MIN_CARD = "Enter the smallest gift card the counter sells."
MIN_OVER_MAX = "The smallest card is more than the largest."
IDLE_LOCK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120)
CODE_MINUTES = (1, 2, 5, 10, 15, 30, 60)
TIP_BASES = (("subtotal", "Subtotal"), ("total", "Total"))
CODE_RECIPIENTS = (("buyer", "Buyer"), ("recipient", "Recipient"), ("both", "Both"))


@dataclass(frozen=True, slots=True)
class StoreSettingsForm:
    """What the page holds: ``others``, every setting read as it is, and what is typed for the
    settings the store's rules read first (their values in ``others`` are left as they were)."""

    others: StoreSettingsValues
    tax_rate_rows: tuple[tuple[str, str], ...]  # each row's name and percentage as typed
    tip_preset_texts: tuple[str, ...]  # the tip buttons' percentages as typed, blanks too
    max_card_amount: Money | None  # None: the field was cleared
    min_card_amount: Money | None = None  # None: the field was cleared
    cash_out_below: Money | None = None  # None (cleared): no cash-out law


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

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen, and the
        next manager's page loads afresh."""
        self._worker.forget_pending()
        self._current = None

    def has_edits(self, form: StoreSettingsForm) -> bool:
        """The form holds something the store does not (a value that cannot be saved too)."""
        if self._current is None:
            return False
        try:
            edited = _read(form)
        except SetupInvalid:
            return True
        return bool(self._current.changes(edited))

    def save(self, form: StoreSettingsForm) -> None:
        before = self._current
        if before is None or self.busy:
            return
        try:
            edited = _read(form)
        except SetupInvalid as exc:
            self.refused.emit(dict(exc.errors))
            self.status.emit(FIX_FIELDS)
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


def _read(form: StoreSettingsForm) -> StoreSettingsValues:
    """The form's values; ``SetupInvalid`` names every typed setting that cannot be saved."""
    errors: dict[str, str] = {}
    rates: tuple[tuple[str, int], ...] = ()
    tips: tuple[int, ...] = ()
    try:
        rates = tax_rates(form.tax_rate_rows)
    except SetupInvalid as exc:
        errors |= exc.errors
    try:
        tips = tip_presets(form.tip_preset_texts)
    except SetupInvalid as exc:
        errors |= exc.errors
    most, least = form.max_card_amount, form.min_card_amount
    if most is None:
        errors["max_card_amount"] = NO_MAX_CARD
    if least is None:
        errors["min_card_amount"] = NO_MIN_CARD
    elif most is not None and least > most:
        errors["min_card_amount"] = MIN_OVER_MAX
    if errors or most is None:
        raise SetupInvalid(errors)
    return replace(
        form.others,
        tax_rates=rates,
        tip_presets=tips,
        max_card_amount=most,
        min_card_amount=least,
        cash_out_below=form.cash_out_below,
    )
