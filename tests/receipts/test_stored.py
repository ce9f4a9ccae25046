"""A receipt stored with its print job reads back as the same receipt (for a COPY)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_desktop.domain.receipt import COPY_MARK, DEMO_MARK, receipt_for, receipt_text
from pos_desktop.receipts.stored import dump_receipt, load_receipt
from tests.fixtures.sales import split_sale, store


def test_stored_receipt_reads_back_equal() -> None:
    """A split sale's receipt (gift card, tip, accents, store time zone) survives storing."""
    shop = replace(store(name="Café Été"), address="1 Rue Neuve", receipt_footer="Merci !")
    receipt = receipt_for(split_sale(), shop, "Register 2")
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


def test_demo_receipt_is_marked_demo_first_and_keeps_it_when_stored() -> None:
    """The demo store's receipt says DEMO above the store's name, and a stored one (a COPY
    printed later) still does; a real store's says it nowhere."""
    demo = receipt_for(split_sale(), store(), "Register 2", demo=True)
    assert receipt_text(demo)[0].strip() == DEMO_MARK
    stored = load_receipt(dump_receipt(demo))
    assert stored.demo
    assert [line.strip() for line in receipt_text(replace(stored, copy=True))[:2]] == [
        COPY_MARK,
        DEMO_MARK,
    ]
    real = receipt_for(split_sale(), store(), "Register 2")
    assert all(DEMO_MARK not in line for line in receipt_text(real))
