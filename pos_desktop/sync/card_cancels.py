"""Cancels owed to the server for gift cards whose lines left an open ticket (or whose
ticket was voided): asked once at once, then again with the same key until confirmed.

Nothing is lost if a cancel never arrives: the push of the finished ticket cancels every
card it does not carry on a line. The cancel makes that prompt (a blank card goes back to
stock, the card reads Voided) and settles a sale whose answer was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from pos_desktop.contracts import CardLoadRef
from pos_desktop.db import card_lines
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.sync.client import DEFAULT_TIMEOUT_SECONDS, ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)

# A sale asked this long ago with no answer recorded was cut off (the register stopped during
# the call): it is cancelled rather than left pending.
UNANSWERED_AFTER = timedelta(seconds=6 * DEFAULT_TIMEOUT_SECONDS)
# The server has no card for the line, or has settled it already: nothing more to ask.
_NOTHING_TO_CANCEL = frozenset({ErrorCode.LOAD_NOT_FOUND, ErrorCode.TICKET_COMPLETED})


class CardCancels:
    def __init__(
        self, database: RegisterDatabase, client: ServerClient, clock: Callable[[], datetime]
    ) -> None:
        self._database = database
        self._client = client
        self._clock = clock

    def push_once(self) -> int:
        """Ask every cancel owed; returns how many the server confirmed. Stops at the first
        sign the server is out of reach, keeping the rest for the next round."""
        with self._database.session() as db:
            owed = card_lines.owed_cancels(db, self._clock() - UNANSWERED_AFTER)
            db.commit()
        done = 0
        for item in owed:
            try:
                self._client.cancel_card_load(
                    CardLoadRef(ticket_id=item.ticket_id, line_id=item.line_id), item.key
                )
            except ServerUnreachable:
                log.info("server unreachable; %d gift-card cancels wait", len(owed) - done)
                return done
            except ServerError as exc:
                if exc.code not in _NOTHING_TO_CANCEL:
                    log.warning("cancel of card line %s not confirmed: %s", item.line_id, exc)
                    with self._database.session() as db:
                        card_lines.cancel_failed(db, item.line_id, exc.message)
                        db.commit()
                    if exc.is_unauthorized or exc.outcome_unknown:
                        return done
                    continue
                log.info("card line %s: nothing to cancel (%s)", item.line_id, exc.code)
            with self._database.session() as db:
                card_lines.cancelled(db, item.line_id, self._clock())
                db.commit()
            done += 1
        return done
