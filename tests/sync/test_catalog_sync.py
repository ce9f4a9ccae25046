"""Catalog down: a pull fills the register's copy, the cursor keeps later pulls to changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pos_desktop.contracts import MoneyOut, ProductOut, PullResponse
from pos_desktop.db import catalog
from pos_desktop.db.catalog import CatalogChange
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.db.models import Employee as EmployeeRow
from pos_desktop.domain.catalog import CategoryButton
from pos_desktop.domain.money import Money
from pos_desktop.domain.product_rules import CATEGORY_COLOURS
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import DEMO_PRODUCTS
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import Product as ServerProduct
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A demo server this test may change."""
    server = start_server(tmp_path / "own-server.sqlite3")
    yield server
    server.stop()


def _offline_pull(*products: ProductOut) -> PullResponse:
    return PullResponse(products=list(products), employees=[], settings=None, cursor="7")


def _product_out(name: str, category: str, barcode: str | None, active: bool = True) -> ProductOut:
    return ProductOut(
        id=uuid.uuid4(),
        name=name,
        category=category,
        price=MoneyOut(amount=2_50, currency="USD"),
        tax_rate_bp=0,
        barcode=barcode,
        active=active,
    )


def test_catalog_sync_first_pull_fills_products_employees_settings_and_cursor(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """The first pull brings every product, employee and the store settings, and a cursor."""
    change = CatalogSync(register_db, register_client).pull_once()

    with register_db.session() as db:
        products = catalog.active_products(db)
        employees = db.execute(select(EmployeeRow.name)).scalars().all()
        rules = catalog.store_rules(db)
        cursor = catalog.sync_cursor(db)
    demo_categories = {category for _, category, *_ in DEMO_PRODUCTS}
    assert change == CatalogChange(
        products=len(DEMO_PRODUCTS),
        employees=2,
        settings=True,
        categories=len(demo_categories),
    )
    assert {p.name for p in products} == {name for name, *_ in DEMO_PRODUCTS}
    # The grid goes by the categories' order (the demo's: Coffee, Bakery, Gifts), then names.
    assert [p.name for p in products][:4] == [
        "Cappuccino",
        "Cold brew",
        "Espresso",
        "Blueberry muffin",
    ]
    espresso = next(p for p in products if p.name == "Espresso")
    assert (espresso.price, espresso.tax_rate_bp) == (Money(3_00, "USD"), 825)
    assert set(employees) == {"Casey Cashier", "Morgan Manager"}
    assert rules is not None
    assert (rules.currency, rules.tenders) == ("USD", ("Voucher", "Store credit"))
    assert cursor
    with register_db.session() as db:
        # The demo's order, each with its colour from the palette.
        assert catalog.categories(db) == [
            CategoryButton("Coffee", CATEGORY_COLOURS[0]),
            CategoryButton("Bakery", CATEGORY_COLOURS[1]),
            CategoryButton("Gifts", CATEGORY_COLOURS[2]),
        ]
        scanned = catalog.product_by_barcode(db, "0012345000017")
    assert scanned is not None and scanned.name == "Espresso"


def test_catalog_sync_second_pull_with_cursor_changes_nothing(
    register_db: RegisterDatabase, register_client: ServerClient
) -> None:
    """Pulling again from the saved cursor reports no change."""
    sync = CatalogSync(register_db, register_client)
    sync.pull_once()

    again = sync.pull_once()

    assert again == CatalogChange()
    assert not again.any


def test_catalog_sync_server_change_arrives_with_next_pull(
    register_db: RegisterDatabase, own_server: EmbeddedServer
) -> None:
    """A product repriced on the server reaches the register on its next pull, alone."""
    enrolled = own_server.enroll_local_register("Catalog register")
    with ServerClient(own_server.base_url, enrolled.token) as client:
        sync = CatalogSync(register_db, client)
        sync.pull_once()
        with make_session_factory(own_server.engine)() as server_db:
            mug = server_db.execute(
                select(ServerProduct).where(ServerProduct.name == "Mug")
            ).scalar_one()
            mug.price = 13_50
            mug.sync_version = next_sync_version(server_db)
            server_db.commit()
            mug_id = mug.id

        change = sync.pull_once()

    with register_db.session() as db:
        mug_here = catalog.product(db, mug_id)
    assert change == CatalogChange(products=1)
    assert mug_here is not None and mug_here.price == Money(13_50, "USD")


def test_catalog_save_pull_deactivated_product_leaves_the_catalog(
    register_db: RegisterDatabase,
) -> None:
    """A product the server deactivates is no longer found by id, barcode or listing."""
    candle = _product_out("Candle", "Gifts", "111")
    with register_db.session() as db:
        catalog.save_pull(db, _offline_pull(candle))
        change = catalog.save_pull(db, _offline_pull(candle.model_copy(update={"active": False})))
        assert change == CatalogChange(products=1)
        assert catalog.product(db, candle.id) is None
        assert catalog.product_by_barcode(db, "111") is None
        assert catalog.active_products(db) == []
        assert catalog.categories(db) == []


def test_catalog_save_pull_moves_a_barcode_and_keeps_their_order(
    register_db: RegisterDatabase,
) -> None:
    """A barcode given to another product moves to it; a product's barcodes all scan, and an
    unchanged product resent does not count as a change."""
    mug = _product_out("Mug", "Gifts", None).model_copy(update={"barcodes": ["21", "22"]})
    cup = _product_out("Cup", "Gifts", None).model_copy(update={"barcodes": ["31"]})
    with register_db.session() as db:
        catalog.save_pull(db, _offline_pull(mug, cup))
        change = catalog.save_pull(
            db, _offline_pull(mug, cup.model_copy(update={"barcodes": ["31", "22"]}))
        )
        scanned = {code: catalog.product_by_barcode(db, code) for code in ("21", "22", "31")}
    assert change == CatalogChange(products=1)
    assert {code: p.name if p else None for code, p in scanned.items()} == {
        "21": "Mug",
        "22": "Cup",
        "31": "Cup",
    }


def test_catalog_search_products_matches_name_any_case_or_exact_barcode(
    register_db: RegisterDatabase,
) -> None:
    """Search finds a name substring in any case (accents included) or a whole barcode."""
    with register_db.session() as db:
        catalog.save_pull(
            db,
            _offline_pull(
                _product_out("Éclair", "Bakery", "0042"),
                _product_out("Chocolate éclair", "Bakery", None),
                _product_out("Mug", "Gifts", "0043"),
                _product_out("Old mug", "Gifts", "0044", active=False),
            ),
        )
        by_name = [p.name for p in catalog.search_products(db, "ÉCLAIR")]
        by_barcode = [p.name for p in catalog.search_products(db, " 0043 ")]
        partial_barcode = catalog.search_products(db, "004")
        limited = catalog.search_products(db, "e", limit=1)
        empty = catalog.search_products(db, "  ")
    assert by_name == ["Chocolate éclair", "Éclair"]
    assert by_barcode == ["Mug"]
    assert partial_barcode == []
    assert len(limited) == 1
    assert empty == []


def test_catalog_lookups_find_active_products_in_order(register_db: RegisterDatabase) -> None:
    """Listing is by category then name; the barcode lookup trims what the scanner sent."""
    with register_db.session() as db:
        catalog.save_pull(
            db,
            _offline_pull(
                _product_out("Mug", "Gifts", "9"),
                _product_out("croissant", "Bakery", None),
                _product_out("Bagel", "Bakery", None),
                _product_out("Lemonade", "Drinks", None),
            ),
        )
        names = [p.name for p in catalog.active_products(db)]
        scanned = catalog.product_by_barcode(db, "9\r\n")
        categories = catalog.categories(db)
    assert names == ["Bagel", "croissant", "Lemonade", "Mug"]
    assert scanned is not None and scanned.name == "Mug"
    # Sent by no server as categories of their own: by name, without a colour.
    assert categories == [
        CategoryButton("Bakery"),
        CategoryButton("Drinks"),
        CategoryButton("Gifts"),
    ]


def test_catalog_before_first_pull_has_no_cursor_or_rules(register_db: RegisterDatabase) -> None:
    """A fresh register has no cursor and no store rules yet."""
    with register_db.session() as db:
        assert catalog.sync_cursor(db) is None
        assert catalog.store_rules(db) is None


def test_catalog_sync_receipt_texts_arrive_with_next_pull(
    register_db: RegisterDatabase, own_server: EmbeddedServer
) -> None:
    """The store's address, phone, receipt header and footer set on the server reach the
    register's rules (and so its receipts) on the next pull."""
    enrolled = own_server.enroll_local_register("Receipt register")
    with ServerClient(own_server.base_url, enrolled.token) as client:
        sync = CatalogSync(register_db, client)
        sync.pull_once()
        with make_session_factory(own_server.engine)() as server_db:
            shop = server_db.execute(select(Store)).scalars().one()
            shop.address, shop.phone = "12 Main St", "(555) 010-0199"
            shop.receipt_header, shop.receipt_footer = "Open daily", "Thank you!"
            shop.sync_version = next_sync_version(server_db)
            server_db.commit()

        change = sync.pull_once()

    with register_db.session() as db:
        rules = catalog.store_rules(db)
    assert change == CatalogChange(settings=True)
    assert rules is not None
    assert (rules.address, rules.phone, rules.receipt_header, rules.receipt_footer) == (
        "12 Main St",
        "(555) 010-0199",
        "Open daily",
        "Thank you!",
    )
