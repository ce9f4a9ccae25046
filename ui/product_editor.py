"""One product in the Back Office, added or changed: name, category, price, tax rate, barcodes,
active or archived.

Each field has its message line under it, its room kept, and the page's messages lie in a
room of their own under the form: nothing moves under a finger when one comes. What the
manager typed stays until they reload or open another product, whatever the save's outcome;
a save refused because someone saved first says who and when, and offers Reload.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.product_rules import tax_rate_text
from pos_desktop.services.results import CatalogSetup, CategoryEntry, ProductEntry, ProductForm
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import caption, keep_bold_room, message_label, pick_combo
from ui.widgets.layouts import clear_layout
from ui.widgets.touch import make_touchable, name_widget, touch_button

if TYPE_CHECKING:
    from ui.presenters.catalog import ProductsPresenter

NEW_TITLE = "New product"
RELOADED = "The latest version is shown. Make your change again, then Save."
BARCODES_HINT = "Barcodes, separated by spaces"
TAX_HINT = "0"
PRICE_HINT = "0.00"
MESSAGE_ROOM_PX = 96  # three lines of a banner: a stale save's who, when and what to do
FIELDS = ("name", "category", "price", "tax_rate", "barcodes")


def _line(name: str, accessible: str, parent: QWidget, hint: str = "") -> QLineEdit:
    line = QLineEdit(parent)
    name_widget(line, name, accessible)
    line.setPlaceholderText(hint)
    make_touchable(line)
    return line


class StaleNotice(QFrame):
    """A save refused because another came first: who and when, and Reload beside it."""

    reload_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        name_widget(self, "staleNotice", "Changed by someone else")
        self.setProperty("banner", True)
        self.text = QLabel(self)
        self.text.setObjectName("staleNoticeText")
        self.text.setWordWrap(True)
        self.reload_button = touch_button(
            "Reload", "reloadProductButton", "Reload the product", self, role="secondary"
        )
        self.reload_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reload_button.clicked.connect(self.reload_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 6, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, text: str) -> None:
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear(self) -> None:
        self.text.clear()
        self.hide()


class ProductEditor(QWidget):
    """``back_requested``: the manager is done here (the list shows again)."""

    back_requested = Signal()

    def __init__(self, presenter: ProductsPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "productEditor", "Product")
        self._presenter = presenter
        self._before: ProductEntry | None = None
        self.messages: dict[str, QLabel] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addLayout(self._build_top())
        column.addLayout(self._build_form())
        column.addStretch(1)
        column.addLayout(self._build_bottom())
        presenter.saved.connect(self._saved)
        presenter.refused.connect(self.show_refusals)
        presenter.stale.connect(self._stale)
        presenter.opened.connect(self._reloaded)
        presenter.setup_loaded.connect(self.show_setup)
        presenter.busy_changed.connect(lambda busy: self.save_button.setEnabled(not busy))

    # -- building ------------------------------------------------------------------------------

    def _build_top(self) -> QHBoxLayout:
        self.back_button = touch_button(
            "← Products", "productsBackButton", "Back to the products", self, role="secondary"
        )
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel(NEW_TITLE, self)
        name_widget(self.title, "productTitle", "Product")
        self.title.setProperty("heading", True)
        self.title.setWordWrap(True)  # a long name takes a second line, not the buttons' room
        self.status = QButtonGroup(self)
        self.status.setExclusive(True)
        self.active_button = self._toggle("Active", "productActive", "Active: sold at the counter")
        self.archived_button = self._toggle(
            "Archived", "productArchived", "Archived: no longer sold"
        )
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.back_button)
        row.addWidget(self.title, 1)
        row.addWidget(self.active_button)
        row.addWidget(self.archived_button)
        return row

    def _toggle(self, text: str, name: str, accessible: str) -> QPushButton:
        button = touch_button(text, name, accessible, self)
        button.setCheckable(True)
        button.setProperty("tipPreset", True)  # the theme's look of a checked toggle
        keep_bold_room(button)
        self.status.addButton(button)
        return button

    def _build_form(self) -> QGridLayout:
        self.name_input = _line("productNameInput", "Name", self)
        self.name_input.setMaxLength(200)
        self.category_input = pick_combo("productCategoryInput", "Category", self)
        self.price_input = _line("productPriceInput", "Price", self, PRICE_HINT)
        self.tax_input = _line("productTaxInput", "Tax rate in percent", self, TAX_HINT)
        self.barcodes_input = _line("productBarcodesInput", "Barcodes", self, BARCODES_HINT)
        self.tax_picks = QHBoxLayout()
        self.tax_picks.setSpacing(6)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._field(grid, 0, 0, "name", "Name", self.name_input)
        self._field(grid, 0, 1, "barcodes", "Barcodes (separated by spaces)", self.barcodes_input)
        self._field(grid, 3, 0, "category", "Category", self.category_input)
        self._field(grid, 3, 1, "tax_rate", "Tax rate %", self.tax_input)
        self._field(grid, 6, 0, "price", "Price", self.price_input)
        grid.addLayout(self.tax_picks, 7, 1)
        return grid

    def _field(
        self, grid: QGridLayout, row: int, column: int, field: str, title: str, widget: QWidget
    ) -> None:
        """A caption, its field and the field's message line, one under the other."""
        grid.addWidget(caption(title, self, wrap=False), row, column)
        grid.addWidget(widget, row + 1, column)
        message = message_label(f"{field}Message", self)
        message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.messages[field] = message
        grid.addWidget(message, row + 2, column)

    def _build_bottom(self) -> QHBoxLayout:
        self.banner = Banner("productBanner", "Product message", self, dismissible=True)
        self.stale_notice = StaleNotice(self)
        self.stale_notice.reload_requested.connect(self._reload)
        room = message_room(
            self, "productMessageRoom", self.banner, self.stale_notice, height=MESSAGE_ROOM_PX
        )
        self.save_button = touch_button(
            "Save", "saveProductButton", "Save the product", self, role="primary", scale=1.25
        )
        self.save_button.setMinimumWidth(160)
        self.save_button.clicked.connect(self._save)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(room, 1)
        row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    def showEvent(self, event: QShowEvent) -> None:
        # Two lines' room under each field, in the theme's font (known once it is shown):
        # "Barcode 0012345000017 is already used by “Cappuccino”." wraps, and moves nothing.
        for message in self.messages.values():
            message.setMinimumHeight(2 * message.fontMetrics().lineSpacing() + 2)
        super().showEvent(event)

    # -- what it shows -------------------------------------------------------------------------

    @property
    def product(self) -> ProductEntry | None:
        """The product as last loaded or saved; None while a new one is being added."""
        return self._before

    def show_setup(self, setup: CatalogSetup) -> None:
        """The store's categories to pick from and its tax rates to tap, keeping the pick."""
        picked = self.category_input.currentData()
        self._fill_categories(setup.categories, picked)
        clear_layout(self.tax_picks)
        for name, rate_bp in setup.tax_rates:
            text = f"{name} {tax_rate_text(rate_bp)} %"
            button = touch_button(text, "taxPick", f"Tax rate {text}", self)
            button.setProperty("compact", True)
            button.clicked.connect(
                lambda _=False, bp=rate_bp: self.tax_input.setText(tax_rate_text(bp))
            )
            self.tax_picks.addWidget(button)
        self.tax_picks.addStretch(1)

    def _fill_categories(self, categories: tuple[CategoryEntry, ...], picked: object) -> None:
        combo: QComboBox = self.category_input
        combo.blockSignals(True)
        combo.clear()
        for category in categories:
            combo.addItem(category.name, category.id)
        index = combo.findData(picked) if picked is not None else -1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def open_product(self, entry: ProductEntry) -> None:
        """Show ``entry`` as the server holds it, over whatever the form held."""
        self._before = entry
        self.title.setText(entry.name)
        self.name_input.setText(entry.name)
        index = self.category_input.findData(entry.category_id)
        if index < 0:
            self.category_input.addItem(entry.category, entry.category_id)
            index = self.category_input.count() - 1
        self.category_input.setCurrentIndex(index)
        self.price_input.setText(format(entry.price.to_decimal(), "f"))
        self.tax_input.setText(tax_rate_text(entry.tax_rate_bp))
        self.barcodes_input.setText(" ".join(entry.barcodes))
        for field in (self.name_input, self.barcodes_input):
            field.setCursorPosition(0)
        (self.active_button if entry.active else self.archived_button).setChecked(True)
        self._clear_messages()

    def open_new(self, category_id: uuid.UUID | None = None) -> None:
        """An empty form for a new product, in ``category_id`` if the list was filtered by it."""
        self._before = None
        self.title.setText(NEW_TITLE)
        for field in (self.name_input, self.price_input, self.tax_input, self.barcodes_input):
            field.clear()
        index = self.category_input.findData(category_id) if category_id is not None else -1
        self.category_input.setCurrentIndex(index)
        self.active_button.setChecked(True)
        self._clear_messages()

    def add_barcode(self, code: str) -> None:
        """A scanned barcode joins those typed (once)."""
        code = code.strip()
        typed = self.barcodes_input.text().split()
        if code and code not in typed:
            self.barcodes_input.setText(" ".join([*typed, code]))
        self.messages["barcodes"].clear()

    def form(self) -> ProductForm:
        picked = self.category_input.currentData()
        return ProductForm(
            name=self.name_input.text(),
            category_id=picked if isinstance(picked, uuid.UUID) else None,
            price=self.price_input.text(),
            tax_rate=self.tax_input.text(),
            barcodes=self.barcodes_input.text(),
            active=not self.archived_button.isChecked(),
        )

    def show_refusals(self, errors: dict[str, str]) -> None:
        """Each refusal next to its field; one that belongs to none in the message room."""
        for field, label in self.messages.items():
            label.setText(errors.get(field, ""))
        unplaced = [text for field, text in errors.items() if field not in self.messages]
        self.stale_notice.clear()
        if unplaced:
            self.banner.show_message(" ".join(unplaced))
        else:
            self.banner.clear()

    def show_failure(self, message: str) -> None:
        self.stale_notice.clear()
        self.banner.show_message(message)

    def _clear_messages(self) -> None:
        for label in self.messages.values():
            label.clear()
        self.banner.clear()
        self.stale_notice.clear()

    # -- the manager's actions and the server's answers ----------------------------------------

    def _save(self) -> None:
        for label in self.messages.values():
            label.clear()
        self.banner.clear()
        self.stale_notice.clear()
        self._presenter.save(self._before, self.form())

    def _reload(self) -> None:
        if self._before is not None:
            self._presenter.reload(self._before.id)

    def _saved(self, entry: ProductEntry, word: str) -> None:
        if self._before is not None and self._before.id != entry.id:
            return  # another product was opened meanwhile: it stays as it is
        self.open_product(entry)
        self.banner.show_message(word, "info")

    def _stale(self, message: str) -> None:
        self.banner.clear()
        self.stale_notice.show_message(message)

    def _reloaded(self, entry: ProductEntry) -> None:
        if self._before is not None and entry.id == self._before.id:
            self.open_product(entry)
            self.banner.show_message(RELOADED, "info")
