"""The Gift Cards window's manager actions on an e-gift: Resend e-gift and Change e-mail.

Each asks for a reason (and the new address) in a dialog; the call runs on a worker and its
answer comes back as ``done`` (the result and what to tell the manager) or ``failed``. One
action keeps one Idempotency-Key from the dialog's opening to its close, so a second tap after
"no answer" is the same request and never sends a second mail.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time
from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.receipt import local_time
from pos_desktop.services.results import CardSummary, EgiftDelivered
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.services.egift_delivery import EgiftDeliveryService


class EgiftAction(Enum):
    RESEND = "resend"
    CHANGE_EMAIL = "change_email"


# A card whose e-gift went out (Resend makes sense), and one still to be delivered.
_DELIVERED = frozenset({CardStatus.ACTIVE, CardStatus.USED})
NOT_SENT_YET = "Resend is for an e-gift already sent; this one has not gone out yet."


def offers_actions(card: CardSummary | None, manager: bool) -> bool:
    """A manager sees the actions on an e-gift (a card with a recipient e-mail) not voided."""
    return (
        manager
        and card is not None
        and bool(card.recipient_email)
        and card.status is not CardStatus.VOIDED
    )


def can_resend(card: CardSummary) -> bool:
    return card.status in _DELIVERED


def local_moment(at: datetime, rules: StoreRules) -> str:
    """``at`` (aware UTC) on the store's wall clock: "9:00 AM on 11/21/26"."""
    moment = local_time(at, rules.timezone)
    time = format_time(moment, "short", locale=rules.locale)
    return f"{time} on {format_date(moment, 'short', locale=rules.locale)}"


def delivered_message(action: EgiftAction, done: EgiftDelivered, rules: StoreRules) -> str:
    """What the manager reads once the server accepted the action."""
    to = done.recipient_email
    if action is EgiftAction.RESEND:
        return f"The e-gift is being sent again to {to}."
    if done.card.sent_at is not None:
        # Two lines at most: the window keeps room for two above the search.
        return f"Recipient e-mail changed to {to}. Tap Resend e-gift to send the card there."
    if done.mail_due_at is not None:
        when = local_moment(done.mail_due_at, rules)
        return f"Recipient e-mail changed to {to}. The e-gift goes there at {when}."
    return f"Recipient e-mail changed to {to}."


class EgiftDeliveryPresenter(EmployeePresenter):
    done = Signal(object, object)  # EgiftAction, EgiftDelivered
    failed = Signal(str)

    def __init__(
        self,
        service: EgiftDeliveryService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._key = uuid.uuid4().hex

    def begin(self) -> None:
        """A new action (a dialog opened): a new Idempotency-Key."""
        self._key = uuid.uuid4().hex

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()

    def resend(self, card_id: uuid.UUID, reason: str) -> None:
        if not self._passes(lambda: self._service.check_reason(reason), self.failed.emit):
            return
        key = self._key
        self._worker.submit(
            lambda: self._service.resend(card_id, reason, key),
            lambda result: self.done.emit(EgiftAction.RESEND, result),
            self._action_failed,
        )

    def change_email(self, card_id: uuid.UUID, email: str, reason: str) -> None:
        if not self._passes(lambda: self._service.check_email(email), self.failed.emit):
            return
        if not self._passes(lambda: self._service.check_reason(reason), self.failed.emit):
            return
        key = self._key
        self._worker.submit(
            lambda: self._service.change_recipient(card_id, email, reason, key),
            lambda result: self.done.emit(EgiftAction.CHANGE_EMAIL, result),
            self._action_failed,
        )

    def _action_failed(self, error: Exception) -> None:
        self._on_failed(error, self.failed.emit)
