"""What the Back Office's Gift Cards page asks for and gets back: plain values, no I/O, so the
screen takes its types from here and never from the module that calls the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.services.results import CardSummary


@dataclass(frozen=True, slots=True)
class CardQuery:
    """The page's filters; days are the store's, both ends included."""

    status: CardStatus | None = None
    with_balance: bool = False
    issued_first_day: date | None = None
    issued_last_day: date | None = None
    email: str = ""
    last4: str = ""


@dataclass(frozen=True, slots=True)
class CardRow:
    card: CardSummary
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class CardListPage:
    """One page of the cards ``query`` finds, newest first; ``number`` counts from 1."""

    query: CardQuery
    number: int
    rows: tuple[CardRow, ...]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.number > 1
