"""Drawer shifts in the register database: Z numbers run 1, 2, 3… never reused nor skipped
(a close that fails takes no number and claims nothing), a closed shift is kept for good,
one shift is open at most, and a register killed mid-shift keeps the shift and its cash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos_desktop.db import cash, sales, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import SaleStatus
from pos_desktop.domain.shifts import MovementKind, ShiftRefused, count_total, shift_report

AT = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def open_one(database: RegisterDatabase, float_minor: int = 0) -> shifts.OpenShift:
    with database.session() as db:
        shift = shifts.start(
            db,
            opening=count_total(usd(float_minor)),
            employee_id=None,
            employee_name="Dana",
            now=AT,
        )
        db.commit()
        return shift


def finished_ticket(database: RegisterDatabase) -> uuid.UUID:
    with database.session() as db:
        sale = sales.start(
            db,
            employee_id=uuid.uuid4(),
            employee_name="Dana",
            currency="USD",
            prices_include_tax=False,
            now=AT,
        )
        sales.finish(db, sale.id, SaleStatus.VOIDED, AT)
        db.commit()
        return sale.id


def close(database: RegisterDatabase, shift: shifts.OpenShift, fail: bool = False) -> int:
    """Close as the service does, in one transaction; ``fail``: the process dies after the Z
    number was read and before the commit (an exception stands in for the crash)."""
    with database.session() as db:
        shifts.lock_for_close(db, shift.id)
        shifts.claim(db, shift.id)
        facts = shifts.facts(db, shift.id)
        report = shift_report(
            shift.opening_float, facts.sales, [m.movement for m in facts.movements], facts.refunds
        ).with_count(shift.opening_float)
        number = shifts.next_z_number(db)
        closing = shifts.Closing(
            number, AT + timedelta(hours=8), None, "Dana", count_total(usd(0)), None
        )
        shifts.close(db, shifts.to_wire(shift, report, facts.movements, closing))
        if fail:
            raise RuntimeError("power cut")
        db.commit()
        return number


def test_shift_z_numbers_run_in_sequence(register_db: RegisterDatabase) -> None:
    numbers = [close(register_db, open_one(register_db)) for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_shift_failed_close_takes_no_number_and_claims_nothing(
    register_db: RegisterDatabase,
) -> None:
    """A close that dies before its commit leaves the shift open, its ticket unclaimed and the
    number free: the next close takes it, so no Z number is skipped."""
    assert close(register_db, open_one(register_db)) == 1
    shift = open_one(register_db)
    ticket = finished_ticket(register_db)

    with pytest.raises(RuntimeError, match="power cut"):
        close(register_db, shift, fail=True)

    with register_db.session() as db:
        assert shifts.open_shift(db) == shift
        assert [s.id for s in sales.of_shift(db, None)] == [ticket]
        assert shifts.waiting_count(db) == 1  # Z #1 only
    assert close(register_db, shift) == 2
    with register_db.session() as db:
        assert [s.id for s in sales.of_shift(db, shift.id)] == [ticket]
        assert sales.of_shift(db, None) == []


def test_shift_closed_twice_is_refused(register_db: RegisterDatabase) -> None:
    shift = open_one(register_db)
    close(register_db, shift)

    with pytest.raises(ShiftRefused, match="closed already: its Z report is #1"):
        close(register_db, shift)


def test_shift_closed_is_kept_for_good(register_db: RegisterDatabase) -> None:
    """Neither deleting a closed shift nor renumbering its Z gets past the database."""
    shift = open_one(register_db)
    close(register_db, shift)
    close(register_db, open_one(register_db))
    for statement in (
        "DELETE FROM shifts",
        "UPDATE shifts SET z_number = z_number + 10",
        "UPDATE shifts SET state = 'open'",
    ):
        with register_db.engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(text(statement))
    with register_db.session() as db:
        assert [c.record.z_number for c in shifts.closed(db, 10)] == [2, 1]


def test_shift_one_open_at_most(register_db: RegisterDatabase) -> None:
    """Two registers' screens racing past the service's check still make one open shift."""
    open_one(register_db)

    with pytest.raises(ShiftRefused):
        open_one(register_db)
    with register_db.engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO shifts (id, state, currency, opening_float, opened_at,"
                " opened_by_name, attempts) VALUES (:id, 'open', 'USD', 0, :at, 'X', 0)"
            ),
            {"id": uuid.uuid4().hex, "at": AT.replace(tzinfo=None)},
        )


KILLED_MID_SHIFT = """
import os, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from pos_desktop.db import cash, shifts
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.money import Money
from pos_desktop.domain.shifts import MovementKind, count_total

database = RegisterDatabase.open(Path(sys.argv[1]))
with database.session() as db:
    shift = shifts.start(db, opening=count_total(Money(150_00, "USD")), employee_id=None,
                         employee_name="Dana", now=datetime.now(UTC))
    cash.record(db, kind=MovementKind.PAY_OUT, amount=Money(-12_50, "USD"), reason="Milk",
                employee_id=None, employee_name="Dana", at=datetime.now(UTC))
    db.commit()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_shift_register_killed_mid_shift_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL right after the commits: the shift is open again at the next start, with its
    float and its pay out."""
    path = tmp_path / "register.sqlite3"
    killed = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", KILLED_MID_SHIFT, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL

    database = RegisterDatabase.open(path)
    try:
        with database.session() as db:
            shift = shifts.open_shift(db)
            moved = cash.of_shift(db, None)
    finally:
        database.close()
    assert shift is not None and shift.opening_float == usd(150_00)
    assert [(m.kind, m.amount, m.reason) for m in moved] == [
        (MovementKind.PAY_OUT.value, usd(-12_50), "Milk")
    ]
