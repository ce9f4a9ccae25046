"""The Back Office's Gift Cards page: the store's cards listed by filters a page at a time
(Next by the server's cursor, Previous by the cursors already used), and the details of the
card picked, each call on a worker.

Times read in the store's time zone and language (``set_store``). A filter that makes no
sense comes back as ``refused`` (what to fix), before any call; any other failure as
``failed``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from babel.dates import format_date
from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.card_search import InvalidSearch
from pos_desktop.domain.receipt import local_time
from pos_desktop.services.card_list_results import CardListPage, CardQuery, CardRow
from pos_desktop.services.results import DEFAULT_STORE_RULES, CardHistory, CardSummary
from ui.card_display import status_label
from ui.presenters.background import EmployeePresenter
from ui.presenters.card_lookup import HistoryRow, history_row
from ui.presenters.registers import when_text
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.services.back_office_cards import CardListService

# The details pane shows the newest activities; the Gift Cards tab has the whole history.
RECENT_ACTIVITIES = 10
NO_CARDS = "No gift cards match these filters."


@dataclass(frozen=True, slots=True)
class CardLine:
    """A card as the list's row reads it."""

    id: uuid.UUID
    number: str
    status: str
    balance: str
    issued: str
    last_activity: str  # its day
    last_activity_at: str  # its day and time


@dataclass(frozen=True, slots=True)
class CardDetails:
    """The selected card in words, and its newest activities."""

    id: uuid.UUID
    number: str
    status: str
    balance: str
    initial_amount: str
    recipient: str
    buyer: str
    issued: str
    activities: tuple[HistoryRow, ...]
    card: CardSummary  # as the server answered: what the manager's actions work on


def _day(moment: datetime, rules: StoreRules) -> str:
    return format_date(local_time(moment, rules.timezone), "short", locale=rules.locale)


def card_line(row: CardRow, rules: StoreRules) -> CardLine:
    card = row.card
    return CardLine(
        id=card.id,
        number=card.number_masked,
        status=status_label(card.status),
        balance=card.balance.format(rules.locale),
        issued=_day(card.created_at, rules),
        last_activity=_day(row.last_activity_at, rules),
        last_activity_at=when_text(row.last_activity_at, rules),
    )


def card_details(history: CardHistory, rules: StoreRules) -> CardDetails:
    card = history.card
    recipient = card.recipient_email or "—"
    if card.recipient_name and card.recipient_email:
        recipient = f"{card.recipient_name} <{card.recipient_email}>"
    return CardDetails(
        id=card.id,
        number=card.number_masked,
        status=status_label(card.status),
        balance=card.balance.format(rules.locale),
        initial_amount=card.initial_amount.format(rules.locale),
        recipient=recipient,
        buyer=card.buyer_email or "—",
        issued=when_text(card.created_at, rules),
        activities=tuple(
            history_row(activity, rules) for activity in history.activities[:RECENT_ACTIVITIES]
        ),
        card=card,
    )


def span_text(page: CardListPage) -> str:
    if not page.rows:
        return NO_CARDS if page.number == 1 else "No more cards"
    shown = len(page.rows)
    return f"Page {page.number} · {shown} card{'s' if shown != 1 else ''}"


class CardListPresenter(EmployeePresenter):
    listed = Signal(object, object)  # CardListPage, tuple[CardLine, ...]
    opened = Signal(object)  # CardDetails of the card picked
    refused = Signal(str)  # a filter to fix, before any call
    failed = Signal(str)
    listing_changed = Signal(bool)  # a list query is running

    def __init__(
        self,
        service: CardListService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        # The list has its own worker: turning a page never waits for a card's details.
        self._lister = Worker(self, pool)
        self._lister.busy_changed.connect(self.listing_changed)
        self._rules: StoreRules = DEFAULT_STORE_RULES
        self._query = CardQuery()
        # The cursor each page visited was asked with: [None] is the first page.
        self._cursors: list[str | None] = [None]
        self._page: CardListPage | None = None

    @property
    def query(self) -> CardQuery:
        return self._query

    @property
    def listing(self) -> bool:
        return self._lister.busy

    def set_store(self, rules: StoreRules) -> None:
        self._rules = rules

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()
        self._lister.forget_pending()
        self._query = CardQuery()
        self._cursors = [None]
        self._page = None

    def find(self, query: CardQuery) -> None:
        """The first page of what ``query`` finds."""
        self._query = query
        self._cursors = [None]
        self._ask()

    def refresh(self) -> None:
        self._ask()

    def next_page(self) -> None:
        page = self._page
        if page is None or page.next_cursor is None or self._lister.busy:
            return
        self._cursors.append(page.next_cursor)
        self._ask()

    def previous_page(self) -> None:
        if len(self._cursors) > 1 and not self._lister.busy:
            self._cursors.pop()
            self._ask()

    def open(self, card_id: uuid.UUID) -> None:
        rules = self._rules
        self._worker.submit(
            lambda: card_details(self._service.details(card_id), rules),
            self.opened.emit,
            self._failed,
        )

    def _ask(self) -> None:
        query, number, cursor = self._query, len(self._cursors), self._cursors[-1]
        rules = self._rules

        def job() -> tuple[CardListPage, tuple[CardLine, ...]]:
            page = self._service.page(query, number=number, cursor=cursor, timezone=rules.timezone)
            return page, tuple(card_line(row, rules) for row in page.rows)

        self._lister.submit(job, self._on_listed, self._failed)

    def _on_listed(self, answer: tuple[CardListPage, tuple[CardLine, ...]]) -> None:
        page, lines = answer
        if page.query != self._query or page.number != len(self._cursors):
            return
        self._page = page
        self.listed.emit(page, lines)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, InvalidSearch):
            self.refused.emit(error.message)
        else:
            self._on_failed(error, self.failed.emit)
