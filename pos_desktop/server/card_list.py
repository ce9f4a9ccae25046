"""The Back Office's list of a store's gift cards: filtered, newest first, paged by keyset.

A page is asked for by the last card of the page before (its ``created_at`` and ``id``, in an
opaque cursor), never by an offset: a deep page costs what the first does, and cards issued
while a manager pages do not shift the pages after, so nothing is listed twice or skipped.

Status is not stored; it is derived (domain.giftcard.derive_status) from the card's flags and
``open_deductions``, which ledger.append keeps, so a status filter is a WHERE on the card row
and the statuses few cards have walk their own partial indexes (models.GiftCard).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.domain.card_filters import CardFilter
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.giftcard import ActivityKind, CardStatus
from pos_desktop.server import views
from pos_desktop.server.errors import ApiError
from pos_desktop.server.models import CardActivity, GiftCard

BAD_CURSOR = "This page of the list is no longer valid. Start again from the first page."


def _live() -> ColumnElement[bool]:
    return and_(~GiftCard.voided, ~GiftCard.blocked)


def status_is(status: CardStatus) -> ColumnElement[bool]:
    """``derive_status`` as a WHERE on the card row: the same order of precedence (voided,
    then blocked, then not sent, then deductions outstanding)."""
    if status is CardStatus.VOIDED:
        return and_(GiftCard.voided)
    if status is CardStatus.BLOCKED:
        return and_(GiftCard.blocked, ~GiftCard.voided)
    if status is CardStatus.PENDING:
        return and_(GiftCard.sent_at.is_(None), _live())
    sent = and_(GiftCard.sent_at.is_not(None), _live())
    if status is CardStatus.USED:
        return and_(sent, GiftCard.open_deductions > 0)
    return and_(sent, GiftCard.open_deductions <= 0)


def _matches(store_id: uuid.UUID, wanted: CardFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [GiftCard.store_id == store_id]
    if wanted.status is not None:
        where.append(status_is(wanted.status))
    if wanted.with_balance:
        if wanted.status is CardStatus.VOIDED:
            # The void took what was left (ledger.void_card): none can match, and asking
            # the database would walk every voided card of the store to learn it.
            return [false()]
        where.append(GiftCard.balance > 0)
    if wanted.issued_from is not None:
        where.append(GiftCard.created_at >= wanted.issued_from)
    if wanted.issued_until is not None:
        where.append(GiftCard.created_at < wanted.issued_until)
    if wanted.email is not None:
        # Both columns are stored lower-cased and indexed (ledger.issue_card).
        where.append(
            or_(GiftCard.recipient_email == wanted.email, GiftCard.buyer_email == wanted.email)
        )
    if wanted.last4 is not None:
        where.append(GiftCard.last4 == wanted.last4)
    return where


def encode_cursor(created_at: datetime, card_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), card_id.hex], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The last card of the page before, or a 422 when the text is not a cursor we made."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, card_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        instant = datetime.fromisoformat(created)
        if instant.tzinfo is None:
            raise ValueError("naive")
        return instant, uuid.UUID(card_id)
    except (ValueError, TypeError, UnicodeError, binascii.Error) as error:
        raise ApiError(422, ErrorCode.INVALID_CURSOR, BAD_CURSOR, field="cursor") from error


def _activity_facts(
    db: Session, card_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[ActivityKind]], dict[uuid.UUID, datetime]]:
    """Each card's activity kinds, oldest first, and when it last moved: one query a page."""
    kinds: dict[uuid.UUID, list[ActivityKind]] = defaultdict(list)
    last: dict[uuid.UUID, datetime] = {}
    if not card_ids:
        return kinds, last
    rows = db.execute(
        select(CardActivity.card_id, CardActivity.kind, CardActivity.created_at)
        .where(CardActivity.card_id.in_(card_ids))
        .order_by(CardActivity.card_id, CardActivity.seq)
    )
    for card_id, kind, created_at in rows:
        kinds[card_id].append(ActivityKind(kind))
        last[card_id] = created_at
    return kinds, last


def _item(card: GiftCard, kinds: list[ActivityKind], last: datetime | None) -> c.CardListItem:
    fields: dict[str, Any] = views.card_out_fields(card, kinds)
    return c.CardListItem.model_validate({**fields, "last_activity_at": last or card.created_at})


def list_cards(
    db: Session, store_id: uuid.UUID, wanted: CardFilter, *, limit: int, cursor: str | None
) -> c.CardPage:
    """A page of ``limit`` cards of the store that match, newest first, after ``cursor``."""
    where = _matches(store_id, wanted)
    if cursor is not None:
        created_at, card_id = decode_cursor(cursor)
        after = tuple_(
            literal(created_at, GiftCard.created_at.type), literal(card_id, GiftCard.id.type)
        )
        where.append(tuple_(GiftCard.created_at, GiftCard.id) < after)
    # One more than asked: whether a next page exists, without counting the store's cards.
    cards = list(
        db.execute(
            select(GiftCard)
            .where(*where)
            .order_by(GiftCard.created_at.desc(), GiftCard.id.desc())
            .limit(limit + 1)
        ).scalars()
    )
    more, cards = len(cards) > limit, cards[:limit]
    kinds, last = _activity_facts(db, [card.id for card in cards])
    items = [_item(card, kinds[card.id], last.get(card.id)) for card in cards]
    tail = cards[-1] if more else None
    return c.CardPage(
        items=items, next_cursor=encode_cursor(tail.created_at, tail.id) if tail else None
    )
