"""The cash drawer's shifts at the register: open with a float, pay in and out, open the
drawer with no sale, an X report any time, and the close with the drawer's count, which makes
the numbered Z report, prints it and keeps it as a PDF; past Z reports printed again.

Everything is written to the register's database before anything is printed, so a crash
loses nothing and a close is whole or not done (``db.shifts``). Cash is taken only while a
shift is open: the checkout and the cash-outs refuse it otherwise (``domain.shifts``).

Blocking (SQLite, disk): presenters call it on a worker.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from pos_desktop import contracts as c
from pos_desktop.db import approvals as approval_outbox
from pos_desktop.db import cash, sales, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.approvals import Approval, ApprovalAction
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import known_locale, local_time, rows_text
from pos_desktop.domain.shift_paper import ReportKind, ShiftPaper, shift_rows
from pos_desktop.domain.shifts import (
    DrawerCount,
    Movement,
    MovementKind,
    ShiftRefused,
    ShiftReport,
    check_cash_amount,
    check_note,
    check_reason,
    denominations,
    shift_report,
)
from pos_desktop.services.approvals import approval_to_record
from pos_desktop.services.printing import PrintService
from pos_desktop.services.results import Employee
from pos_desktop.services.shift_results import (
    DrawerState,
    OpenShiftView,
    PastShift,
    ShiftPrinted,
)

log = logging.getLogger(__name__)

PAST_SHIFTS = 30
OTHER_CURRENCY = "The drawer is counted in {shift}, the shift's currency, not {count}."
CASH_ON_OPEN_TICKET = (
    "Ticket #{number} has cash on it and is still open: finish or void it before closing "
    "the drawer."
)
NO_SUCH_Z = "That Z report is not on this register."


class ShiftService:
    def __init__(
        self,
        database: RegisterDatabase,
        clock: Callable[[], datetime],
        rules: Callable[[], StoreRules],
        register_name: str,
        folder: Path,
        printing: Callable[[], PrintService | None],
        on_closed: Callable[[], None] | None = None,
    ) -> None:
        """``rules``: the store's (currency, names, clock); ``folder``: where Z reports are
        kept as PDF; ``printing``: the receipt printer's queue as the Settings tab set it
        last (None: no printer); ``on_closed`` runs after a close (wake the relay)."""
        self._database = database
        self._clock = clock
        self._rules = rules
        self._register_name = register_name
        self._folder = folder
        self._printing = printing
        self._on_closed = on_closed

    # -- the drawer now ----------------------------------------------------------------------

    def state(self) -> DrawerState:
        rules = self._rules()
        with self._database.session() as db:
            return self._state(db, rules)

    def _state(self, db: Session, rules: StoreRules) -> DrawerState:
        currency = rules.currency
        base = DrawerState(currency, known_locale(rules.locale), denominations(currency))
        shift = shifts.open_shift(db)
        if shift is None:
            return base
        view = OpenShiftView(
            shift.id,
            local_time(shift.opened_at, rules.timezone),
            shift.opened_by_name,
            shift.opening_float,
        )
        report = self._so_far(db, shift)
        return DrawerState(base.currency, base.locale, base.denominations, view, report)

    @staticmethod
    def _so_far(db: Session, shift: shifts.OpenShift) -> ShiftReport:
        """The open shift's report: everything no Z has counted yet."""
        facts = shifts.facts(db, None)
        movements = [moved.movement for moved in facts.movements]
        return shift_report(shift.opening_float, facts.sales, movements, facts.refunds)

    def open(self, employee: Employee, count: DrawerCount) -> DrawerState:
        """Open a shift with ``count`` in the drawer as its float."""
        rules = self._rules()
        if count.total.currency != rules.currency:
            raise ShiftRefused(
                OTHER_CURRENCY.format(shift=rules.currency, count=count.total.currency)
            )
        with self._database.session() as db:
            shifts.start(
                db,
                opening=count,
                employee_id=employee.id,
                employee_name=employee.name,
                now=self._clock(),
            )
            db.commit()
            return self._state(db, rules)

    # -- cash outside sales ------------------------------------------------------------------

    def pay_in(self, employee: Employee, amount: Money, reason: str) -> DrawerState:
        """Cash put into the drawer (change from the bank, a float top-up)."""
        return self._move(employee, MovementKind.PAY_IN, check_cash_amount(amount), reason)

    def pay_out(self, employee: Employee, amount: Money, reason: str) -> DrawerState:
        """Cash taken out of the drawer (milk from the shop next door, a bank drop)."""
        paid = check_cash_amount(amount)
        return self._move(employee, MovementKind.PAY_OUT, Money(-paid.minor, paid.currency), reason)

    def no_sale(
        self, employee: Employee, reason: str, approval: Approval | None = None
    ) -> DrawerState:
        """The drawer opened with no sale: counted, with its reason, and (where the store asks
        it of a cashier) the manager's approval; the printer kicks the drawer open."""
        rules = self._rules()
        words = check_reason(reason)
        with self._database.session() as db:
            self._ensure_open(db)
            approval = approval_to_record(db, employee.id, ApprovalAction.OPEN_DRAWER, approval)
            cash.record(
                db,
                kind=MovementKind.NO_SALE,
                amount=Money.zero(rules.currency),
                reason=words,
                employee_id=employee.id,
                employee_name=employee.name,
                at=self._clock(),
                approved_by=approval.manager_id if approval is not None else None,
            )
            if approval is not None:
                approval_outbox.enqueue(db, approval.of(None, f"No sale: {words}"))
            db.commit()
            state = self._state(db, rules)
        return replace(state, drawer_kicked=self._kick_drawer())

    def _kick_drawer(self) -> bool:
        """Ask the receipt printer to open the drawer; False when there is none, it is
        offline or the kick could not be queued (the no sale is counted all the same)."""
        printing = self._printing()
        if printing is None:
            return False
        try:
            printing.open_drawer()
            return printing.status().offline is None
        except Exception:
            log.exception("could not queue the drawer for a no sale")
            return False

    def _move(
        self, employee: Employee, kind: MovementKind, amount: Money, reason: str
    ) -> DrawerState:
        rules = self._rules()
        words = check_reason(reason)
        if amount.currency != rules.currency:
            raise ShiftRefused(OTHER_CURRENCY.format(shift=rules.currency, count=amount.currency))
        with self._database.session() as db:
            self._ensure_open(db)
            cash.record(
                db,
                kind=kind,
                amount=amount,
                reason=words,
                employee_id=employee.id,
                employee_name=employee.name,
                at=self._clock(),
            )
            db.commit()
            return self._state(db, rules)

    @staticmethod
    def _ensure_open(db: Session) -> shifts.OpenShift:
        return shifts.ensure_open(db)

    # -- reports -----------------------------------------------------------------------------

    def x_report(self, employee: Employee, *, print_it: bool = False) -> ShiftPrinted:
        """The open shift's report so far; nothing is closed. ``print_it``: on the receipt
        printer too."""
        rules = self._rules()
        now = self._clock()
        with self._database.session() as db:
            shift = self._ensure_open(db)
            report = self._so_far(db, shift)
            movements = tuple(moved.movement for moved in shifts.facts(db, None).movements)
        paper = ShiftPaper(
            kind=ReportKind.X,
            store_name=rules.name,
            register_name=self._register_name,
            locale=known_locale(rules.locale),
            opened_at=local_time(shift.opened_at, rules.timezone),
            opened_by=shift.opened_by_name,
            until=local_time(now, rules.timezone),
            report=report,
            short_id=shift.id.hex[:8],
            movements=tuple(self._local(m, rules) for m in movements),
        )
        printed = self._print(paper) if print_it else False
        return ShiftPrinted(shift.id, paper, tuple(rows_text(shift_rows(paper))), printed)

    def close(
        self, employee: Employee, shift_id: uuid.UUID, count: DrawerCount, note: str = ""
    ) -> ShiftPrinted:
        """Close the shift with the drawer's ``count``: its Z report, numbered in the same
        transaction, is printed and kept as a PDF. Refused when the shift was closed already,
        or a ticket still open holds cash."""
        rules = self._rules()
        words = check_note(note)
        now = self._clock()
        with self._database.session() as db:
            shifts.lock_for_close(db, shift_id)
            shift = self._ensure_open(db)
            if count.total.currency != shift.currency:
                raise ShiftRefused(
                    OTHER_CURRENCY.format(shift=shift.currency, count=count.total.currency)
                )
            waiting = sales.open_number_with_cash(db)
            if waiting is not None:
                raise ShiftRefused(CASH_ON_OPEN_TICKET.format(number=waiting))
            shifts.claim(db, shift_id)
            facts = shifts.facts(db, shift_id)
            report = shift_report(
                shift.opening_float,
                facts.sales,
                [moved.movement for moved in facts.movements],
                facts.refunds,
            ).with_count(count.total)
            closing = shifts.Closing(
                z_number=shifts.next_z_number(db),
                at=now,
                employee_id=employee.id,
                employee_name=employee.name,
                count=count,
                note=words,
            )
            record = shifts.to_wire(shift, report, facts.movements, closing)
            shifts.close(db, record)
            db.commit()
        if self._on_closed is not None:
            self._on_closed()
        return self._z(record, rules, copy=False)

    def past(self, limit: int = PAST_SHIFTS) -> tuple[PastShift, ...]:
        """The closed shifts, the latest Z first."""
        rules = self._rules()
        with self._database.session() as db:
            closed = shifts.closed(db, limit)
        listed = []
        for item in closed:
            record = item.record
            currency = record.opening_float.currency or rules.currency
            listed.append(
                PastShift(
                    id=record.id,
                    z_number=record.z_number,
                    closed_at=local_time(record.closed_at, rules.timezone),
                    closed_by=record.closed_by_name,
                    counted=Money(record.counted.amount, currency),
                    difference=Money(record.difference.amount, currency),
                    sent=item.sent,
                )
            )
        return tuple(listed)

    def reprint(self, shift_id: uuid.UUID) -> ShiftPrinted:
        """A past Z again, marked COPY, as it was closed: on the printer, and on screen."""
        rules = self._rules()
        with self._database.session() as db:
            found = shifts.closed_one(db, shift_id)
        if found is None:
            raise ShiftRefused(NO_SUCH_Z)
        return self._z(found.record, rules, copy=True)

    # -- paper -------------------------------------------------------------------------------

    def _z(self, record: c.Shift, rules: StoreRules, *, copy: bool) -> ShiftPrinted:
        tz = rules.timezone
        paper = ShiftPaper(
            kind=ReportKind.Z,
            store_name=rules.name,
            register_name=self._register_name,
            locale=known_locale(rules.locale),
            opened_at=local_time(record.opened_at, tz),
            opened_by=record.opened_by_name,
            until=local_time(record.closed_at, tz),
            report=shifts.report_of(record),
            short_id=record.id.hex[:8],
            z_number=record.z_number,
            closed_by=record.closed_by_name,
            counts=shifts.pieces_of(record.counts),
            note=record.note,
            movements=tuple(self._local(m, rules) for m in shifts.movements_of(record)),
            copy=copy,
        )
        printed = self._print(paper)
        pdf = None if copy else self._pdf(paper)
        return ShiftPrinted(record.id, paper, tuple(rows_text(shift_rows(paper))), printed, pdf)

    @staticmethod
    def _local(movement: Movement, rules: StoreRules) -> Movement:
        return replace(movement, at=local_time(movement.at, rules.timezone))

    def _print(self, paper: ShiftPaper) -> bool:
        printing = self._printing()
        if printing is None:
            return False
        try:
            # Stored now, printed by the print worker: this call never waits on paper.
            return printing.queue_slip(paper) is not None
        except Exception:
            log.exception("could not queue the %s report", paper.kind.value)
            return False

    def _pdf(self, paper: ShiftPaper) -> Path | None:
        from pos_desktop.receipts.pdf import render_shift_pdf  # reportlab: not at start-up

        path = self._folder / f"z-{paper.z_number:06d}-{paper.short_id}.pdf"
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            return render_shift_pdf(paper, path)
        except OSError:
            # The Z is closed and stored whatever the disk says; it can be printed again.
            log.exception("could not write the Z report's PDF %s", path)
            return None
