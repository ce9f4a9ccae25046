"""Balance check, and the Gift Cards tab's search and card history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time
from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.card_number import mask_card_number
from pos_desktop.domain.card_search import SearchKind, SearchQuery
from pos_desktop.domain.card_statement import ACTIVITY_LABELS, CREDITS, DEBITS, MINUS
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.receipt import local_time
from pos_desktop.services.results import CardActivity, CardHistory, CardSummary
from ui.presenters.background import EmployeePresenter
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.services.card_lookup import CardLookupService

# The screens' words for each kind, and the kinds that take from or add to a card: the
# domain's, so the printed statement says the same.
KIND_LABELS = ACTIVITY_LABELS
_DEBITS = DEBITS
_CREDITS = CREDITS


def no_match_message(query: SearchQuery) -> str:
    if query.kind is SearchKind.EMAIL:
        return f"No gift cards for {query.value}."
    if query.kind is SearchKind.LAST4:
        return f"No gift card ends in {query.value}."
    return f"No gift card has the number {mask_card_number(query.value)}."


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One activity as the history table shows it, in the store's time zone and locale."""

    time: str
    employee: str
    kind: str
    amount: str
    tip: str
    balance_after: str
    register: str
    ticket: str


def activity_time(activity: CardActivity, rules: StoreRules) -> str:
    moment = local_time(activity.created_at, rules.timezone)
    date = format_date(moment, "short", locale=rules.locale)
    return f"{date} {format_time(moment, 'short', locale=rules.locale)}"


def history_row(activity: CardActivity, rules: StoreRules) -> HistoryRow:
    locale = rules.locale
    amount = ""
    if not activity.amount.is_zero():
        sign = MINUS if activity.kind in _DEBITS else "+" if activity.kind in _CREDITS else ""
        amount = sign + activity.amount.format(locale)
    return HistoryRow(
        time=activity_time(activity, rules),
        employee=activity.employee_name or "—",
        kind=KIND_LABELS.get(activity.kind, activity.kind.value),
        amount=amount,
        tip=activity.tip.format(locale) if not activity.tip.is_zero() else "",
        balance_after=activity.balance_after.format(locale),
        register=activity.register_name or "",
        ticket=ticket_label(activity),
    )


# A ticket the server has not heard of yet: open at its register, or waiting to sync.
TICKET_NOT_SYNCED = "Not synced yet"


def ticket_label(activity: CardActivity) -> str:
    """The ticket as its receipt numbers it ("#4", beside the register's name); nothing for
    an activity without a ticket."""
    if activity.ticket_number is not None:
        return f"#{activity.ticket_number}"
    return TICKET_NOT_SYNCED if activity.ticket_id is not None else ""


def history_rows(history: CardHistory, rules: StoreRules) -> tuple[HistoryRow, ...]:
    return tuple(history_row(activity, rules) for activity in history.activities)


class _CardPresenter(EmployeePresenter):
    failed = Signal(str)

    def __init__(
        self,
        service: CardLookupService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service

    def reset(self) -> None:
        """Forget answers still on their way (the register is being locked)."""
        self._worker.forget_pending()

    def _lookup_failed(self, error: Exception) -> None:
        self._on_failed(error, self.failed.emit)


class BalanceCheckPresenter(_CardPresenter):
    card_found = Signal(object)  # CardSummary

    def check(self, number_text: str) -> None:
        try:
            number = self._service.check_number(number_text)
        except DomainError as exc:
            self.failed.emit(exc.message)
            return
        self._worker.forget_pending()  # only the last card asked for may answer
        self._worker.submit(
            lambda: self._service.check_balance(number), self._on_found, self._lookup_failed
        )

    def _on_found(self, card: CardSummary) -> None:
        self.card_found.emit(card)


class CardSearchPresenter(_CardPresenter):
    """Search by e-mail (recipient and buyer), last 4 digits or number; open a card's history."""

    results_ready = Signal(object)  # SearchFound
    card_loaded = Signal(object)  # CardHistory
    history_busy_changed = Signal(bool)

    def __init__(
        self,
        service: CardLookupService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(service, parent, pool)
        # Its own worker: opening a card never drops a search on its way, nor the reverse.
        self._history = Worker(self, pool)
        self._history.busy_changed.connect(self.history_busy_changed)

    def reset(self) -> None:
        super().reset()
        self._history.forget_pending()

    def is_card_number(self, text: str) -> bool:
        """Whether a scan is one of this store's card numbers (no network)."""
        try:
            self._service.check_number(text)
        except DomainError:
            return False
        return True

    def search(self, text: str) -> None:
        try:
            query = self._service.classify(text)
        except DomainError as exc:
            self.failed.emit(exc.message)
            return
        self._worker.forget_pending()
        self._history.forget_pending()
        self._worker.submit(
            lambda: self._service.search(query), self.results_ready.emit, self._lookup_failed
        )

    def open_card(self, card_id: uuid.UUID) -> None:
        """Load the card's details and history (again, after a deduction)."""
        self._history.forget_pending()
        self._history.submit(
            lambda: self._service.history(card_id), self.card_loaded.emit, self._lookup_failed
        )
