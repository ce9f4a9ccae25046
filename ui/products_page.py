"""The Back Office's Products page: the catalog listed a page at a time, searched by name or
barcode, filtered by category, active or archived; a product tapped opens in the editor, and
the catalog goes out to and comes in from CSV files.

Three views in one place, the whole page each: the list, the editor (ui/product_editor.py)
and the import (ui/catalog_import_panel.py). The list keeps its query while the editor is
open, so going back shows the same page.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.results import (
    CatalogSetup,
    ProductEntry,
    ProductListing,
    ProductQuery,
)
from ui.catalog_import_panel import CatalogImportPanel
from ui.product_editor import ProductEditor
from ui.widgets.banner import Banner, message_room
from ui.widgets.columns import WrappingDelegate, fit_columns
from ui.widgets.form_fields import keep_bold_room, pick_combo
from ui.widgets.touch import (
    enable_finger_scroll,
    make_touchable,
    name_widget,
    touch_button,
    touch_target_px,
)

if TYPE_CHECKING:
    from ui.presenters.catalog import CatalogFilesPresenter, ProductsPresenter

ALL_CATEGORIES = "All categories"
SEARCH_HINT = "Name or barcode"
SEARCH_PAUSE_MS = 300  # a search goes once the typing pauses, not at every key
COLUMNS = ("Name", "Category", "Price", "Barcodes")
NAME_COLUMN, CATEGORY_COLUMN, PRICE_COLUMN, BARCODES_COLUMN = range(len(COLUMNS))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _TouchRows(WrappingDelegate):
    """Rows at least a touch target tall, taller when a long name wraps."""

    def __init__(self, row_height: int, parent: QTreeWidget) -> None:
        super().__init__(parent)
        self._row_height = row_height

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), self._row_height))


class ProductsPage(QWidget):
    def __init__(
        self,
        presenter: ProductsPresenter,
        files: CatalogFilesPresenter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "productsPage", "Products")
        self._presenter = presenter
        self._files = files
        self._listing: ProductListing | None = None
        self._locale = "en_US"
        self.views = QStackedWidget(self)
        self.views.setObjectName("productsViews")
        self.views.addWidget(self._build_list())
        self.editor = ProductEditor(presenter, self)
        self.editor.back_requested.connect(self.show_list)
        self.views.addWidget(self.editor)
        self.importer = CatalogImportPanel(files, self)
        self.importer.closed.connect(self.show_list)
        self.importer.imported.connect(self._imported)
        self.views.addWidget(self.importer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.views)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(lambda: self._find(offset=0))
        presenter.setup_loaded.connect(self._show_setup)
        presenter.listed.connect(self._show_listing)
        presenter.failed.connect(self._failed)
        presenter.listing_changed.connect(self._listing_busy)
        files.exported.connect(lambda word: self.banner.show_message(word, "info"))
        files.failed.connect(self._files_failed)
        files.status.connect(self._files_status)
        files.busy_changed.connect(self._files_busy)

    # -- building ------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        page = QWidget(self)
        self.list_page = page
        self.search = QLineEdit(page)
        name_widget(self.search, "productsSearch", "Search by name or barcode")
        self.search.setPlaceholderText(SEARCH_HINT)
        make_touchable(self.search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(lambda: self._find(offset=0))
        self.category_filter = pick_combo("productsCategoryFilter", "Category shown", page)
        self.category_filter.addItem(ALL_CATEGORIES, None)
        self.category_filter.setMinimumWidth(220)
        self.category_filter.currentIndexChanged.connect(lambda _i: self._find(offset=0))
        self.archived_button = touch_button(
            "Archived", "productsArchived", "Show the archived products", page
        )
        self.archived_button.setCheckable(True)
        self.archived_button.setProperty("tipPreset", True)
        keep_bold_room(self.archived_button)
        self.archived_button.toggled.connect(lambda _on: self._find(offset=0))
        self.add_button = touch_button(
            "Add product", "addProductButton", "Add a product", page, role="primary"
        )
        self.add_button.clicked.connect(self._start_add)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.search, 1)
        top.addWidget(self.category_filter)
        top.addWidget(self.archived_button)
        top.addWidget(self.add_button)
        self.products = self._build_table(page)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(top)
        column.addWidget(self.products, 1)
        column.addLayout(self._build_actions(page))
        self.banner = Banner("productsBanner", "Products message", page, dismissible=True)
        self.files_status = QLabel(page)
        name_widget(self.files_status, "productsFilesStatus", "Export or import under way")
        self.files_status.setProperty("busy", True)
        self.files_status.hide()
        column.addWidget(message_room(page, "productsMessageRoom", self.banner, self.files_status))
        return page

    def _build_table(self, page: QWidget) -> QTreeWidget:
        table = QTreeWidget(page)
        name_widget(table, "productsList", "Products")
        table.setColumnCount(len(COLUMNS))
        table.setHeaderLabels(list(COLUMNS))
        table.setRootIsDecorated(False)
        table.setWordWrap(True)
        table.setUniformRowHeights(False)
        table.setItemDelegate(_TouchRows(touch_target_px(page) + 8, table))
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Focus coming to the list would pick a row and open a product: a tap opens one.
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.header()
        name_widget(header, "productsListHeader", "Product columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.headerItem().setTextAlignment(PRICE_COLUMN, _RIGHT)
        table.itemClicked.connect(lambda item, _column: self._open(item))
        enable_finger_scroll(table)
        table.installEventFilter(self)
        return table

    def _build_actions(self, page: QWidget) -> QHBoxLayout:
        self.previous_button = touch_button(
            "← Previous", "productsPrevious", "Previous page of products", page
        )
        self.previous_button.clicked.connect(lambda: self._turn(-1))
        self.span = QLabel(page)
        name_widget(self.span, "productsSpan", "Products shown")
        self.span.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = touch_button("Next →", "productsNext", "Next page of products", page)
        self.next_button.clicked.connect(lambda: self._turn(1))
        for button in (self.previous_button, self.next_button):
            button.setProperty("compact", True)
            button.setEnabled(False)
        self.import_button = touch_button(
            "Import CSV", "importCsvButton", "Import products from a CSV file", page
        )
        self.import_button.clicked.connect(self._start_import)
        self.export_button = touch_button(
            "Export CSV", "exportCsvButton", "Export the catalog as a CSV file", page
        )
        self.export_button.clicked.connect(self._export)
        for button in (self.import_button, self.export_button):
            button.setProperty("compact", True)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.previous_button)
        row.addWidget(self.span, 1)
        row.addWidget(self.next_button)
        row.addSpacing(8)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        return row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.products:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        fit_columns(
            self.products,
            wrapping=(NAME_COLUMN, BARCODES_COLUMN, CATEGORY_COLUMN),
            stretch=NAME_COLUMN,
            scroll_bar_room=True,
        )

    # -- what the page shows -------------------------------------------------------------------

    def load(self) -> None:
        """The page came into view: the store's categories and the list, afresh."""
        self._presenter.load()

    def reset(self) -> None:
        """The manager left: nothing of theirs stays on the page."""
        self._presenter.reset()
        self._files.reset()
        self._search_timer.stop()
        for widget in (self.search, self.category_filter, self.archived_button):
            widget.blockSignals(True)
        self.search.clear()
        self.category_filter.setCurrentIndex(0)
        self.archived_button.setChecked(False)
        for widget in (self.search, self.category_filter, self.archived_button):
            widget.blockSignals(False)
        self.products.clear()
        self.span.clear()
        self._listing = None
        self.editor.open_new()
        self.show_list()

    def show_list(self) -> None:
        self.banner.clear()
        self.views.setCurrentWidget(self.list_page)

    def _show_setup(self, setup: CatalogSetup) -> None:
        self._locale = setup.locale
        combo = self.category_filter
        picked = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL_CATEGORIES, None)
        for category in setup.categories:
            combo.addItem(category.name, category.id)
        index = combo.findData(picked) if picked is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if picked is not None and index < 0:
            self._find(offset=0)  # the category shown is gone: list them all

    def _show_listing(self, listing: ProductListing) -> None:
        self._listing = listing
        self.products.clear()
        for entry in listing.items:
            item = QTreeWidgetItem(
                self.products,
                [
                    entry.name,
                    entry.category,
                    entry.price.format(self._locale),
                    " ".join(entry.barcodes),
                ],
            )
            item.setTextAlignment(PRICE_COLUMN, _RIGHT)
            item.setData(NAME_COLUMN, Qt.ItemDataRole.UserRole, entry)
        self._fit_columns()
        self.products.scrollToTop()
        span = listing.span_text()
        search = listing.query.search.strip()
        if not listing.items and search:
            span = f"Nothing matches “{search}”"
        self.span.setText(span)
        self.previous_button.setEnabled(listing.has_previous)
        self.next_button.setEnabled(listing.has_next)

    def _listing_busy(self, busy: bool) -> None:
        if busy:
            self.previous_button.setEnabled(False)
            self.next_button.setEnabled(False)
        elif self._listing is not None:
            self.previous_button.setEnabled(self._listing.has_previous)
            self.next_button.setEnabled(self._listing.has_next)

    def accept_scan(self, code: str) -> bool:
        """A barcode scanned: added to the barcodes of the product being edited, or searched
        for in the list."""
        if self.views.currentWidget() is self.editor:
            self.editor.add_barcode(code)
            return True
        if self.views.currentWidget() is self.list_page:
            self.search.setText(code)
            self._find(offset=0)
            return True
        return False

    # -- the manager's actions -----------------------------------------------------------------

    def _query(self, offset: int) -> ProductQuery:
        picked = self.category_filter.currentData()
        return ProductQuery(
            search=self.search.text().strip(),
            category_id=picked if isinstance(picked, uuid.UUID) else None,
            archived=self.archived_button.isChecked(),
            offset=offset,
        )

    def _find(self, offset: int) -> None:
        self._search_timer.stop()
        self._presenter.find(self._query(offset))

    def _turn(self, pages: int) -> None:
        listing = self._listing
        if listing is None:
            return
        offset = max(0, listing.query.offset + pages * listing.page_size)
        self._presenter.find(replace(listing.query, offset=offset))

    def _open(self, item: QTreeWidgetItem) -> None:
        entry = item.data(NAME_COLUMN, Qt.ItemDataRole.UserRole)
        if isinstance(entry, ProductEntry):
            self.editor.open_product(entry)
            self.views.setCurrentWidget(self.editor)

    def _start_add(self) -> None:
        picked = self.category_filter.currentData()
        self.editor.open_new(picked if isinstance(picked, uuid.UUID) else None)
        self.views.setCurrentWidget(self.editor)
        self.editor.name_input.setFocus()

    def _start_import(self) -> None:
        self.banner.clear()
        self.views.setCurrentWidget(self.importer)
        self.importer.start()

    def _export(self) -> None:
        self.banner.clear()
        self._files.export()

    # -- answers -------------------------------------------------------------------------------

    def _imported(self, word: str) -> None:
        self.show_list()
        self.banner.show_message(word, "info")
        self._presenter.load()

    def _failed(self, message: str) -> None:
        if self.views.currentWidget() is self.editor:
            self.editor.show_failure(message)
        else:
            self.banner.show_message(message)

    def _files_failed(self, message: str) -> None:
        if self.views.currentWidget() is self.list_page:
            self.banner.show_message(message)

    def _files_status(self, text: str) -> None:
        self.files_status.setText(text)
        self.files_status.setVisible(bool(text) and self.views.currentWidget() is self.list_page)

    def _files_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
