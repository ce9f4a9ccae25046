"""Print jobs: stored in the register database first, printed in order by one worker thread.

``PrintService.queue*`` only writes a row (any thread; never the printer), and wakes the
worker. The worker prints the oldest waiting job; when the printer is offline or stalls (out
of paper, lid open: the write times out), the job keeps waiting and is tried again every
``retry_seconds``, and the jobs behind it wait their turn. A job is marked printed right after
the printer took it, so in one running register each job prints once; a crash between the two
would print that one job again at the next start, never lose it.

The cash drawer opens by a job of its own ("drawer", queued with a cash sale's receipt), taken
before any other waiting job. It is tried once: when the printer cannot take it (offline), or
it was not tried within ``DRAWER_SECONDS`` (a register restarted, a printer stalled on the job
before), it is given up and the status names its ticket, so the paid screen tells the cashier
to open the drawer with the key. A drawer never opens unattended, and no receipt carries the
kick. A reprint renders the stored receipt again, marked COPY. The drawer opened without a sale
("Open drawer") is a drawer job of no ticket, and follows the same rules.

A manager's approval of a reprint or of the drawer (where the store asks one of a cashier) is
written to the approval outbox in the transaction that stores the job.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import ColumnElement, case, func, select, update

from hardware.printer import PrinterOffline, drawer_kick
from pos_desktop.db import approvals
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import PrintJob
from pos_desktop.domain.approvals import Approval
from pos_desktop.domain.receipt import Receipt
from pos_desktop.domain.slips import Slip
from pos_desktop.receipts.stored import dump_receipt, load_receipt
from pos_desktop.services.results import PrintStatus

log = logging.getLogger(__name__)

JobKind = Literal["receipt", "slip", "test", "drawer"]
RETRY_SECONDS = 5.0
# A drawer job still untried this long after the sale is given up: the cashier has moved on.
DRAWER_SECONDS = 30.0
MAX_ERROR_LENGTH = 500


class Printer(Protocol):
    name: str

    def send(self, data: bytes) -> None:
        """Write ``data`` to the printer or raise ``PrinterOffline``."""


@dataclass(frozen=True, slots=True)
class _Job:
    id: int
    kind: str
    data: bytes
    ticket_id: uuid.UUID | None
    created_at: datetime


class PrintService:
    def __init__(
        self,
        database: RegisterDatabase,
        printer: Printer,
        render: Callable[[Receipt], bytes],
        clock: Callable[[], datetime],
        *,
        render_slip: Callable[[Slip], bytes] | None = None,
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
        self._drawer_missed: uuid.UUID | None = None
        self._status_lock = threading.Lock()
        self._last_status: PrintStatus | None = None

    def set_printer(
        self,
        printer: Printer,
        render: Callable[[Receipt], bytes],
        render_slip: Callable[[Slip], bytes] | None = None,
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
        ticket_id: uuid.UUID | None = None,
        receipt: Receipt | None = None,
        approval: Approval | None = None,
    ) -> int:
        """Store a job (committed before this returns) and wake the worker; its id.

        ``receipt``: the words ``data`` prints, kept so a reprint can render them again;
        ``approval``: the manager's approval of the job, recorded with it."""
        with self._database.session() as db, db.begin():
            if approval is not None:
                approvals.enqueue(db, approval)
            job = self._job(kind, data, ticket_id, receipt)
            db.add(job)
            db.flush()
            job_id = job.id
        self._wake.set()
        return job_id

    def _job(
        self, kind: JobKind, data: bytes, ticket_id: uuid.UUID | None, receipt: Receipt | None
    ) -> PrintJob:
        return PrintJob(
            kind=kind,
            data=data,
            receipt=dump_receipt(receipt) if receipt is not None else None,
            ticket_id=ticket_id,
            created_at=self._clock(),
            attempts=0,
        )

    def queue_receipt(
        self, receipt: Receipt, ticket_id: uuid.UUID, *, open_drawer: bool = False
    ) -> int | None:
        """The receipt of a completed ticket, once per ticket (None when it was queued); its
        job's id. ``open_drawer`` (a cash sale): a drawer job is stored with it, a job of its
        own that goes first and opens the drawer now or never."""
        with self._database.session() as db:
            queued = db.execute(
                select(PrintJob.id).where(
                    PrintJob.ticket_id == ticket_id, PrintJob.kind == "receipt"
                )
            ).first()
        if queued is not None:
            return None
        data = self._render(receipt)
        with self._database.session() as db, db.begin():
            if open_drawer:
                db.add(self._job("drawer", drawer_kick(), ticket_id, None))
            job = self._job("receipt", data, ticket_id, receipt)
            db.add(job)
            db.flush()
            job_id = job.id
        self._wake.set()
        return job_id

    def queue_slip(self, slip: Slip) -> int | None:
        """A gift card slip (after a Deduct Funds), a card's mini-statement or a sold card's
        number; None when this printer prints no slips."""
        if self._render_slip is None:
            return None
        return self.queue(self._render_slip(slip), "slip")

    def reprint_last_receipt(self, approval: Approval | None = None) -> bool:
        """Queue the last receipt again, rendered for today's printer and marked COPY (the
        drawer stays shut); False if there is none (or only ones stored before copies).
        ``approval``: a manager's, recorded with the receipt's ticket (none: nothing printed,
        nothing recorded)."""
        with self._database.session() as db:
            row = db.execute(
                select(PrintJob.receipt, PrintJob.ticket_id)
                .where(PrintJob.kind == "receipt", PrintJob.receipt.is_not(None))
                .order_by(PrintJob.id.desc())
                .limit(1)
            ).first()
        if row is None or row.receipt is None:
            return False
        copy = replace(load_receipt(row.receipt), copy=True)
        if approval is not None:
            number = copy.ticket_number
            approval = approval.of(
                row.ticket_id, f"Receipt of ticket #{number}" if number is not None else None
            )
        self.queue(
            self._render(copy), "receipt", ticket_id=row.ticket_id, receipt=copy, approval=approval
        )
        return True

    def open_drawer(self, approval: Approval | None = None) -> int:
        """Open the cash drawer without a sale: a drawer job of no ticket, first in line, now
        or never (see the module's note); its id. ``approval``: a manager's, recorded with
        it."""
        return self.queue(
            drawer_kick(), "drawer", approval=approval.of(None) if approval is not None else None
        )

    def status(self) -> PrintStatus:
        with self._database.session() as db:
            waiting = db.execute(
                select(func.count())
                .select_from(PrintJob)
                .where(_waiting(), PrintJob.kind != "drawer")
            ).scalar_one()
        return PrintStatus(int(waiting), self._offline, self._drawer_missed)

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
            drawer = job.kind == "drawer"
            if drawer and self._clock() - job.created_at > timedelta(seconds=DRAWER_SECONDS):
                self._give_up(job, "not tried in time", tried=False)
                continue
            try:
                self._printer.send(job.data)
            except PrinterOffline as exc:
                reason = exc.reason
            except Exception as exc:  # a printer driver's surprise must not kill the worker
                log.exception("printing job %s failed", job.id)
                reason = f"{type(exc).__name__}: {exc}"
            else:
                self._printed(job)
                continue
            if drawer:
                # Now or never: it must not open later with nobody at the till.
                self._give_up(job, reason, tried=True)
            else:
                self._waits(job, reason)
            self._offline = reason
            self._publish()
            return False
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

    def _next(self) -> _Job | None:
        """The oldest waiting drawer job, else the oldest waiting job."""
        with self._database.session() as db:
            row = db.execute(
                select(
                    PrintJob.id,
                    PrintJob.kind,
                    PrintJob.data,
                    PrintJob.ticket_id,
                    PrintJob.created_at,
                )
                .where(_waiting())
                .order_by(case((PrintJob.kind == "drawer", 0), else_=1), PrintJob.id)
                .limit(1)
            ).first()
        if row is None:
            return None
        return _Job(row.id, row.kind, row.data, row.ticket_id, row.created_at)

    def _printed(self, job: _Job) -> None:
        printed: dict[str, object] = {
            "printed_at": self._clock(),
            "attempts": PrintJob.attempts + 1,
        }
        if job.kind == "slip":
            # A slip is never printed again, and a sold card's slip holds its number.
            printed["data"] = b""
        self._mark(job.id, **printed)
        self._offline = None
        if job.kind == "drawer":
            self._drawer_missed = None
        self._publish()

    def _give_up(self, job: _Job, reason: str, *, tried: bool) -> None:
        """The drawer job is never sent; ``tried``: this was a try, counted in the same write,
        so no reader sees a drawer given up after a try that was not counted."""
        log.warning("the drawer of ticket %s did not open: %s", job.ticket_id, reason)
        values: dict[str, object] = {
            "given_up_at": self._clock(),
            "last_error": reason[:MAX_ERROR_LENGTH],
        }
        if tried:
            values["attempts"] = PrintJob.attempts + 1
        self._mark(job.id, **values)
        self._drawer_missed = job.ticket_id

    def _waits(self, job: _Job, reason: str) -> None:
        log.warning("print job %s waits: %s", job.id, reason)
        self._mark(job.id, attempts=PrintJob.attempts + 1, last_error=reason[:MAX_ERROR_LENGTH])

    def _mark(self, job_id: int, **values: object) -> None:
        with self._database.session() as db, db.begin():
            db.execute(update(PrintJob).where(PrintJob.id == job_id).values(**values))

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


def _waiting() -> ColumnElement[bool]:
    return PrintJob.printed_at.is_(None) & PrintJob.given_up_at.is_(None)
