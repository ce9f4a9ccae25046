"""Finding gift cards: balance check by number, search by recipient e-mail.

Card numbers are checked (length, digits, Luhn) before any network call, so a mistyped
digit is caught at once, costs no round trip and never counts against the server's look-up
rate limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_desktop.contracts import CardOut
from pos_desktop.domain.card_number import validate_card_number
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.sync.client import ServerClient

MAX_EMAIL_LENGTH = 254


class InvalidSearch(DomainError):
    code = "invalid_search"


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
        email = text.strip()
        if not email:
            raise InvalidSearch("Enter the recipient's e-mail address.")
        local, at, domain = email.rpartition("@")
        if not at or not local or not domain or " " in email or len(email) > MAX_EMAIL_LENGTH:
            raise InvalidSearch("Enter the full e-mail address, like name@example.com.")
        return email

    def check_balance(self, text: str) -> CardSummary:
        number = self.check_number(text)
        return CardSummary.from_wire(self._client.lookup_card(number))

    def find_by_recipient(self, email_text: str) -> tuple[CardSummary, ...]:
        email = self.normalize_email(email_text)
        found = self._client.search_cards(email)
        return tuple(CardSummary.from_wire(card) for card in found.items)
