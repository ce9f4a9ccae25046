"""A manager's e-gift actions: resend a card's e-gift mail, change its recipient e-mail.

Included before the gift-card router, whose catch-all ``/{card_id}/{action}`` would
otherwise take these paths. Managers only; each is recorded in the audit log and answered
once per Idempotency-Key, like the money routes: a retried tap must not send two mails.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.server import egift_delivery, views
from pos_desktop.server.deps import KeysDep, ManagerDep
from pos_desktop.server.idempotency import OnceDep

router = APIRouter(prefix="/giftcards", tags=["gift cards"])


def _answer(db: Session, delivery: egift_delivery.Delivery) -> c.EgiftDeliveryOut:
    card = delivery.card
    return c.EgiftDeliveryOut(
        card=views.card_out(db, card),
        recipient_email=card.recipient_email or "",
        mail_due_at=delivery.mail_due_at,
    )


@router.post("/{card_id}/resend", response_model=c.EgiftDeliveryOut)
def resend(
    card_id: uuid.UUID,
    body: c.ResendEgiftRequest,
    manager: ManagerDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """Send a delivered card's e-gift mail again, to its recipient e-mail; with a reason."""

    def operation(db: Session, now: datetime) -> c.EgiftDeliveryOut:
        delivery = egift_delivery.resend(db, manager, card_id, body.reason, now, keys)
        return _answer(db, delivery)

    return once(body, operation)


@router.post("/{card_id}/recipient", response_model=c.EgiftDeliveryOut)
def change_recipient(
    card_id: uuid.UUID,
    body: c.RecipientChangeRequest,
    manager: ManagerDep,
    keys: KeysDep,
    once: OnceDep,
) -> Response:
    """Change the card's recipient e-mail, with a reason: an e-gift still waiting for its time
    goes to the new address; a delivered one is not sent again by this (resend it)."""

    def operation(db: Session, now: datetime) -> c.EgiftDeliveryOut:
        delivery = egift_delivery.change_recipient(
            db, manager, card_id, str(body.recipient_email), body.reason, now, keys
        )
        return _answer(db, delivery)

    return once(body, operation)
