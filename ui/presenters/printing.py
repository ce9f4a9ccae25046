"""The receipt printer as the cashier sees it: whether receipts are waiting, whether the
drawer of the sale on the paid screen opened, Reprint, and the drawer opened without a sale.

The print worker reports from its own thread; a signal carries that to the GUI thread, where
the last status is kept for the next paid screen. Reprinting only stores a job (SQLite), on
the worker: the screen never waits on paper, nor on the database (listening tells the status
at once, which counts the receipts waiting: a worker does that too).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.receipt import CardSlip
from pos_desktop.services.results import PrintStatus
from ui.presenters.background import BackgroundPresenter
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.services.printing import PrintService

log = logging.getLogger(__name__)

NOTHING_TO_REPRINT = "No receipt has been printed yet."
REPRINT_QUEUED = "The last receipt is printing again."
RECEIPT_WAITING = "Receipt waiting for the printer: it prints when the printer is back."
DRAWER_NOT_OPENED = "The drawer did not open: printer offline. Open it with the key."


@dataclass(frozen=True, slots=True)
class PrinterNote:
    """What the paid screen says of its ticket's drawer and receipt; empty text: nothing."""

    text: str = ""
    kind: Literal["error", "info"] = "info"  # a banner's kinds


def paid_note(status: PrintStatus | None, ticket_id: uuid.UUID | None) -> PrinterNote:
    """The note for the paid screen of ``ticket_id`` under ``status``."""
    if status is None or ticket_id is None:
        return PrinterNote()
    drawer = status.drawer_missed == ticket_id
    waiting = status.waiting > 0 and status.offline is not None
    lines = ([DRAWER_NOT_OPENED] if drawer else []) + ([RECEIPT_WAITING] if waiting else [])
    return PrinterNote("\n".join(lines), "error" if drawer else "info")


class PrintingPresenter(BackgroundPresenter):
    status_changed = Signal(str)  # the banner's text; empty: nothing to say
    paid_note_changed = Signal(object)  # a PrinterNote for the ticket ``follow_ticket`` named
    said = Signal(str)  # a short answer to Reprint
    _heard_status = Signal(object)  # a PrintStatus, from the print worker's thread

    def __init__(
        self,
        printing: PrintService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self.service = printing  # the window compares it with the register's current one
        self.status: PrintStatus | None = None  # the last heard, on the GUI thread
        self._ticket: uuid.UUID | None = None
        # From the print worker's thread: a signal of this GUI-thread object is queued.
        self._heard_status.connect(self._heard)
        self._stopped = False
        # Listening tells the current status at once: a count of the receipts waiting, a query
        # of the register's database, so it runs on a worker of its own (Reprint is not held
        # up by it), like every other presenter's loading.
        self._listening = Worker(self, pool)
        self._listening.submit(
            self._listen,
            lambda _none: None,
            lambda error: log.warning("printer status not read: %s", error),
        )

    def _listen(self) -> None:
        """On the worker."""
        self.service.set_status_listener(self._heard_status.emit)
        if self._stopped:  # let go of meanwhile (on the GUI thread): stay let go of
            self.service.set_status_listener(None)

    def _heard(self, status: PrintStatus) -> None:
        self.status = status
        self.status_changed.emit(status.message)
        self.paid_note_changed.emit(self.paid_note())

    def follow_ticket(self, ticket_id: uuid.UUID | None) -> PrinterNote:
        """The paid screen shows ``ticket_id`` (None: it closed); its note now, and
        ``paid_note_changed`` with each change."""
        self._ticket = ticket_id
        return self.paid_note()

    def paid_note(self) -> PrinterNote:
        return paid_note(self.status, self._ticket)

    def reprint_last(self, approval: Approval | None = None) -> None:
        """``approval``: a manager's, where the store asks one of a cashier."""
        if self.busy:
            return
        self._worker.submit(
            lambda: self.service.reprint_last_receipt(approval),
            lambda queued: self.said.emit(REPRINT_QUEUED if queued else NOTHING_TO_REPRINT),
            lambda error: self._on_failed(error, self.said.emit),
        )

    def print_slip(self, slip: CardSlip | None) -> None:
        """A gift card slip after a Deduct Funds: stored, then printed by the print worker."""
        if slip is None:
            return
        self._worker.submit(
            lambda: self.service.queue_slip(slip),
            lambda _job: None,
            lambda error: self._on_failed(error, self.said.emit),
        )

    def stop_listening(self) -> None:
        self._stopped = True
        self.service.set_status_listener(None)
