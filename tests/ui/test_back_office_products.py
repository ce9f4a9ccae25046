"""The Back Office's Products page, by taps as a manager against the real embedded server: a
product added with two barcodes sells at the checkout after a pull; each refusal shows next to
its field and nothing typed is lost; a save made over another manager's is refused, naming
them, and Reload brings their version; an archived product leaves the checkout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from pos_desktop import contracts as c
from tests.ui.catalog_support import (
    WAIT_MS,
    Store,
    checkout_products,
    open_products,
    pick_in_combo,
    show_checkout,
    tap,
    tap_row,
    wait_saved,
)
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, button, clear_field, scan, type_into
from ui.main_window import MainWindow
from ui.products_page import ProductsPage

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def product_count(store: Store) -> int:
    return store.client.products(search="").total


def test_products_page_added_product_sells_by_both_barcodes(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A manager adds a product with two barcodes; after the register's pull it is on the
    checkout grid, and either barcode scanned rings it up."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap(qtbot, page.add_button)
    editor = page.editor
    assert page.views.currentWidget() is editor
    type_into(qtbot, window, editor.name_input, "flat white")
    pick_in_combo(qtbot, editor.category_input, "Coffee")
    type_into(qtbot, window, editor.price_input, "4.25")
    type_into(qtbot, window, editor.tax_input, "8.25")
    type_into(qtbot, window, editor.barcodes_input, "770001 770002")
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)

    assert editor.banner.text().startswith("flat white added.")
    assert editor.product is not None and editor.product.barcodes == ("770001", "770002")
    catalog_store.pull()
    show_checkout(window)
    qtbot.waitUntil(lambda: "flat white" in checkout_products(window), timeout=WAIT_MS)
    for code in ("770001", "770002"):
        scan(window, code)
    qtbot.waitUntil(
        lambda: (
            (sale := window.tab_frame.checkout_view.sale) is not None
            and [(line.name, line.quantity) for line in sale.lines] == [("flat white", 2)]
        ),
        timeout=WAIT_MS,
    )


def test_products_page_duplicate_barcode_names_the_other_product(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A barcode Espresso already has is refused next to the barcodes field, naming Espresso;
    what was typed stays, and nothing is added."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    before = product_count(catalog_store)
    tap(qtbot, page.add_button)
    editor = page.editor
    type_into(qtbot, window, editor.name_input, "double shot")
    pick_in_combo(qtbot, editor.category_input, "Coffee")
    type_into(qtbot, window, editor.price_input, "3.50")
    type_into(qtbot, window, editor.barcodes_input, "880001 0012345000017")
    below = (editor.category_input, editor.tax_input, editor.save_button)
    places = [widget.mapTo(window, QPoint(0, 0)) for widget in below]
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)

    assert editor.messages["barcodes"].text() == (
        "Barcode 0012345000017 is already used by “Espresso”."
    )
    assert editor.messages["barcodes"].isVisible()
    # The message took its room under the field: nothing under a finger moved.
    assert [widget.mapTo(window, QPoint(0, 0)) for widget in below] == places
    assert (editor.name_input.text(), editor.price_input.text()) == ("double shot", "3.50")
    assert editor.barcodes_input.text() == "880001 0012345000017"
    assert product_count(catalog_store) == before


def test_products_page_refuses_negative_and_three_decimal_prices_by_the_field(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A negative price and one with three decimals are refused under the price, before
    anything is sent; the other fields keep what was typed."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    before = product_count(catalog_store)
    tap(qtbot, page.add_button)
    editor = page.editor
    type_into(qtbot, window, editor.name_input, "tea")
    pick_in_combo(qtbot, editor.category_input, "Coffee")
    type_into(qtbot, window, editor.price_input, "-2")
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)
    assert editor.messages["price"].text() == "Price: An amount cannot be negative."

    clear_field(qtbot, window, editor.price_input)
    type_into(qtbot, window, editor.price_input, "2.505")
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)

    assert editor.messages["price"].text() == "Price: USD amounts have at most 2 decimals."
    assert editor.messages["name"].text() == ""
    assert (editor.name_input.text(), editor.price_input.text()) == ("tea", "2.505")
    assert product_count(catalog_store) == before


def test_products_page_tax_rate_over_100_is_refused_by_the_field(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A tax rate over 100 % is refused under the tax rate; a named rate of the store fills
    the field at a tap."""
    catalog_store.client.update_backoffice_store(
        c.StoreUpdate(tax_rates=[c.TaxRate(name="Standard", rate_bp=825)])
    )
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap_row(qtbot, page.products, "Croissant")
    editor = page.editor
    clear_field(qtbot, window, editor.tax_input)
    type_into(qtbot, window, editor.tax_input, "101")
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)
    assert editor.messages["tax_rate"].text() == "Tax rate: a rate cannot be over 100 %."

    pick = next(b for b in editor.findChildren(type(editor.save_button), "taxPick"))
    assert pick.text() == "Standard 8.25 %"
    tap(qtbot, pick)
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)
    assert editor.banner.text() == "Croissant saved."
    assert editor.product is not None and editor.product.tax_rate_bp == 825


def test_products_page_second_editor_is_told_who_changed_it_and_reloads(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """Another manager saves Cappuccino while it is open here: this save is refused with who
    changed it and when, the price typed stays; Reload shows their version."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap_row(qtbot, page.products, "Cappuccino")
    editor = page.editor
    opened = editor.product
    assert opened is not None
    with catalog_store.other_manager() as other:
        other.update_product(opened.id, c.ProductUpdate(version=opened.version, price=4_95))

    clear_field(qtbot, window, editor.price_input)
    type_into(qtbot, window, editor.price_input, "5.25")
    tap(qtbot, editor.save_button)
    wait_saved(qtbot, window)

    notice = editor.stale_notice
    assert notice.isVisible()
    assert notice.text.text().startswith("This product was changed by Morgan Manager at ")
    assert notice.text.text().endswith("Reload it, then make your change again.")
    assert editor.price_input.text() == "5.25"
    tap(qtbot, notice.reload_button)
    qtbot.waitUntil(lambda: editor.price_input.text() == "4.95", timeout=WAIT_MS)
    assert not notice.isVisible()
    assert editor.product is not None and editor.product.version == opened.version + 1


def test_products_page_archived_product_leaves_the_checkout(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """Espresso archived by a tap: after the pull the checkout no longer offers it, and the
    page lists it under Archived."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap_row(qtbot, page.products, "Espresso")
    tap(qtbot, page.editor.archived_button)
    tap(qtbot, page.editor.save_button)
    wait_saved(qtbot, window)
    assert "archived" in page.editor.banner.text()

    tap(qtbot, page.editor.back_button)
    tap(qtbot, page.archived_button)
    qtbot.waitUntil(lambda: listed(page) == ["Espresso"], timeout=WAIT_MS)
    catalog_store.pull()
    show_checkout(window)
    qtbot.waitUntil(lambda: "Cappuccino" in checkout_products(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Espresso" not in checkout_products(window), timeout=WAIT_MS)


def test_products_page_search_filter_and_pages(qtbot: QtBot, catalog_store: Store) -> None:
    """Search by name or barcode and filter by category; with more than a page of products,
    Next shows the next 50 and says which."""
    with catalog_store.other_manager() as other:
        gifts = next(k for k in other.categories().items if k.name == "Gifts")
        for number in range(60):
            other.add_product(
                c.ProductCreate(name=f"card {number:02d}", category_id=gifts.id, price=1_00)
            )
    window = catalog_store.window
    page = open_products(qtbot, window)
    assert page.span.text() == "1–50 of 68"  # noqa: RUF001 - the en dash shown
    tap(qtbot, page.next_button)
    qtbot.waitUntil(lambda: page.span.text() == "51–68 of 68", timeout=WAIT_MS)  # noqa: RUF001
    assert not page.next_button.isEnabled() and page.previous_button.isEnabled()

    type_into(qtbot, window, page.search, "0012345000024")
    qtbot.waitUntil(lambda: listed(page) == ["Cappuccino"], timeout=WAIT_MS)
    erase(qtbot, window, page.search)
    qtbot.waitUntil(lambda: len(listed(page)) == 50, timeout=WAIT_MS)
    type_into(qtbot, window, page.search, "mu")
    qtbot.waitUntil(lambda: listed(page) == ["Blueberry muffin", "Mug"], timeout=WAIT_MS)
    pick_in_combo(qtbot, page.category_filter, "Gifts")
    qtbot.waitUntil(lambda: listed(page) == ["Mug"], timeout=WAIT_MS)


def test_products_page_scan_adds_a_barcode_to_the_product_open(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A barcode scanned while a product is open joins its barcodes field."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap_row(qtbot, page.products, "Mug")
    scan(window, "990001")
    assert page.editor.barcodes_input.text() == "0012345000086 990001"


def erase(qtbot: QtBot, window: MainWindow, field: QLineEdit) -> None:
    """Tap the end of the field's text, then the keyboard's backspace until it is empty."""
    qtbot.mouseClick(field, TAP, pos=QPoint(field.width() - 8, field.height() // 2))
    keyboard = window.keyboard.keyboard
    assert keyboard is not None
    backspace = button(keyboard, "keyboardBackspace")
    for _ in range(len(field.text())):
        tap(qtbot, backspace)
    assert field.text() == ""


def listed(page: ProductsPage) -> list[str]:
    tree = page.products
    items = [tree.topLevelItem(row) for row in range(tree.topLevelItemCount())]
    return [item.text(0) for item in items if item is not None]


def test_products_page_editor_with_its_messages_fits_1024_by_768(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """The editor with a message under every field and the stale notice, and the import's
    preview with its problems: nothing cut, nothing out of the window, every target a
    finger's size."""
    window = catalog_store.window
    page = open_products(qtbot, window)
    tap_row(qtbot, page.products, "Blueberry muffin")
    editor = page.editor
    editor.show_refusals(
        {
            "name": "Enter the product's name.",
            "category": "Pick a category.",
            "price": "Price: USD amounts have at most 2 decimals.",
            "tax_rate": "Tax rate: a rate cannot be over 100 %.",
            "barcodes": "Barcode 0012345000017 is already used by “Espresso”.",
        }
    )
    editor.stale_notice.show_message(
        "This product was changed by Morgan Manager at 14:05 on 03 Mar. Reload it, then "
        "make your change again."
    )
    qtbot.wait(50)  # the layout's pass
    assert window.width() <= 1024 and window.height() <= 768
    assert layout_problems(window) == []
