"""Push finished tickets from the outbox to the server, and managers' approvals from the
approval outbox beside them, after the gift-card cancels owed (``card_cancels``).

Pushing is idempotent by ticket id, so a batch whose answer was lost is simply pushed again:
the server lists the tickets it already had as duplicates, and those count as sent too. An
approval is recorded once by its id, so every approval of a push the server answered is sent.

Closed drawer shifts follow, oldest Z first, once no ticket waits: the tickets a Z counted
reach the server before it, however long the register was offline. A shift is kept once by
its id too; a shift the server refuses (a Z number it holds for another shift) waits, with the
server's words, and is tried again, never dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError

from pos_desktop.contracts import Shift, Ticket
from pos_desktop.db import approvals as approval_outbox
from pos_desktop.db import outbox, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.sync.card_cancels import CardCancels
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        database: RegisterDatabase,
        client: ServerClient,
        clock: Callable[[], datetime],
    ) -> None:
        self._database = database
        self._client = client
        self._clock = clock
        self._card_cancels = CardCancels(database, client, clock)

    def waiting(self) -> int:
        """How many finished tickets the server has not confirmed yet; the client says so on
        its next requests (the Back Office lists it)."""
        with self._database.session() as db:
            count = outbox.waiting_count(db)
        self._client.tickets_waiting = count
        return count

    def push_once(self, batch: int = 100, *, ticket_id: uuid.UUID | None = None) -> int:
        """Push up to ``batch`` waiting tickets (or only ``ticket_id``'s) and, unless only one
        ticket is asked for, the approvals waiting; returns how many tickets the server
        confirmed. Whatever happened, the count still waiting is counted again."""
        try:
            if ticket_id is None:
                self._card_cancels.push_once()
            pushed = self._push(batch, ticket_id)
            if ticket_id is None:
                self._push_shifts()
            return pushed
        finally:
            self.waiting()

    def _push_shifts(self, batch: int = 20) -> int:
        """Push closed shifts, oldest Z first, once no finished ticket waits; how many the
        server confirmed."""
        with self._database.session() as db:
            if outbox.waiting_count(db):
                return 0
            items = shifts.waiting(db, batch)
        if not items:
            return 0
        records: list[Shift] = []
        ids: list[uuid.UUID] = []
        for item in items:
            try:
                records.append(Shift.model_validate_json(item.body))
            except ValidationError as exc:
                # Kept and counted, never dropped: its Z is on paper and in its PDF.
                log.error("closed shift %s (Z #%d) is unreadable: %s", item.id, item.z_number, exc)
                with self._database.session() as db:
                    shifts.mark_failed(db, [item.id], "the stored shift cannot be read")
                    db.commit()
                continue
            ids.append(item.id)
        if not records:
            return 0
        try:
            answer = self._client.push([], shifts=records)
        except ServerUnreachable:
            log.info("server unreachable; %d shifts stay in the outbox", len(records))
            return 0
        except ServerError as exc:
            log.warning("server refused %d shifts: %s", len(records), exc)
            with self._database.session() as db:
                shifts.mark_failed(db, ids, exc.message)
                db.commit()
            return 0
        confirmed = set(answer.shifts_accepted) | set(answer.shift_duplicates)
        sent = [shift_id for shift_id in ids if shift_id in confirmed]
        with self._database.session() as db:
            shifts.mark_sent(db, sent, self._clock())
            db.commit()
        log.info("pushed %d shifts", len(sent))
        return len(sent)

    def _push(self, batch: int, ticket_id: uuid.UUID | None) -> int:
        with self._database.session() as db:
            items = outbox.waiting(db, batch, ticket_id)
            approvals = approval_outbox.waiting(db, batch) if ticket_id is None else []
        if not items and not approvals:
            return 0
        tickets: list[Ticket] = []
        unreadable: list[int] = []
        for item in items:
            try:
                tickets.append(Ticket.model_validate_json(item.body))
            except ValidationError as exc:
                # Kept (and counted) rather than dropped: a sale must never vanish silently.
                log.error(
                    "outbox item %d (ticket %s) is unreadable: %s", item.id, item.ticket_id, exc
                )
                unreadable.append(item.id)
        if unreadable:
            with self._database.session() as db:
                outbox.mark_failed(db, unreadable, "the stored ticket cannot be read")
                db.commit()
        if not tickets and not approvals:
            return 0
        pushed = [item for item in items if item.id not in unreadable]
        approval_ids = [approval.id for approval in approvals]
        try:
            answer = self._client.push(tickets, approvals)
        except ServerUnreachable:
            log.info(
                "server unreachable; %d tickets and %d approvals stay in the outbox",
                len(tickets),
                len(approvals),
            )
            return 0
        except ServerError as exc:
            log.warning(
                "server refused %d tickets and %d approvals: %s", len(tickets), len(approvals), exc
            )
            with self._database.session() as db:
                outbox.mark_failed(db, [item.id for item in pushed], exc.message)
                approval_outbox.mark_failed(db, approval_ids, exc.message)
                db.commit()
            return 0
        confirmed = set(answer.accepted) | set(answer.duplicates)
        sent = [item.id for item in pushed if item.ticket_id in confirmed]
        with self._database.session() as db:
            outbox.mark_sent(db, sent, self._clock())
            approval_outbox.mark_sent(db, approval_ids, self._clock())
            db.commit()
        if len(sent) < len(pushed):
            log.warning("server confirmed %d of %d tickets pushed", len(sent), len(pushed))
        log.info("pushed %d tickets", len(sent))
        return len(sent)
