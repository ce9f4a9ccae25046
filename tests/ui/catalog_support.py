"""What the Back Office catalog tests share: a store of their own (they change its catalog, see
the ``catalog_store`` fixture), a manager at a 1024x768 register of it, the pages opened by
taps, and the register's next pull."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.session import SessionService
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.ui.support import TAP, child
from ui.categories_page import CategoriesPage
from ui.main_window import MainWindow
from ui.products_page import ProductsPage
from ui.tab_frame import CHECKOUT_TAB

WAIT_MS = 10_000


@dataclass
class Store:
    """A demo store of the test's own, a manager logged in at a register of it."""

    server: EmbeddedServer
    client: ServerClient
    window: MainWindow
    data_dir: Path

    def pull(self) -> None:
        """What the register's sync loop does on its next round."""
        database = RegisterDatabase.in_folder(self.data_dir)
        try:
            CatalogSync(database, self.client).pull_once()
        finally:
            database.close()
        self.window.catalog_changed.emit()

    def other_manager(self) -> ServerClient:
        """A second register where the manager works at the same time."""
        enrolled = self.server.enroll_local_register("Back room")
        client = ServerClient(self.server.base_url, enrolled.token)
        SessionService(client).log_in(MANAGER_PIN)
        return client


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, TAP)


def open_page(qtbot: QtBot, window: MainWindow, title: str) -> None:
    frame = window.tab_frame
    back_office = frame.back_office_view
    assert back_office is not None and frame.back_office_shown
    frame.tabs.setCurrentWidget(back_office)
    row = back_office.page_titles().index(title)
    rect = back_office.nav.visualItemRect(back_office.nav.item(row))
    qtbot.mouseClick(back_office.nav.viewport(), TAP, pos=rect.center())


def open_products(qtbot: QtBot, window: MainWindow) -> ProductsPage:
    open_page(qtbot, window, "Products")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    page = child(back_office, ProductsPage, "productsPage")
    qtbot.waitUntil(
        lambda: (
            page.products.topLevelItemCount() > 0
            and window.products.setup is not None
            and not window.products.busy
            and not window.products.listing
        ),
        timeout=WAIT_MS,
    )
    return page


def open_categories(qtbot: QtBot, window: MainWindow) -> CategoriesPage:
    open_page(qtbot, window, "Categories")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    page = child(back_office, CategoriesPage, "categoriesPage")
    qtbot.waitUntil(
        lambda: page.category_list.count() > 0 and not window.categories.busy, timeout=WAIT_MS
    )
    return page


def tap_row(qtbot: QtBot, tree: QTreeWidget, name: str) -> None:
    """Tap the row whose first column reads ``name``."""
    item = next(
        tree.topLevelItem(row)
        for row in range(tree.topLevelItemCount())
        if tree.topLevelItem(row).text(0) == name
    )
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), TAP, pos=tree.visualItemRect(item).center())


def pick_in_combo(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Open the list by a tap and tap the choice that reads ``text``.

    A combo takes no release on its list for a double-click's interval after the list opens
    (a press on the combo, dragged and released on a choice, would pick it by accident): a
    finger is slower than that, a test is not, so the interval is none while it taps."""
    interval = QApplication.doubleClickInterval()
    QApplication.setDoubleClickInterval(0)
    try:
        tap(qtbot, combo)
        view = combo.view()
        qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
        _tap_choice(qtbot, combo, text)
    finally:
        QApplication.setDoubleClickInterval(interval)
    assert combo.currentText() == text


def _tap_choice(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    view = combo.view()
    index = combo.findText(text)
    assert index >= 0, f"no choice {text!r}"
    model_index = view.model().index(index, 0)
    view.scrollTo(model_index)
    center: QPoint = view.visualRect(model_index).center()
    # A finger lands where it taps: the list follows the pointer to the choice under it.
    qtbot.mouseMove(view.viewport(), center)
    qtbot.mouseClick(view.viewport(), TAP, pos=center)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)


def show_checkout(window: MainWindow) -> None:
    window.tab_frame.tabs.setCurrentIndex(CHECKOUT_TAB)


def checkout_products(window: MainWindow) -> list[str]:
    """The names on the checkout's product buttons."""
    checkout = window.tab_frame.checkout_view
    return [
        button.accessibleName().removeprefix("Add ")
        for button in checkout.findChildren(QPushButton, "productButton")
        if button.isVisible()
    ]


def checkout_categories(window: MainWindow) -> list[str]:
    checkout = window.tab_frame.checkout_view
    buttons = [
        checkout.category_bar.itemAt(index).widget()
        for index in range(checkout.category_bar.count())
    ]
    return [
        b.text() for b in buttons if isinstance(b, QPushButton) and not b.isHidden() and b.text()
    ]


def wait_saved(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.products.busy, timeout=WAIT_MS)
