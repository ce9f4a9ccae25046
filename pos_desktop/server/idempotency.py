"""Idempotency keys: the same key and body get the first response again, byte for byte.

The key's row is inserted in the same transaction as the change it guards and committed
with it. A second request with the same key waits on that row (PostgreSQL holds the
conflicting insert until the first transaction ends; SQLite runs writers one at a time),
then finds the stored answer. So however many copies of a request race, one executes.

A route that moves money takes ``Once`` (``OnceDep``) and hands it its body and operation:
the caller, the key, the clock and the database come with it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.domain.errors import DomainError, ErrorCode
from pos_desktop.server.clock import Clock
from pos_desktop.server.database import DIALECTS, insert_or_skip_in, run_prepared
from pos_desktop.server.deps import ClockDep, EmployeeDep, KeysDep, SessionsDep
from pos_desktop.server.errors import ApiError, CommittedRefusal
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.metrics import REPLAYS
from pos_desktop.server.models import IdempotencyRecord

IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=128)]

JSON = "application/json"

Operation = Callable[[Session, datetime], BaseModel]


def fingerprint(keys: ServerKeys, method: str, path: str, body: BaseModel | None) -> str:
    payload = body.model_dump_json() if body is not None else ""
    return keys.fingerprint(f"{method} {path}\n{payload}".encode())


@dataclass(frozen=True, slots=True)
class Once:
    """One money request under its Idempotency-Key, ready to run its operation at most once."""

    sessions: sessionmaker[Session]
    clock: Clock
    keys: ServerKeys
    register_id: uuid.UUID
    key: str
    method: str
    path: str

    def __call__(
        self,
        body: BaseModel | None,
        operation: Operation,
        *,
        status_code: int = 200,
        seal: bool = False,
    ) -> Response:
        """Run ``operation(db, now)`` at most once per key and commit its changes with its
        answer; ``seal``: the answer holds a card number, so it is stored sealed.

        A refusal (an ``ApiError`` or a domain rule) is an answer too. Its transaction is
        rolled back whole, which also frees the key for a racing copy of the request; the
        refusal is then stored in a transaction of its own, unless that copy got an answer
        in first, in which case that answer is the one given.
        """
        request_hash = fingerprint(self.keys, self.method, self.path, body)
        with self.sessions() as db:
            return _Run(self, db, self.clock.now(), request_hash).run(operation, status_code, seal)


async def once_for(
    request: Request,
    employee: EmployeeDep,
    sessions: SessionsDep,
    clock: ClockDep,
    keys: KeysDep,
    idempotency_key: IdempotencyKey,
) -> Once:
    return Once(
        sessions,
        clock,
        keys,
        employee.register.register_id,
        idempotency_key,
        request.method,
        request.url.path,
    )


OnceDep = Annotated[Once, Depends(once_for)]


@dataclass(slots=True)
class _Run:
    once: Once
    db: Session
    now: datetime
    request_hash: str

    def run(self, operation: Operation, status_code: int, seal: bool) -> Response:
        db = self.db
        if not self._claim():
            return self._replay()
        try:
            answer_body = operation(db, self.now).model_dump_json().encode()
        except CommittedRefusal as refusal:
            # Its changes and the key's answer land together; a retry replays the refusal and
            # does not count again.
            answer = refusal.status, _error_bytes(refusal)
            self._store(answer)
            db.commit()
            return answer_response(answer)
        except (ApiError, DomainError) as refusal:
            db.rollback()
            error = refusal if isinstance(refusal, ApiError) else ApiError.from_domain(refusal)
            answer = error.status, _error_bytes(error)
            if error.status == 429:
                # "Not now" is no answer to the request: the key stays free, so the same
                # request goes through once its Retry-After is over (as gate_send's 429 does).
                return answer_response(answer)
            if not self._claim(answer):
                return self._replay()
            db.commit()
            return answer_response(answer)
        self._store((status_code, answer_body), seal=seal)
        db.commit()
        return answer_response((status_code, answer_body))

    def _claim(self, answer: tuple[int, bytes] = (0, b"")) -> bool:
        """Insert the key's row; False when another request already holds the key."""
        status_code, body = answer
        values = {
            "register_id": self.once.register_id,
            "key": self.once.key,
            "request_hash": self.request_hash,
            "status_code": status_code,
            "response_body": body,
            "sealed": False,
            "created_at": self.now,
        }
        claim = _CLAIMS[self.db.get_bind().dialect.name]
        return run_prepared(self.db, claim, values).first() is not None

    def _replay(self) -> Response:
        REPLAYS.inc()
        record = self.db.execute(
            _RECORD, {"held_by": self.once.register_id, "held_key": self.once.key}
        ).scalar_one()
        self.db.rollback()
        if record.request_hash != self.request_hash:
            raise ApiError(
                409,
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was already used for a different request.",
            )
        body = record.response_body
        if record.sealed:
            body = self.once.keys.answers.open(body)
        return answer_response((record.status_code, body))

    def _store(self, answer: tuple[int, bytes], *, seal: bool = False) -> None:
        status_code, body = answer
        run_prepared(
            self.db,
            _STORE,
            {
                "held_by": self.once.register_id,
                "held_key": self.once.key,
                "answer_status": status_code,
                "answer_body": self.once.keys.answers.seal(body) if seal else body,
                "answer_sealed": seal,
            },
        )


# Built once, with parameters, as the ledger's statements are: every move of value runs them
# (run_prepared; no ORM object stands for the key's row while it is claimed).
_THIS_KEY = (
    IdempotencyRecord.register_id == bindparam("held_by"),
    IdempotencyRecord.key == bindparam("held_key"),
)
_RECORD = select(IdempotencyRecord).where(*_THIS_KEY)
_STORE = (
    update(IdempotencyRecord)
    .where(*_THIS_KEY)
    .values(
        status_code=bindparam("answer_status"),
        response_body=bindparam("answer_body"),
        sealed=bindparam("answer_sealed"),
    )
)
_CLAIMS = {
    dialect: insert_or_skip_in(dialect, IdempotencyRecord).returning(IdempotencyRecord.key)
    for dialect in DIALECTS
}


def _error_bytes(error: ApiError) -> bytes:
    return json.dumps(error.body(), separators=(",", ":")).encode()


def answer_response(answer: tuple[int, bytes]) -> Response:
    status_code, body = answer
    response = Response(content=body, status_code=status_code, media_type=JSON)
    if status_code == 429:
        # A 429 refused inside the operation gets its Retry-After header back from the body.
        error = json.loads(body).get("error", {})
        if isinstance(error.get("retry_after"), int):
            response.headers["Retry-After"] = str(error["retry_after"])
    return response
