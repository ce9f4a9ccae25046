"""The server's logs: INFO and up to stderr in every process, and one INFO line for every move
of value, so an operator can follow who did what where.

Never a card number or a code: the card is named by its id.
"""

from __future__ import annotations

import logging
import uuid

from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.metrics import VALUE_MOVED, VALUE_MOVES

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("pos_desktop.server.value")


def configure_logging() -> None:
    """INFO and up to stderr, unless this process has configured logging already. Each of
    ``serve --workers N``'s processes calls it: a worker inherits no configuration."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format=FORMAT)


def log_value(what: str, caller: EmployeeCaller, card_id: uuid.UUID, minor: int) -> None:
    """Log a move of value, and count it for ``/metrics``."""
    VALUE_MOVES.labels(what).inc()
    VALUE_MOVED.labels(what, caller.store.currency).inc(minor)
    log.info(
        "%s card=%s amount=%d %s employee=%s register=%s",
        what,
        card_id,
        minor,
        caller.store.currency,
        caller.employee_id,
        caller.register.register_id,
    )
