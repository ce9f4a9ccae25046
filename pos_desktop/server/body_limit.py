"""Refuse request bodies over a small limit with 413, before the app reads or parses them.

A pure ASGI middleware: a declared ``Content-Length`` over the limit is answered at once,
without calling the app; a body without one (chunked) is counted as it arrives, and the app
never gets the message that passes the limit. Either way the answer closes the connection,
so the server does not go on reading the rest of the body to find the next request.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_desktop.domain.errors import ErrorCode
from pos_desktop.server.errors import ApiError

KIB: Final = 1024
MIB: Final = 1024 * KIB

# Every body the API takes (a PIN, an enroll code, a card, a redemption) is well under 1 KiB.
DEFAULT_LIMIT: Final = 64 * KIB

# Routes that may carry more than the default, by method and exact path.
ROUTE_LIMITS: Final[Mapping[tuple[str, str], int]] = {
    # A register pushes up to 500 tickets at once (PushRequest.tickets): 4 MiB leaves about
    # 8 KiB (some 30 lines) a ticket in a full batch, 40 KiB in the relay's batches of 100.
    ("POST", "/api/v1/sync/push"): 4 * MIB,
    # A catalog CSV of up to 50,000 rows (ImportRequest.rows), each cell as text.
    ("POST", "/api/v1/backoffice/products/import"): 24 * MIB,
}

# A longer Content-Length is over every limit (and int() refuses more than 4300 digits).
_MAX_LENGTH_DIGITS = 18


def limit_for(method: str, path: str) -> int:
    """The most bytes of body a request to ``method path`` may carry."""
    return ROUTE_LIMITS.get((method, path), DEFAULT_LIMIT)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"The request body is too large: this address accepts at most {limit // KIB} KiB.",
        headers={"Connection": "close"},
    )


def _malformed_length() -> ApiError:
    return ApiError(
        400,
        ErrorCode.INVALID_REQUEST,
        "The Content-Length header is not a number of bytes.",
        headers={"Connection": "close"},
    )


class _MalformedLength(Exception):
    pass


class _BodyTooLarge(Exception):
    """Raised to the app by ``receive`` once the body passes the limit."""


def _declared_length(scope: Scope) -> int | None:
    """The body size the client declared, None without a Content-Length; raises
    ``_MalformedLength`` for anything but digits, or for two headers that disagree."""
    values: set[bytes] = {
        value.strip(b" \t") for name, value in scope["headers"] if name.lower() == b"content-length"
    }
    if not values:
        return None
    if len(values) > 1 or not all(value.isdigit() for value in values):
        raise _MalformedLength
    digits = values.pop().lstrip(b"0")
    if len(digits) > _MAX_LENGTH_DIGITS:
        return sys.maxsize
    return int(digits or b"0")


class _Guarded:
    """One request's ``receive`` that counts the body and ``send`` that knows the response
    has started; once the limit is passed it drops what the app sends instead."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self.limit = limit
        self.received = 0
        self.exceeded = False
        self.started = False

    async def receive(self) -> Message:
        if self.exceeded:
            raise _BodyTooLarge
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.exceeded = True
                raise _BodyTooLarge
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded and not self.started:
            # The app's answer to the error it got from receive (FastAPI makes it a 400):
            # the middleware answers 413 instead once the app returns.
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class BodyLimitMiddleware:
    """413 ``payload_too_large`` for an HTTP request body over its route's limit; 400
    ``invalid_request`` for a malformed Content-Length. Other scopes pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        try:
            declared = _declared_length(scope)
        except _MalformedLength:
            await _malformed_length().response()(scope, receive, send)
            return
        if declared is not None and declared > limit:
            await _too_large(limit).response()(scope, receive, send)
            return
        guarded = _Guarded(receive, send, limit)
        try:
            await self.app(scope, guarded.receive, guarded.send)
        except Exception:
            # Whatever escaped because receive refused (our error, or one the app or a task
            # group wrapped it in) is answered below; anything else is the app's own.
            if not guarded.exceeded or guarded.started:
                raise
        if guarded.exceeded and not guarded.started:
            await _too_large(limit).response()(scope, receive, send)
