"""Importing and exporting the catalog on the Products page, by taps as a manager against the
real embedded server: a file it cannot use is refused whole with the reason; a file with bad
rows lists each and imports nothing; a good file imports once previewed; an export is saved
in the data folder and said where."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.catalog_support import (
    WAIT_MS,
    Store,
    checkout_products,
    open_products,
    show_checkout,
    tap,
)
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, type_into
from ui.catalog_import_panel import CatalogImportPanel
from ui.checkout_view import more_products
from ui.products_page import ProductsPage

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
GOOD = (
    "name,category,price,tax_rate,barcodes\n"
    "Chai latte,Coffee,4.75,8.25,660001 660002\n"
    "Scone,Bakery,2.50,0,\n"
)
BAD_ROWS = (
    "name,category,price,barcodes\n"
    "Chai latte,Coffee,4.75,660001\n"  # fine
    "Scone,Bakery,-2.50,\n"  # negative price
    "Tea,Drinks,3.00,\n"  # no such category
    "Biscotti,Bakery,1.00,0012345000017\n"  # Espresso's barcode
)


def put_file(store: Store, name: str, data: bytes) -> Path:
    folder = store.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def start_import(qtbot: QtBot, store: Store) -> tuple[ProductsPage, CatalogImportPanel]:
    page = open_products(qtbot, store.window)
    tap(qtbot, page.import_button)
    panel = page.importer
    qtbot.waitUntil(lambda: panel.files.count() > 0, timeout=WAIT_MS)
    return page, panel


def tap_file(qtbot: QtBot, panel: CatalogImportPanel, name: str) -> None:
    files = panel.files
    item = next(
        item
        for item in (files.item(row) for row in range(files.count()))
        if item is not None and item.text().startswith(f"{name}\n")
    )
    qtbot.mouseClick(files.viewport(), TAP, pos=files.visualItemRect(item).center())


def wait_idle(qtbot: QtBot, store: Store) -> None:
    qtbot.waitUntil(lambda: not store.window.catalog_files.busy, timeout=WAIT_MS)


def product_names(store: Store) -> set[str]:
    return {p.name for p in store.client.products(limit=200).items}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            "name,category,price\nCrème brûlée,Bakery,4.00\n".encode("latin-1"),
            "This file is not UTF-8 text. Save it as “CSV UTF-8” and import it again.",
        ),
        (
            b"name,price\nScone,2.50\n",
            "The file has no column category. Its first line must name the columns: name, "
            "category, price (and, if you like, id, tax_rate, barcodes, active).",
        ),
    ],
    ids=["latin-1", "missing-column"],
)
def test_import_refuses_a_file_it_cannot_use_with_the_reason(
    qtbot: QtBot, catalog_store: Store, data: bytes, reason: str
) -> None:
    """A file in the wrong encoding or without a required column is refused whole, the
    reason said in full; no preview, nothing imported."""
    put_file(catalog_store, "stock.csv", data)
    before = product_names(catalog_store)
    _page, panel = start_import(qtbot, catalog_store)
    tap_file(qtbot, panel, "stock.csv")
    wait_idle(qtbot, catalog_store)

    assert panel.steps.currentWidget() is panel.pick_page
    assert panel.banner.isVisible()
    assert panel.banner.text() == f"This file cannot be imported. {reason}"
    assert product_names(catalog_store) == before


def test_import_lists_every_bad_row_and_imports_nothing(qtbot: QtBot, catalog_store: Store) -> None:
    """Three bad rows of four: each listed with its line, field and what is wrong; Import
    cannot be tapped, and the good row is not imported either."""
    put_file(catalog_store, "stock.csv", BAD_ROWS.encode())
    before = product_names(catalog_store)
    _page, panel = start_import(qtbot, catalog_store)
    tap_file(qtbot, panel, "stock.csv")
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=WAIT_MS)

    problems = panel.problems
    rows = [
        tuple(item.text(column) for column in range(3))
        for item in (problems.topLevelItem(row) for row in range(problems.topLevelItemCount()))
        if item is not None
    ]
    assert rows == [
        ("3", "price", "Price: An amount cannot be negative."),
        (
            "4",
            "category",
            "Category “Drinks” does not exist: add it on the Categories page, or use one "
            "that does.",
        ),
        ("5", "barcodes", "Barcode 0012345000017 is already used by “Espresso”."),
    ]
    assert "3 rows have problems" in panel.headline.text()
    assert not panel.import_button.isEnabled()
    assert layout_problems(catalog_store.window) == []  # every row whole at 1024x768
    tap(qtbot, panel.import_button)
    wait_idle(qtbot, catalog_store)
    assert product_names(catalog_store) == before


def test_import_of_a_good_file_adds_its_products(qtbot: QtBot, catalog_store: Store) -> None:
    """A good file previews as "2 new, 0 changed"; Import writes both, the page says so and
    lists them."""
    put_file(catalog_store, "new-stock.csv", GOOD.encode())
    page, panel = start_import(qtbot, catalog_store)
    tap_file(qtbot, panel, "new-stock.csv")
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=WAIT_MS)
    assert panel.headline.text().startswith("2 new, 0 changed.")
    assert not panel.problems.isVisible()
    assert product_names(catalog_store).isdisjoint({"Chai latte", "Scone"})

    tap(qtbot, panel.import_button)
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.list_page, timeout=WAIT_MS)
    assert page.banner.text().startswith("Imported new-stock.csv: 2 new, 0 changed.")
    assert {"Chai latte", "Scone"} <= product_names(catalog_store)
    qtbot.waitUntil(
        lambda: any(
            (item := page.products.topLevelItem(row)) is not None and item.text(0) == "Chai latte"
            for row in range(page.products.topLevelItemCount())
        ),
        timeout=WAIT_MS,
    )
    chai = next(p for p in catalog_store.client.products(search="Chai").items)
    assert (chai.price.amount, chai.tax_rate_bp, chai.barcodes) == (4_75, 825, ["660001", "660002"])


def test_export_saves_the_catalog_in_the_data_folder(qtbot: QtBot, catalog_store: Store) -> None:
    """Export CSV writes every product into the data folder's exports/, and says where: a
    file the import reads back as it is."""
    page = open_products(qtbot, catalog_store.window)
    tap(qtbot, page.export_button)
    wait_idle(qtbot, catalog_store)

    exported = list((catalog_store.data_dir / "exports").glob("products-*.csv"))
    assert len(exported) == 1
    assert page.banner.text() == f"Exported 8 products to {exported[0]}"
    text = exported[0].read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,name,category,price,tax_rate,barcodes,active"
    assert "Espresso,Coffee,3.00,8.25,0012345000017,yes" in text


def test_import_of_a_large_catalog_keeps_the_checkout_grid_quick(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """150 products imported: after the pull the checkout draws the first 100 buttons and
    says how to find the others; a search finds one past them."""
    rows = "".join(f"Sticker {n:03d},Gifts,1.{n % 100:02d},0,55{n:04d}\n" for n in range(150))
    put_file(
        catalog_store, "stickers.csv", f"name,category,price,tax_rate,barcodes\n{rows}".encode()
    )
    page, panel = start_import(qtbot, catalog_store)
    tap_file(qtbot, panel, "stickers.csv")
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=WAIT_MS)
    tap(qtbot, panel.import_button)
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.list_page, timeout=WAIT_MS)

    catalog_store.pull()
    window = catalog_store.window
    show_checkout(window)
    checkout = window.tab_frame.checkout_view
    qtbot.waitUntil(lambda: checkout.empty_products.isVisible(), timeout=WAIT_MS)
    assert checkout.empty_products.text() == more_products(100, 158)
    # A button added to a shown grid shows at the layout's next pass, not at once.
    qtbot.waitUntil(lambda: len(checkout_products(window)) == 100, timeout=WAIT_MS)
    assert "Sticker 149" not in checkout_products(window)
    type_into(qtbot, window, checkout.search, "149")
    qtbot.waitUntil(lambda: checkout_products(window) == ["Sticker 149"], timeout=WAIT_MS)
