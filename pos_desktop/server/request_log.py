"""Every HTTP request, once: its id, its line in the log and its count in ``/metrics``.

The id is the register's ``X-Request-ID`` when it sent a usable one (the register logs the same
id for the same request), else a new one; the answer carries it back. While the request runs,
every log line the server writes for it carries the id too (``logs.REQUEST_ID``). A line names
the route by its template, never a card's number or code (neither ever travels in a URL).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from time import perf_counter
from typing import Any

from pos_desktop.server.logs import REQUEST_ID
from pos_desktop.server.metrics import count_request

log = logging.getLogger("pos_desktop.server.requests")

HEADER = b"x-request-id"
_USABLE = re.compile(rb"[A-Za-z0-9._-]{1,64}")

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class RequestLog:
    """ASGI middleware around the whole app."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        status = 500  # what the client gets if the app fails before it answers

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = perf_counter() - started
            route = _template(scope)
            count_request(scope["method"], route, status, seconds)
            log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                route,
                status,
                seconds * 1000,
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                },
            )
            REQUEST_ID.reset(token)


def _request_id(scope: MutableMapping[str, Any]) -> str:
    for name, value in scope["headers"]:
        if name == HEADER and _USABLE.fullmatch(value):
            return str(value.decode())
    return uuid.uuid4().hex


def _template(scope: MutableMapping[str, Any]) -> str:
    """The matched route's path with its parameters' names for their values
    (``/api/v1/giftcards/{card_id}/redeem``); "unmatched" when no route took the request, so
    that paths nobody serves cannot grow the metrics' labels without end."""
    if scope.get("route") is None:
        return "unmatched"
    names = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join(
        f"{{{names[part]}}}" if part in names else part for part in scope["path"].split("/")
    )
