"""A manager's e-gift actions: send a card's e-gift mail again, change where it goes.

Each locks the card (``ledger.lock_card``) before touching its mail, the order the mail
sender also takes them in, and records who, when, why and the addresses in the audit log in
the same transaction. Neither moves value, so neither writes a card activity.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pos_desktop.domain.errors import (
    CardNotSendable,
    EgiftNotSent,
    NoRecipientEmail,
    SameRecipientEmail,
)
from pos_desktop.server import audit, ledger
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.mail.message import compose, queue_mail
from pos_desktop.server.models import GiftCard, MailOutbox


@dataclass(frozen=True, slots=True)
class Delivery:
    """The card after the action, and when the mail it queued or redirected goes (None: no
    mail waits because of it)."""

    card: GiftCard
    mail_due_at: datetime | None


def _e_gift(db: Session, manager: EmployeeCaller, card_id: uuid.UUID) -> GiftCard:
    card = ledger.lock_card(db, card_id, manager.store.id)
    if card.voided:
        raise CardNotSendable("This card is voided; its e-gift can no longer be sent.")
    if not card.recipient_email:
        raise NoRecipientEmail("This card has no recipient e-mail: it is not an e-gift.")
    return card


def resend(
    db: Session,
    manager: EmployeeCaller,
    card_id: uuid.UUID,
    reason: str,
    now: datetime,
    keys: ServerKeys,
) -> Delivery:
    """Queue the card's e-gift mail again, now, to its recipient e-mail as it is now."""
    card = _e_gift(db, manager, card_id)
    if card.blocked:
        raise CardNotSendable("This card is blocked; unblock it before sending its e-gift again.")
    if card.sent_at is None:
        raise EgiftNotSent(_not_sent_yet(card, db))
    mail = ledger.egift_mail(card, manager.store, keys)
    queue_mail(db, mail, now, card_id=card.id, sealer=keys.mail)
    audit.record(
        db,
        store_id=manager.store.id,
        by=manager,
        action=audit.AuditAction.EGIFT_RESENT,
        target=(audit.TargetKind.GIFT_CARD, card.id),
        changes={"reason": reason, "sent_to": mail.to},
        at=now,
    )
    return Delivery(card, now)


def _not_sent_yet(card: GiftCard, db: Session) -> str:
    if ledger.queued_egift_mails(db, card.id):
        return "This e-gift has not been sent yet: it goes at its scheduled time."
    return "This e-gift has not been sent yet, so there is nothing to send again."


def change_recipient(
    db: Session,
    manager: EmployeeCaller,
    card_id: uuid.UUID,
    new_email: str,
    reason: str,
    now: datetime,
    keys: ServerKeys,
) -> Delivery:
    """Set the card's recipient e-mail; a card not delivered yet has its waiting e-gift mail
    rewritten for the new address (keeping its time); a delivered card's mail is not resent."""
    card = _e_gift(db, manager, card_id)
    new = new_email.strip().lower()
    old = card.recipient_email
    if new == old:
        raise SameRecipientEmail(f"This card's e-gift already goes to {new}.")
    card.recipient_email = new
    due_at: datetime | None = None
    if card.sent_at is None:
        for row in ledger.queued_egift_mails(db, card.id):
            due_at = _redirect(row, card, manager, now, keys)
    audit.record(
        db,
        store_id=manager.store.id,
        by=manager,
        action=audit.AuditAction.RECIPIENT_CHANGED,
        target=(audit.TargetKind.GIFT_CARD, card.id),
        changes={"reason": reason, "recipient_email": {"old": old, "new": new}},
        at=now,
    )
    return Delivery(card, due_at)


def _redirect(
    row: MailOutbox,
    card: GiftCard,
    manager: EmployeeCaller,
    now: datetime,
    keys: ServerKeys,
) -> datetime:
    """Point a waiting e-gift mail at the card's new address; one given up (the old address
    refused it) is tried again. Its time stays: the schedule, or now if that has passed."""
    mail = ledger.egift_mail(card, manager.store, keys)
    row.to_address = mail.to
    row.subject = mail.subject
    row.message = keys.mail.seal(compose(mail).as_bytes())
    row.sealed = True
    if row.next_attempt_at is None and row.attempts > 0:
        row.next_attempt_at = max(card.deliver_at or now, now)
        row.last_error = None
    return row.next_attempt_at or now
