"""The Back Office's list of gift cards, the register's side: the filters checked with the
server's rules (domain.card_filters) before any call, a page asked for by the cursor of the
page before, and one card's details. Blocking (network): presenters call it on a worker."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pos_desktop.domain.card_filters import card_filter, issued_days
from pos_desktop.services.card_list_results import CardListPage, CardQuery, CardRow
from pos_desktop.services.results import CardHistory, CardSummary

if TYPE_CHECKING:
    from pos_desktop.sync.client import ServerClient


class CardListService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    def page(
        self, query: CardQuery, *, number: int, cursor: str | None, timezone: str
    ) -> CardListPage:
        """Page ``number`` of what ``query`` finds, the one after ``cursor`` (None: the first);
        ``InvalidSearch`` saying what to fix when a filter makes no sense."""
        issued_from, issued_until = issued_days(
            query.issued_first_day, query.issued_last_day, timezone
        )
        wanted = card_filter(
            status=query.status,
            with_balance=query.with_balance,
            issued_from=issued_from,
            issued_until=issued_until,
            email=query.email,
            last4=query.last4,
        )
        answer = self._client.gift_card_page(wanted, cursor=cursor)
        rows = tuple(
            CardRow(CardSummary.from_wire(item), item.last_activity_at) for item in answer.items
        )
        return CardListPage(query, number, rows, answer.next_cursor)

    def details(self, card_id: uuid.UUID) -> CardHistory:
        """The card as it is now, with its activities, newest first."""
        return CardHistory.from_wire(self._client.get_card(card_id))
