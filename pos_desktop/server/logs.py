"""The server's logs: INFO and up to stderr in every process, and one INFO line for every move
of value, so an operator can follow who did what where.

Never a card number or a code: the card is named by its id.
"""

from __future__ import annotations

import json
import logging
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.metrics import VALUE_MOVED, VALUE_MOVES

log = logging.getLogger("pos_desktop.server.value")

# The request being answered (request_log.RequestLog): every line logged for it carries its id.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What a request's own line adds to the JSON (its `extra`).
_REQUEST_FIELDS = ("method", "route", "status")


class JsonLines(logging.Formatter):
    """One JSON object per line: when (UTC), level, logger, message, the request's id while
    one is answered, and a request line's method, route and status."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        for field in _REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, separators=(",", ":"))


def configure_logging() -> None:
    """INFO and up to stderr as JSON lines, unless this process has configured logging
    already. Each of ``serve --workers N``'s processes calls it: a worker inherits no
    configuration."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def log_value(what: str, caller: EmployeeCaller, card_id: uuid.UUID, minor: int) -> None:
    """Log a move of value, and count it for ``/metrics``."""
    VALUE_MOVES.labels(what).inc()
    VALUE_MOVED.labels(what, caller.store.currency).inc(abs(minor))  # an adjustment down too
    log.info(
        "%s card=%s amount=%d %s employee=%s register=%s",
        what,
        card_id,
        minor,
        caller.store.currency,
        caller.employee_id,
        caller.register.register_id,
    )
