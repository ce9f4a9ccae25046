"""Idempotency keys: the same key and body get the first response again, byte for byte.

The key's row is inserted in the same transaction as the change it guards and committed
with it. A second request with the same key waits on that row (PostgreSQL holds the
conflicting insert until the first transaction ends; SQLite runs writers one at a time),
then finds the stored answer. So however many copies of a request race, one executes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.domain.errors import DomainError
from pos_desktop.server.clock import Clock
from pos_desktop.server.database import insert_or_skip
from pos_desktop.server.errors import ApiError, CommittedRefusal
from pos_desktop.server.models import IdempotencyRecord

IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=128)]

JSON = "application/json"


def fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    payload = body.model_dump_json() if body is not None else ""
    return hashlib.sha256(f"{method} {path}\n{payload}".encode()).hexdigest()


def _claim(
    db: Session,
    register_id: uuid.UUID,
    key: str,
    request_hash: str,
    now: datetime,
    answer: tuple[int, bytes] = (0, b""),
) -> bool:
    """Insert the key's row; False when another request already holds the key."""
    status_code, body = answer
    statement = (
        insert_or_skip(db, IdempotencyRecord)
        .values(
            register_id=register_id,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response_body=body,
            created_at=now,
        )
        .returning(IdempotencyRecord.key)
    )
    return db.execute(statement).first() is not None


def _replay(db: Session, register_id: uuid.UUID, key: str, request_hash: str) -> Response:
    record = db.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.register_id == register_id, IdempotencyRecord.key == key
        )
    ).scalar_one()
    db.rollback()
    if record.request_hash != request_hash:
        raise ApiError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
        )
    return Response(content=record.response_body, status_code=record.status_code, media_type=JSON)


def run_once(
    sessions: sessionmaker[Session],
    clock: Clock,
    *,
    register_id: uuid.UUID,
    key: str,
    request: Request,
    body: BaseModel | None,
    operation: Callable[[Session, datetime], BaseModel],
    status_code: int = 200,
) -> Response:
    """Run ``operation(db, now)`` at most once per key and commit its changes with its answer.

    A refusal (an ``ApiError`` or a domain rule) is an answer too. Its transaction is rolled
    back whole, which also frees the key for a racing copy of the request; the refusal is
    then stored in a transaction of its own, unless that copy got an answer in first, in
    which case that answer is the one given.
    """
    with sessions() as db:
        return _run_once(db, clock.now(), register_id, key, request, body, operation, status_code)


def _run_once(
    db: Session,
    now: datetime,
    register_id: uuid.UUID,
    key: str,
    request: Request,
    body: BaseModel | None,
    operation: Callable[[Session, datetime], BaseModel],
    status_code: int,
) -> Response:
    request_hash = fingerprint(request.method, request.url.path, body)
    if not _claim(db, register_id, key, request_hash, now):
        return _replay(db, register_id, key, request_hash)
    try:
        answer_body = operation(db, now).model_dump_json().encode()
    except CommittedRefusal as refusal:
        # Its changes and the key's answer land together; a retry replays the refusal and
        # does not count again.
        answer = refusal.status, json.dumps(refusal.body(), separators=(",", ":")).encode()
        _store_answer(db, register_id, key, answer)
        db.commit()
        return Response(content=answer[1], status_code=answer[0], media_type=JSON)
    except (ApiError, DomainError) as refusal:
        db.rollback()
        error = refusal if isinstance(refusal, ApiError) else ApiError.from_domain(refusal)
        answer = error.status, json.dumps(error.body(), separators=(",", ":")).encode()
        if not _claim(db, register_id, key, request_hash, now, answer):
            return _replay(db, register_id, key, request_hash)
        db.commit()
        return Response(content=answer[1], status_code=answer[0], media_type=JSON)
    _store_answer(db, register_id, key, (status_code, answer_body))
    db.commit()
    return Response(content=answer_body, status_code=status_code, media_type=JSON)


def _store_answer(db: Session, register_id: uuid.UUID, key: str, answer: tuple[int, bytes]) -> None:
    db.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.register_id == register_id, IdempotencyRecord.key == key)
        .values(status_code=answer[0], response_body=answer[1])
    )
