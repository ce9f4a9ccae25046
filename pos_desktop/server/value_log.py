"""One INFO line for every move of value, so an operator can follow who did what where.

Never a card number or a code: the card is named by its id.
"""

from __future__ import annotations

import logging
import uuid

from pos_desktop.server.context import EmployeeCaller

log = logging.getLogger("pos_desktop.server.value")


def log_value(what: str, caller: EmployeeCaller, card_id: uuid.UUID, minor: int) -> None:
    log.info(
        "%s card=%s amount=%d %s employee=%s register=%s",
        what,
        card_id,
        minor,
        caller.store.currency,
        caller.employee_id,
        caller.register.register_id,
    )
