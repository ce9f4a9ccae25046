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

# A Deduct Funds slip, a card's mini-statement, a sold card's number.
Slip = CardSlip | CardStatement | CardNumberSlip


def rows_of(slip: Slip) -> tuple[ReceiptRow, ...]:
    if isinstance(slip, CardStatement):
        return statement_rows(slip)
    if isinstance(slip, CardNumberSlip):
        return number_slip_rows(slip)
    return slip_rows(slip)
