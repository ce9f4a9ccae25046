"""Finding gift cards: balance check by number; search by recipient or buyer e-mail, by the last
4 digits or by the whole number; a card's details with its history.

Card numbers are checked (length, digits, Luhn) before any network call, so a mistyped
digit is caught at once, costs no round trip and never counts against the server's look-up
rate limit.
"""

from __future__ import annotations

import uuid

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
from pos_desktop.services.results import CardHistory, CardSummary, SearchFound
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError

__all__ = ["MAX_EMAIL_LENGTH", "CardLookupService", "InvalidSearch"]


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
