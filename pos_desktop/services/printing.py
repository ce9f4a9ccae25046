"""Print jobs: stored in the register database first, printed in order by one worker thread.

``PrintService.queue*`` only writes a row (any thread; never the printer), and wakes the
worker. The worker prints the oldest waiting job; when the printer is offline or stalls (out
of paper, lid open: the write times out), the job keeps waiting and is tried again every
``retry_seconds``, and the jobs behind it wait their turn. A job is marked printed right after
the printer took it, so in one running register each job prints once; a crash between the two
would print that one job again at the next start, never lose it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import func, select, update

from hardware.printer import PrinterOffline, drawer_kick
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import PrintJob
from pos_desktop.domain.receipt import CardSlip, Receipt

log = logging.getLogger(__name__)

JobKind = Literal["receipt", "slip", "test"]
RETRY_SECONDS = 5.0
MAX_ERROR_LENGTH = 500


class Printer(Protocol):
    name: str

    def send(self, data: bytes) -> None:
        """Write ``data`` to the printer or raise ``PrinterOffline``."""


@dataclass(frozen=True, slots=True)
class PrintStatus:
    waiting: int  # jobs not printed yet
    offline: str | None  # why the last attempt failed; None once the printer took a job

    @property
    def message(self) -> str:
        """The banner's text; empty when there is nothing to say."""
        if not self.waiting or self.offline is None:
            return ""
        jobs = "1 receipt" if self.waiting == 1 else f"{self.waiting} receipts"
        verb = "it prints" if self.waiting == 1 else "they print"
        return f"Printer offline: {jobs} waiting; {verb} when it is back"


class PrintService:
    def __init__(
        self,
        database: RegisterDatabase,
        printer: Printer,
        render: Callable[[Receipt], bytes],
        clock: Callable[[], datetime],
        *,
        render_slip: Callable[[CardSlip], bytes] | None = None,
        retry_seconds: float = RETRY_SECONDS,
        on_status: Callable[[PrintStatus], None] | None = None,
    ) -> None:
        """``render_slip``: how a gift card slip is set; None: this printer prints none."""
        self._database = database
        self._printer = printer
        self._render = render
        self._render_slip = render_slip
        self._clock = clock
        self._retry_seconds = retry_seconds
        self._on_status = on_status
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._offline: str | None = None
        self._status_lock = threading.Lock()
        self._last_status: PrintStatus | None = None

    def set_printer(
        self,
        printer: Printer,
        render: Callable[[Receipt], bytes],
        render_slip: Callable[[CardSlip], bytes] | None = None,
    ) -> None:
        """Print on ``printer`` from now on (settings changed): waiting jobs try it at once.

        The job in hand, if any, finishes on the old printer; every later attempt uses this one.
        """
        self._printer = printer
        self._render = render
        self._render_slip = render_slip
        self._offline = None
        self._wake.set()

    # -- queueing (any thread) ---------------------------------------------------------------

    def queue(
        self,
        data: bytes,
        kind: JobKind,
        *,
        open_drawer: bool = False,
        ticket_id: uuid.UUID | None = None,
    ) -> int:
        """Store a job (committed before this returns) and wake the worker; its id."""
        with self._database.session() as db, db.begin():
            job = PrintJob(
                kind=kind,
                data=data,
                open_drawer=open_drawer,
                ticket_id=ticket_id,
                created_at=self._clock(),
                attempts=0,
            )
            db.add(job)
            db.flush()
            job_id = job.id
        self._wake.set()
        return job_id

    def queue_receipt(
        self, receipt: Receipt, ticket_id: uuid.UUID, *, open_drawer: bool = False
    ) -> int | None:
        """The receipt of a completed ticket, once per ticket (None when it was queued)."""
        with self._database.session() as db:
            queued = db.execute(
                select(PrintJob.id).where(
                    PrintJob.ticket_id == ticket_id, PrintJob.kind == "receipt"
                )
            ).first()
        if queued is not None:
            return None
        return self.queue(
            self._render(receipt), "receipt", open_drawer=open_drawer, ticket_id=ticket_id
        )

    def queue_slip(self, slip: CardSlip) -> int | None:
        """A gift card slip (after a Deduct Funds); None when this printer prints no slips."""
        if self._render_slip is None:
            return None
        return self.queue(self._render_slip(slip), "slip")

    def reprint_last_receipt(self) -> bool:
        """Queue the last receipt again (without opening the drawer); False if there is none."""
        with self._database.session() as db:
            data = db.execute(
                select(PrintJob.data)
                .where(PrintJob.kind == "receipt")
                .order_by(PrintJob.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        if data is None:
            return False
        self.queue(data, "receipt")
        return True

    def status(self) -> PrintStatus:
        with self._database.session() as db:
            waiting = db.execute(
                select(func.count()).select_from(PrintJob).where(PrintJob.printed_at.is_(None))
            ).scalar_one()
        return PrintStatus(int(waiting), self._offline)

    # -- the worker --------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="print-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop after the job in hand; True when the thread ended within ``timeout``."""
        thread = self._thread
        self._stopping.set()
        self._wake.set()
        if thread is None:
            return True
        thread.join(timeout)
        self._thread = None
        return not thread.is_alive()

    def print_waiting(self) -> bool:
        """Print waiting jobs in order until none is left (True) or the printer fails (False)."""
        while not self._stopping.is_set():
            job = self._next()
            if job is None:
                return True
            job_id, data, open_drawer = job
            try:
                # The drawer opens first, while the receipt prints, in one connection.
                self._printer.send(drawer_kick() + data if open_drawer else data)
            except PrinterOffline as exc:
                self._failed(job_id, exc.reason)
                return False
            except Exception as exc:  # a printer driver's surprise must not kill the worker
                log.exception("printing job %s failed", job_id)
                self._failed(job_id, f"{type(exc).__name__}: {exc}")
                return False
            self._printed(job_id)
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                done = self.print_waiting()
            except Exception:  # the database itself failed; try again later
                log.exception("the print worker failed")
                done = False
            self._publish()
            if self._stopping.is_set():
                return
            self._wake.wait(None if done else self._retry_seconds)

    def _next(self) -> tuple[int, bytes, bool] | None:
        with self._database.session() as db:
            row = db.execute(
                select(PrintJob.id, PrintJob.data, PrintJob.open_drawer)
                .where(PrintJob.printed_at.is_(None))
                .order_by(PrintJob.id)
                .limit(1)
            ).first()
        return (row.id, row.data, row.open_drawer) if row is not None else None

    def _printed(self, job_id: int) -> None:
        with self._database.session() as db, db.begin():
            db.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id)
                .values(printed_at=self._clock(), attempts=PrintJob.attempts + 1)
            )
        self._offline = None
        self._publish()

    def _failed(self, job_id: int, reason: str) -> None:
        log.warning("print job %s waits: %s", job_id, reason)
        with self._database.session() as db, db.begin():
            db.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id)
                .values(attempts=PrintJob.attempts + 1, last_error=reason[:MAX_ERROR_LENGTH])
            )
        self._offline = reason
        self._publish()

    def _publish(self) -> None:
        # Read once: the window may let go of the listener (closing) while this runs.
        listener = self._on_status
        if listener is None:
            return
        status = self.status()
        with self._status_lock:
            if status == self._last_status:
                return
            self._last_status = status
        listener(status)

    def set_status_listener(self, listener: Callable[[PrintStatus], None] | None) -> None:
        """Who hears the status (from the worker thread); it hears the current one at once."""
        self._on_status = listener
        with self._status_lock:
            self._last_status = None
        if listener is not None:
            self._publish()
