"""A manager's e-gift actions at the register: send a card's e-gift mail again, or change the
address it goes to, each with a reason the server records in its audit log.

The reason and the address are checked here first (no round trip for a blank field). Each
action carries an Idempotency-Key the caller keeps for the one action, so tapping again after
"no answer from the server" never sends two mails.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pos_desktop.domain.card_search import normalize_email
from pos_desktop.domain.errors import DomainError
from pos_desktop.services.results import EgiftDelivered

if TYPE_CHECKING:
    # Named for mypy only: the dialog reads this module's limits without loading httpx.
    from pos_desktop.sync.client import ServerClient

MAX_REASON_LENGTH = 500
REASON_NEEDED = "Enter a reason: it is kept in the audit log."
REASON_TOO_LONG = f"A reason is at most {MAX_REASON_LENGTH} characters."
EMAIL_NEEDED = "Enter the new e-mail address."


class IncompleteField(DomainError):
    """A field of the action is blank, or the reason too long."""


class EgiftDeliveryService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    @staticmethod
    def check_reason(text: str) -> str:
        reason = text.strip()
        if not reason:
            raise IncompleteField(REASON_NEEDED)
        if len(reason) > MAX_REASON_LENGTH:
            raise IncompleteField(REASON_TOO_LONG)
        return reason

    @staticmethod
    def check_email(text: str) -> str:
        """The new address, or ``InvalidSearch`` saying what is missing from it."""
        if not text.strip():
            raise IncompleteField(EMAIL_NEEDED)
        return normalize_email(text)

    def resend(self, card_id: uuid.UUID, reason: str, key: str) -> EgiftDelivered:
        answer = self._client.resend_egift(card_id, self.check_reason(reason), key)
        return EgiftDelivered.from_wire(answer)

    def change_recipient(
        self, card_id: uuid.UUID, email: str, reason: str, key: str
    ) -> EgiftDelivered:
        answer = self._client.change_recipient_email(
            card_id, self.check_email(email), self.check_reason(reason), key
        )
        return EgiftDelivered.from_wire(answer)
