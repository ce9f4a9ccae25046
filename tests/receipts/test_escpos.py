"""Receipt -> ESC/POS bytes: byte for byte against stored output, code pages, any text.

The expected files in ``fixtures/`` were made by ``render_escpos`` and read back (decoded with
the code pages they switch to) before they were stored; regenerate one with
``UPDATE_ESCPOS_FIXTURES=1`` only after reading the new output the same way.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_desktop.domain.money import Money
from pos_desktop.domain.receipt import CardSlip, Receipt, receipt_for
from pos_desktop.receipts.escpos import render_escpos, render_slip_escpos
from tests.fixtures.sales import cash, coffee_sale, completed_sale, line, split_sale, store

FIXTURES = Path(__file__).parent / "fixtures"
INIT = b"\x1b@"
CUT = b"\x1bd\x06\x1dV\x00"  # feed six lines, full cut
CP858 = b"\x1bt\x13"  # ESC t 19: the code page with €


def split_receipt() -> Receipt:
    return receipt_for(split_sale(), store(name="Café Été"), "Register 2")


def expect(name: str, data: bytes) -> None:
    path = FIXTURES / name
    if os.environ.get("UPDATE_ESCPOS_FIXTURES"):
        path.write_bytes(data)
    assert data == path.read_bytes()


def test_render_escpos_80_mm_equals_the_stored_bytes() -> None:
    """A partial gift-card payment, a card with a tip, on 80 mm paper: exactly these bytes."""
    expect("split_sale_80mm.bin", render_escpos(split_receipt(), 80))


def test_render_escpos_58_mm_equals_the_stored_bytes() -> None:
    """The same receipt on 58 mm paper is set in 32 columns."""
    data = render_escpos(split_receipt(), 58)
    expect("split_sale_58mm.bin", data)
    assert b"Subtotal                  $27.95\n" in data  # 32 columns


def test_render_escpos_starts_with_init_and_ends_with_a_cut() -> None:
    data = render_escpos(split_receipt())
    assert data.startswith(INIT)
    assert data.endswith(CUT)


def test_render_escpos_prints_gift_card_last_4_and_balance_only() -> None:
    data = render_escpos(split_receipt())
    assert b"5184" in data
    assert b"6035718492055184" not in data
    assert b"Card balance                       $3.75\n" in data
    assert b"TOTAL                               $35.25\n" in data


def test_render_escpos_has_a_code128_barcode_of_the_short_id() -> None:
    data = render_escpos(split_receipt())
    # GS k 73 (CODE128, function type B), length, code set B, the short id.
    assert b"\x1dkI\x0a{B3f2a9c1e" in data


def test_render_escpos_prints_change_of_a_cash_sale() -> None:
    data = render_escpos(receipt_for(coffee_sale(), store(), "Register 1"))
    assert b"CHANGE" in data
    assert b"Tendered" in data


def test_render_escpos_encodes_euro_and_accents_through_code_pages() -> None:
    """€ is CP858's 0xD5 after ESC t 19; é is CP437's 0x82; nothing becomes "?"."""
    sale = completed_sale((line("Crème brûlée €", 500),), (cash(541, 1000),))
    data = render_escpos(receipt_for(sale, store(name="Café"), "Register 1"))
    assert b"Caf\x82\n" in data  # the printer starts in CP437, which has é
    assert CP858 + b"\xd5" in data
    assert b"Cr\x8ame br\x96l\x82e" in data or b"Cr\x8ame br\xfbl\x82e" in data
    assert b"?" not in data.split(b"{B")[0]


def test_render_escpos_prints_pound_yen_umlaut_and_tilde() -> None:
    data = render_escpos(receipt_for(coffee_sale(), store(name="£ ¥ ü ñ"), "R"))
    title = data.split(b"\n")[0]
    assert b"?" not in title
    assert title.endswith(b"\x9c \x9d \x81 \xa4")  # CP437: £ ¥ ü ñ


def test_render_escpos_folds_what_no_code_page_has_to_ascii() -> None:
    sale = completed_sale((line("Chai ₹ 你好 \uff45", 500),), (cash(541, 1000),))
    data = render_escpos(receipt_for(sale, store(), "Register 1"))
    assert b"Chai Rs ?? e" in data


def test_render_escpos_refuses_an_unknown_paper_width() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        render_escpos(split_receipt(), 76)


def test_render_escpos_output_prints_on_a_dummy_printer() -> None:
    """The bytes are raw data any python-escpos connection sends as they are."""
    printer = Dummy()
    printer._raw(render_escpos(split_receipt()))
    assert printer.output.endswith(CUT)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(), item=st.text(), paper=st.sampled_from([58, 80]))
def test_render_escpos_never_fails_on_any_text(name: str, item: str, paper: int) -> None:
    sale = completed_sale((line(item or "x", 500),), (cash(541, 1000),))
    receipt = receipt_for(sale, store(name=name), "Register 1")
    data = render_escpos(receipt, paper)
    assert data.startswith(INIT)
    assert data.endswith(CUT)


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_render_escpos_any_text_straight_into_the_receipt(text: str) -> None:
    """Even text that skipped ``receipt_for``'s cleaning (controls, odd spaces) is printed."""
    base = receipt_for(coffee_sale(), store(), "Register 1")
    receipt = Receipt(**{**_fields(base), "store_name": text, "register_name": text})
    assert render_escpos(receipt).endswith(CUT)


def _fields(receipt: Receipt) -> dict[str, object]:
    return {name: getattr(receipt, name) for name in Receipt.__slots__}


def test_render_slip_escpos_prints_the_card_the_amount_and_what_is_left() -> None:
    """A Deduct Funds slip names the card by its last 4, the amount and the balance after."""
    slip = CardSlip(
        store_name="Demo Gift Shop",
        locale="en_US",
        masked_card="•••• 5184",
        amount=Money(12_50, "USD"),
        balance_after=Money(37_50, "USD"),
        employee_name="Casey Cashier",
        when=datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
        short_id="1a2b3c4d",
    )
    data = render_slip_escpos(slip, 58)
    assert data.startswith(b"\x1b@")
    assert b"5184" in data
    assert b"$12.50" in data and b"$37.50" in data
    assert b"{B1a2b3c4d" in data  # the activity's barcode
    assert b"Casey Cashier" in data
