"""The slips the receipt printer prints beside receipts, and the rows of each."""

from __future__ import annotations

from pos_desktop.domain.card_statement import CardStatement, statement_rows
from pos_desktop.domain.receipt import (
    CardNumberSlip,
    CardSlip,
    ReceiptRow,
    number_slip_rows,
    slip_rows,
)
from pos_desktop.domain.shift_paper import ShiftPaper, shift_rows

# A Deduct Funds slip, a card's mini-statement, a sold card's number, a drawer's X or Z report.
Slip = CardSlip | CardStatement | CardNumberSlip | ShiftPaper


def rows_of(slip: Slip) -> tuple[ReceiptRow, ...]:
    if isinstance(slip, CardStatement):
        return statement_rows(slip)
    if isinstance(slip, CardNumberSlip):
        return number_slip_rows(slip)
    if isinstance(slip, ShiftPaper):
        return shift_rows(slip)
    return slip_rows(slip)
