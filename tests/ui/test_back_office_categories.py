"""The Back Office's Categories page, by taps as a manager against the real embedded server:
the order and colours of the checkout's category buttons, a new category, and a name in use
refused next to the field."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.catalog_support import (
    WAIT_MS,
    Store,
    checkout_categories,
    checkout_products,
    open_categories,
    show_checkout,
    tap,
)
from tests.ui.support import TAP, type_into
from ui.categories_page import CategoriesPage

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
ORANGE = "#EF6C00"


def listed(page: CategoriesPage) -> list[str]:
    return [entry.name for entry in page.entries]


def pick(qtbot: QtBot, names: QListWidget, name: str) -> None:
    """Tap the row of the category called ``name``."""
    item = next(
        item
        for item in (names.item(row) for row in range(names.count()))
        if item is not None and item.text() == name
    )
    qtbot.mouseClick(names.viewport(), TAP, pos=names.visualItemRect(item).center())


def wait_idle(qtbot: QtBot, store: Store) -> None:
    qtbot.waitUntil(lambda: not store.window.categories.busy, timeout=WAIT_MS)


def test_categories_page_reorder_and_colour_reach_the_checkout(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """Gifts moved up twice and painted orange: after the pull the checkout's buttons read
    All, Gifts, Coffee, Bakery, and Gifts' is orange with white text."""
    window = catalog_store.window
    page = open_categories(qtbot, window)
    assert listed(page) == ["Coffee", "Bakery", "Gifts"]
    pick(qtbot, page.category_list, "Gifts")
    assert page.details.currentWidget() is page.edit_page
    for _ in range(2):
        qtbot.waitUntil(page.up_button.isEnabled, timeout=WAIT_MS)
        tap(qtbot, page.up_button)
        wait_idle(qtbot, catalog_store)
    qtbot.waitUntil(lambda: listed(page) == ["Gifts", "Coffee", "Bakery"], timeout=WAIT_MS)
    assert not page.up_button.isEnabled()
    tap(qtbot, page.colours.swatches[ORANGE])
    wait_idle(qtbot, catalog_store)
    assert page.banner.text() == "Category Gifts saved."

    catalog_store.pull()
    show_checkout(window)
    qtbot.waitUntil(
        lambda: checkout_categories(window) == ["All", "Gifts", "Coffee", "Bakery"],
        timeout=WAIT_MS,
    )
    gifts = next(
        b
        for b in window.tab_frame.checkout_view.findChildren(QPushButton)
        if b.accessibleName() == "Category Gifts"
    )
    assert f"background: {ORANGE}" in gifts.styleSheet()
    # "All" lists the products in the same order: Gifts' first.
    qtbot.waitUntil(
        lambda: checkout_products(window)[:3] == ["Greeting card", "Mug", "Scented candle"],
        timeout=WAIT_MS,
    )
    assert "color: #ffffff" in gifts.styleSheet()


def test_categories_page_adds_a_category_and_refuses_a_name_in_use(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """A new category is added in the colour tapped; another named like an existing one is
    refused next to its name, the name typed kept."""
    window = catalog_store.window
    page = open_categories(qtbot, window)
    tap(qtbot, page.add_button)
    type_into(qtbot, window, page.new_name, "drinks")
    tap(qtbot, page.new_colours.swatches[ORANGE])
    tap(qtbot, page.add_save_button)
    wait_idle(qtbot, catalog_store)
    qtbot.waitUntil(lambda: listed(page)[-1] == "drinks", timeout=WAIT_MS)
    added = page.entries[-1]
    assert added.colour == ORANGE

    tap(qtbot, page.add_button)
    type_into(qtbot, window, page.new_name, "coffee")
    tap(qtbot, page.add_save_button)
    wait_idle(qtbot, catalog_store)
    assert page.new_name_message.text() == "A category named “coffee” exists."
    assert page.new_name.text() == "coffee"
    assert listed(page) == ["Coffee", "Bakery", "Gifts", "drinks"]
