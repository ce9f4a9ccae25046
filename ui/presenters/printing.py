"""The receipt printer as the cashier sees it: whether receipts are waiting, and Reprint.

The print worker reports from its own thread; a signal carries that to the GUI thread.
Reprinting only stores a job (SQLite), on the worker: the screen never waits on paper.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.receipt import CardSlip
from pos_desktop.services.printing import PrintService, PrintStatus
from ui.presenters.background import BackgroundPresenter
from ui.presenters.error_text import cashier_message

NOTHING_TO_REPRINT = "No receipt has been printed yet."
REPRINT_QUEUED = "The last receipt is printing again."


class PrintingPresenter(BackgroundPresenter):
    status_changed = Signal(str)  # the banner's text; empty: nothing to say
    said = Signal(str)  # a short answer to Reprint

    def __init__(
        self,
        printing: PrintService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self.service = printing  # the window compares it with the register's current one
        # From the print worker's thread: a signal of this GUI-thread object is queued.
        printing.set_status_listener(self._heard)

    def _heard(self, status: PrintStatus) -> None:
        self.status_changed.emit(status.message)

    def reprint_last(self) -> None:
        if self.busy:
            return
        self._worker.submit(
            self.service.reprint_last_receipt,
            lambda queued: self.said.emit(REPRINT_QUEUED if queued else NOTHING_TO_REPRINT),
            lambda error: self.said.emit(cashier_message(error)),
        )

    def print_slip(self, slip: CardSlip | None) -> None:
        """A gift card slip after a Deduct Funds: stored, then printed by the print worker."""
        if slip is None:
            return
        self._worker.submit(
            lambda: self.service.queue_slip(slip),
            lambda _job: None,
            lambda error: self.said.emit(cashier_message(error)),
        )

    def stop_listening(self) -> None:
        self.service.set_status_listener(None)
