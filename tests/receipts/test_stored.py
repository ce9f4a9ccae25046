"""A receipt stored with its print job reads back as the same receipt (for a COPY)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_desktop.domain.receipt import COPY_MARK, receipt_for, receipt_text
from pos_desktop.receipts.stored import dump_receipt, load_receipt
from tests.fixtures.sales import split_sale, store


def test_stored_receipt_reads_back_equal() -> None:
    """A split sale's receipt (gift card, tip, accents, store time zone) survives storing."""
    receipt = receipt_for(split_sale(), store(name="Café Été"), "Register 2")
    assert load_receipt(dump_receipt(receipt)) == receipt


def test_stored_receipt_that_does_not_read_is_a_value_error() -> None:
    """Stored text that is not a receipt raises ValueError, not a KeyError from inside."""
    with pytest.raises(ValueError):
        load_receipt('{"store_name": "x"}')


def test_receipt_copy_is_marked_copy_first() -> None:
    """A copy's first line says COPY; the original says it nowhere."""
    receipt = receipt_for(split_sale(), store(), "Register 2")
    assert receipt_text(replace(receipt, copy=True))[0].strip() == COPY_MARK
    assert all(COPY_MARK not in line for line in receipt_text(receipt))
