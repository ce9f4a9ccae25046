"""Ringing up: lines from the catalog and barcodes, quantities, tip, totals kept on disk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.money import Money
from pos_desktop.domain.ticket import MAX_QUANTITY, TicketRefused
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.services.checkout import CheckoutService, UnknownBarcode
from pos_desktop.services.results import Employee
from pos_desktop.sync.catalog_sync import CatalogSync
from tests.fixtures.checkout import CheckoutWorld, utc_now


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def test_checkout_scan_adds_a_line_and_a_second_scan_raises_its_quantity(
    checkout_world: CheckoutWorld,
) -> None:
    """Two scans of the same barcode make one line of two."""
    w = checkout_world
    w.checkout.scan(w.cashier, w.barcode("Cappuccino"))
    sale = w.checkout.scan(w.cashier, w.barcode("Cappuccino"))
    assert [(line.name, line.quantity) for line in sale.lines] == [("Cappuccino", 2)]
    # 2 x $4.50 + 8.25 % tax (74.25 cents rounds to 74)
    assert sale.totals.total == usd(974)


def test_checkout_unknown_barcode_says_so_and_changes_nothing(
    checkout_world: CheckoutWorld,
) -> None:
    """A barcode the catalog lacks is named in the message; no ticket appears."""
    w = checkout_world
    with pytest.raises(UnknownBarcode, match="No item has the barcode 999"):
        w.checkout.scan(w.cashier, "999")
    assert w.checkout.open_sale(w.cashier) is None


def test_checkout_quantity_and_removal(checkout_world: CheckoutWorld) -> None:
    """+/- change a line's quantity; a quantity below 1 is refused; remove drops the line."""
    w = checkout_world
    sale = w.checkout.add_product(w.cashier, w.product("Croissant").id)
    line = sale.lines[0]
    sale = w.checkout.change_quantity(sale.id, line.id, +2)
    assert sale.lines[0].quantity == 3
    with pytest.raises(TicketRefused):
        w.checkout.change_quantity(sale.id, line.id, -3)
    sale = w.checkout.remove_line(sale.id, line.id)
    assert sale.lines == ()


def test_checkout_tip_presets_and_custom_amounts(checkout_world: CheckoutWorld) -> None:
    """15 % of a $18.00 candle is taken before its tax; a custom tip; a tip above the total
    refused."""
    w = checkout_world
    sale = w.checkout.add_product(w.cashier, w.product("Scented candle").id)
    assert sale.totals.total == usd(1949)
    assert w.checkout.set_tip_percent(sale.id, 15).tip == usd(270)
    assert w.checkout.set_tip_amount(sale.id, "2.50").tip == usd(250)
    with pytest.raises(InvalidAmount, match="at most the ticket total"):
        w.checkout.set_tip_amount(sale.id, "500")


def test_checkout_tip_preset_is_kept_and_a_custom_tip_of_the_same_cents_is_not_it(
    checkout_world: CheckoutWorld,
) -> None:
    """The ticket remembers 15 % (read back from disk); a custom $2.70, the same cents, is
    custom."""
    w = checkout_world
    sale = w.checkout.add_product(w.cashier, w.product("Scented candle").id)
    w.checkout.set_tip_percent(sale.id, 15)
    again = CheckoutService(w.database, utc_now).open_sale(w.cashier)
    assert again is not None and again.tip_preset == 15
    assert w.checkout.set_tip_amount(sale.id, "2.70").tip_preset is None


def test_checkout_changed_lines_keep_the_tip_but_forget_its_preset(
    checkout_world: CheckoutWorld,
) -> None:
    """Another item after 15 %: the tip keeps its cents, no longer 15 % of the ticket."""
    w = checkout_world
    sale = w.checkout.add_product(w.cashier, w.product("Scented candle").id)
    w.checkout.set_tip_percent(sale.id, 15)
    sale = w.checkout.add_product(w.cashier, w.product("Croissant").id)
    assert sale.tip == usd(270)
    assert sale.tip_preset is None


def test_checkout_open_ticket_survives_a_new_service(checkout_world: CheckoutWorld) -> None:
    """What the cashier rang up comes back from the database, as after a restart."""
    w = checkout_world
    sale = w.checkout.scan(w.cashier, w.barcode("Mug"))
    again = CheckoutService(w.database, utc_now).open_sale(w.cashier)
    assert again is not None and again.id == sale.id and again.lines == sale.lines


def test_checkout_each_employee_keeps_their_own_open_ticket(
    checkout_world: CheckoutWorld,
) -> None:
    """Switching cashier parks the ticket with its owner; the next one starts their own."""
    w = checkout_world
    mine = w.checkout.scan(w.cashier, w.barcode("Mug"))
    other = Employee(id=mine.id, name="Other cashier", role="cashier")
    theirs = w.checkout.scan(other, w.barcode("Espresso"))
    assert theirs.id != mine.id
    reopened = w.checkout.open_sale(w.cashier)
    assert reopened is not None and reopened.id == mine.id
    assert reopened.number is not None and theirs.number == reopened.number + 1


def test_checkout_scans_stop_at_the_line_maximum(checkout_world: CheckoutWorld) -> None:
    """Scanning past the most a line holds is refused; the line keeps the maximum."""
    w = checkout_world
    sale = w.checkout.scan(w.cashier, w.barcode("Espresso"))
    w.checkout.change_quantity(sale.id, sale.lines[0].id, MAX_QUANTITY - 1)
    with pytest.raises(TicketRefused, match=f"at most {MAX_QUANTITY}"):
        w.checkout.scan(w.cashier, w.barcode("Espresso"))
    kept = w.checkout.open_sale(w.cashier)
    assert kept is not None and kept.lines[0].quantity == MAX_QUANTITY


def test_checkout_tip_percent_on_the_total_when_the_store_says_so(
    checkout_world: CheckoutWorld,
) -> None:
    """A store that takes tips on the total with tax gets 15 % of $19.49 once the register
    pulled the setting."""
    w = checkout_world
    with make_session_factory(w.server.engine)() as db:
        store = db.execute(select(Store)).scalar_one()
        store.tip_base = "total"
        store.sync_version = next_sync_version(db)
        db.commit()
    CatalogSync(w.database, w.client).pull_once()
    sale = w.checkout.add_product(w.cashier, w.product("Scented candle").id)

    assert w.checkout.set_tip_percent(sale.id, 15).tip == usd(292)
