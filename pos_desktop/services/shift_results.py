"""What the drawer's screens get back from ``ShiftService``: plain data, no I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pos_desktop.domain.money import Money
from pos_desktop.domain.shift_paper import ShiftPaper
from pos_desktop.domain.shifts import ShiftReport


@dataclass(frozen=True, slots=True)
class OpenShiftView:
    id: uuid.UUID
    opened_at: datetime  # on the store's clock
    opened_by: str
    opening_float: Money


@dataclass(frozen=True, slots=True)
class DrawerState:
    """The drawer now: the store's currency and its notes and coins, and the open shift
    (None: none is open) with its report so far (an X)."""

    currency: str
    locale: str
    denominations: tuple[Money, ...]
    shift: OpenShiftView | None = None
    report: ShiftReport | None = None
    # After a no sale: whether a receipt printer that is online was asked to kick the
    # drawer open (False: the cashier opens it with the key).
    drawer_kicked: bool = False


@dataclass(frozen=True, slots=True)
class ShiftPrinted:
    """An X or Z report: its paper, its lines as the screen shows them, whether it went to
    the receipt printer's queue, and (a Z) its PDF in the data folder."""

    shift_id: uuid.UUID
    paper: ShiftPaper
    lines: tuple[str, ...]
    printed: bool
    pdf: Path | None = None


@dataclass(frozen=True, slots=True)
class PastShift:
    id: uuid.UUID
    z_number: int
    closed_at: datetime  # on the store's clock
    closed_by: str
    counted: Money
    difference: Money
    sent: bool  # the server has it
