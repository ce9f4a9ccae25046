"""Finding gift cards: balance check by number; search by recipient or buyer e-mail, by the last
4 digits or by the whole number; a card's details with its history.

Card numbers are checked (length, digits, Luhn) before any network call, so a mistyped
digit is caught at once, costs no round trip and never counts against the server's look-up
rate limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_desktop.contracts import ActivityOut, CardDetail, CardOut
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.domain.card_search import (
    MAX_EMAIL_LENGTH,
    InvalidSearch,
    SearchKind,
    SearchQuery,
    classify_search,
)
from pos_desktop.domain.card_search import normalize_email as _normalize_email
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.giftcard import ActivityKind, CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError

__all__ = [
    "MAX_EMAIL_LENGTH",
    "CardActivity",
    "CardHistory",
    "CardLookupService",
    "CardSummary",
    "InvalidSearch",
    "SearchFound",
]


@dataclass(frozen=True, slots=True)
class CardSummary:
    id: uuid.UUID
    number_masked: str
    last4: str
    status: CardStatus
    balance: Money
    initial_amount: Money
    buyer_email: str | None
    recipient_email: str | None
    recipient_name: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_wire(cls, card: CardOut) -> CardSummary:
        return cls(
            id=card.id,
            number_masked=card.number_masked,
            last4=card.last4,
            status=CardStatus(card.status),
            balance=card.balance.to_money(),
            initial_amount=card.initial_amount.to_money(),
            buyer_email=card.buyer_email,
            recipient_email=card.recipient_email,
            recipient_name=card.recipient_name,
            created_at=card.created_at,
            sent_at=card.sent_at,
        )


@dataclass(frozen=True, slots=True)
class CardActivity:
    """One line of a card's history: who did what, when, where."""

    id: uuid.UUID
    kind: ActivityKind
    amount: Money
    tip: Money
    balance_after: Money
    employee_name: str | None
    register_name: str | None
    ticket_id: uuid.UUID | None
    ticket_number: int | None  # the receipt's, once the ticket reached the server
    created_at: datetime  # aware UTC; shown in the store's time zone

    @classmethod
    def from_wire(cls, activity: ActivityOut) -> CardActivity:
        return cls(
            id=activity.id,
            kind=ActivityKind(activity.kind),
            amount=activity.amount.to_money(),
            tip=activity.tip.to_money(),
            balance_after=activity.balance_after.to_money(),
            employee_name=activity.employee.name if activity.employee else None,
            register_name=activity.register_ref.name if activity.register_ref else None,
            ticket_id=activity.ticket_id,
            ticket_number=activity.ticket_number,
            created_at=activity.created_at,
        )


@dataclass(frozen=True, slots=True)
class CardHistory:
    """A card and every activity on it, newest first."""

    card: CardSummary
    activities: tuple[CardActivity, ...]

    @classmethod
    def from_wire(cls, detail: CardDetail) -> CardHistory:
        activities = sorted(
            (CardActivity.from_wire(a) for a in detail.activities),
            key=lambda a: a.created_at,
            reverse=True,
        )
        return cls(CardSummary.from_wire(detail), tuple(activities))


@dataclass(frozen=True, slots=True)
class SearchFound:
    """What a search asked for and the cards it found (none is an answer too)."""

    query: SearchQuery
    cards: tuple[CardSummary, ...]


class CardLookupService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    @staticmethod
    def check_number(text: str) -> str:
        """The normalized card number, or ``InvalidCardNumber``; never touches the network."""
        return validate_card_number(text)

    @staticmethod
    def normalize_email(text: str) -> str:
        """The e-mail to search for, or ``InvalidSearch`` saying what is missing; never touches
        the network."""
        return _normalize_email(text)

    @staticmethod
    def classify(text: str) -> SearchQuery:
        """What kind of search ``text`` is, or ``InvalidSearch`` (``InvalidCardNumber`` for a
        number this store never issues); never touches the network."""
        query = classify_search(text)
        if query.kind is SearchKind.NUMBER:
            validate_card_number(query.value)
        return query

    def check_balance(self, text: str) -> CardSummary:
        number = self.check_number(text)
        return CardSummary.from_wire(self._client.lookup_card(number))

    def find_by_recipient(self, email_text: str) -> tuple[CardSummary, ...]:
        email = self.normalize_email(email_text)
        found = self._client.search_cards(email)
        return tuple(CardSummary.from_wire(card) for card in found.items)

    def search(self, query: SearchQuery) -> SearchFound:
        """An e-mail is looked up as recipient and as buyer (each card once); the last 4
        digits or the whole number find the cards that match."""
        if query.kind is SearchKind.EMAIL:
            cards = [*self._client.search_cards(query.value).items]
            cards += self._client.search_cards_by_buyer(query.value).items
        elif query.kind is SearchKind.LAST4:
            cards = [*self._client.search_cards_by_last4(query.value).items]
        else:
            number = self.check_number(query.value)
            try:
                cards = [self._client.lookup_card(number)]
            except ServerError as exc:
                if exc.code != ErrorCode.CARD_NOT_FOUND:
                    raise
                cards = []
        seen: set[uuid.UUID] = set()
        found: list[CardSummary] = []
        for card in cards:
            if card.id not in seen:
                seen.add(card.id)
                found.append(CardSummary.from_wire(card))
        return SearchFound(query, tuple(found))

    def history(self, card_id: uuid.UUID) -> CardHistory:
        return CardHistory.from_wire(self._client.get_card(card_id))
