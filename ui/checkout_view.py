"""Checkout: product buttons by category, search, the ticket's lines with +/-/remove, totals,
Void and Pay. Scans arrive from the window's scan detector, wherever the focus is. A void, or a
line removed after a tender, asks a manager's PIN where the store wants one of a cashier."""

from __future__ import annotations

import uuid

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.approvals import Approval, ApprovalAction
from pos_desktop.domain.card_sale import CardLimits
from pos_desktop.domain.catalog import CategoryButton, Product, StoreRules
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.ticket import TicketLine
from pos_desktop.services.results import CardSold, Catalog
from ui.approval_dialog import ApprovalDialog, with_approval
from ui.card_sale_dialog import CardSaleDialog
from ui.presenters.approval import ApprovalPresenter
from ui.presenters.refunds import RefundPresenter
from ui.presenters.sale import SalePresenter
from ui.refund_dialog import RefundDialog
from ui.widgets.banner import Banner, lay_over_top
from ui.widgets.confirm import ask
from ui.widgets.layouts import clear_layout
from ui.widgets.tile_layout import TileLayout
from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_target_px

ALL_CATEGORIES = "All"
# Product buttons shown at once: a few screens of them. A store of thousands would take
# seconds to build a button each; a search or a category finds the others at once.
MAX_TILES = 100
# The category picked: a dark ring, on a coloured button as on "All".
PICKED_RING = "QPushButton:checked { border: 4px solid #0d1b2a; }"
LINE_QUANTITY_PX = 40
LINE_TOTAL_PX = 96  # "$1,234.56" in the theme's 19 px
TICKET_MIN_PX = 480

# A new store sells nothing until a manager adds its products: say where.
NO_PRODUCTS_YET = "No products yet. A manager adds them in Back Office → Products."


class LineRow(QFrame):
    """One ticket line: name and unit price, - quantity +, line total, remove.

    The name wraps (a long one takes a second line) rather than pushing the row wider than
    the ticket; the buttons are square touch targets, the glyphs need no more.
    """

    def __init__(self, line_id: uuid.UUID, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ticketLine")
        self.line_id = line_id
        self.name = QLabel(self)
        self.name.setObjectName("lineName")
        self.name.setWordWrap(True)
        self.minus = QPushButton("−", self)  # noqa: RUF001 - a true minus sign, as printed
        self.quantity = QLabel(self)
        self.quantity.setObjectName("lineQuantity")
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quantity.setMinimumWidth(LINE_QUANTITY_PX)
        self.plus = QPushButton("+", self)
        self.total = QLabel(self)
        self.total.setObjectName("lineTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total.setMinimumWidth(LINE_TOTAL_PX)
        self.remove = QPushButton("✕", self)
        self.remove.setProperty("role", "secondary")
        for button in (self.minus, self.plus, self.remove):
            button.setProperty("glyph", True)
            make_touchable(button)
            button.setFixedWidth(touch_target_px(button))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.setSpacing(6)
        row.addWidget(self.name, 1)
        row.addWidget(self.minus)
        row.addWidget(self.quantity)
        row.addWidget(self.plus)
        row.addWidget(self.total)
        row.addWidget(self.remove)

    def show_line(self, line: TicketLine, total_text: str, unit_text: str) -> None:
        """Set only what changed: a label given its own text again is not repainted. A gift
        card's line holds one card: no - and +."""
        _set_text(self.name, f"{line.name}\n{unit_text}")
        one_card = line.card is not None
        if self.minus.isHidden() != one_card:
            self.minus.setVisible(not one_card)
            self.plus.setVisible(not one_card)
        _set_text(self.quantity, str(line.quantity))
        _set_text(self.total, total_text)
        name_widget(self.minus, "lineMinus", f"One fewer {line.name}")
        name_widget(self.plus, "linePlus", f"One more {line.name}")
        name_widget(self.remove, "lineRemove", f"Remove {line.name}")


def more_products(shown: int, total: int) -> str:
    return f"The first {shown:,} of {total:,} items: search, or pick a category, for the others."


def category_style(colour: str | None) -> str:
    """A category button in its Back Office colour: white bold text (the palette's colours are
    dark enough for it), a darker shade while pressed, the dark ring while picked."""
    if colour is None:
        return PICKED_RING
    pressed = QColor(colour).darker(130).name()
    return (
        f"QPushButton {{ background: {colour}; border: 2px solid {colour}; color: #ffffff;"
        " font-weight: bold; }"
        f" QPushButton:pressed {{ background: {pressed}; }}"
        f" {PICKED_RING}"
    )


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class CheckoutView(QWidget):
    pay_requested = Signal()
    # The cash drawer's screens (open a shift, pay in and out, no sale, X, close and Z).
    drawer_requested = Signal()

    def __init__(
        self,
        presenter: SalePresenter,
        parent: QWidget | None = None,
        approvals: ApprovalPresenter | None = None,
        refunds: RefundPresenter | None = None,
    ) -> None:
        """``approvals``: asks a manager's PIN where the store wants one (None: never);
        ``refunds``: refunds of completed sales onto gift cards (None: not on this register)."""
        super().__init__(parent)
        self.setObjectName("checkoutView")
        self.setAccessibleName("Checkout")
        self._presenter = presenter
        self._approvals = approvals
        self._refunds = refunds
        self.approval_dialog: ApprovalDialog | None = None
        self.card_sale_dialog: CardSaleDialog | None = None
        self.refund_dialog: RefundDialog | None = None
        self._catalog: Catalog | None = None
        self._category = ALL_CATEGORIES
        self._locale = "en_US"
        self._timezone = "UTC"
        self.sale: Sale | None = None
        columns = QHBoxLayout(self)
        columns.setContentsMargins(20, 16, 20, 16)
        columns.setSpacing(24)
        columns.addLayout(self._build_products(), 4)
        columns.addWidget(self._build_ticket(), 3)
        self._build_banner()

        presenter.catalog_loaded.connect(self.show_catalog)
        presenter.sale_changed.connect(self.show_sale)
        presenter.search_results.connect(self._show_results)
        presenter.failed.connect(self._show_error)
        presenter.scan_failed.connect(self._show_error)
        presenter.cashier_acted.connect(self.banner.clear)
        presenter.card_sale_ready.connect(self._open_card_sale)
        presenter.card_sold.connect(self._card_sold)
        presenter.card_refused.connect(self._card_refused)
        self.show_sale(None)

    def _build_products(self) -> QVBoxLayout:
        """Left: search, categories, product buttons."""
        self.search = QLineEdit(self)
        name_widget(self.search, "productSearch", "Search items")
        self.search.setPlaceholderText("Search items")
        make_touchable(self.search, 1.25)
        self.search.textChanged.connect(self._search_changed)

        # Categories and products in tiles: as many columns as the width takes.
        self.category_bar = TileLayout(spacing=8)
        self._category_group = QButtonGroup(self)
        self._category_group.setExclusive(True)

        self.products = QWidget(self)
        self.products.setObjectName("productGrid")
        self.product_grid = TileLayout(self.products)
        product_scroll = QScrollArea(self)
        product_scroll.setObjectName("productScroll")
        product_scroll.setWidgetResizable(True)
        product_scroll.setFrameShape(QFrame.Shape.NoFrame)
        product_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        product_scroll.setWidget(self.products)
        enable_finger_scroll(product_scroll)
        self.empty_products = QLabel("Loading the catalog…", self)
        self.empty_products.setObjectName("productsHint")
        self.empty_products.setProperty("hint", True)
        self.empty_products.setWordWrap(True)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.search)
        left.addLayout(self.category_bar)
        left.addWidget(self.empty_products)
        left.addWidget(product_scroll, 1)
        return left

    def _build_ticket(self) -> QWidget:
        """Right: the ticket's title, lines, totals, Void and Pay."""
        panel = QWidget(self)
        panel.setObjectName("ticketPanel")
        # As wide as a line with a long word in its name needs, whatever the ticket holds:
        # the first scan must not narrow the products under the cashier's finger.
        panel.setMinimumWidth(TICKET_MIN_PX)
        self.ticket_panel = panel
        self.ticket_title = QLabel("New ticket", panel)
        self.ticket_title.setObjectName("ticketTitle")
        self.ticket_title.setProperty("heading", True)
        self.lines_box = QWidget(panel)
        self.lines_box.setObjectName("ticketLines")
        self.lines_layout = QVBoxLayout(self.lines_box)
        self.lines_layout.setContentsMargins(0, 0, 0, 0)
        self.lines_layout.setSpacing(4)
        # Rows from the top, each as tall as its wrapped name needs; the stretch takes the rest.
        self.lines_layout.addStretch(1)
        self.line_rows: list[LineRow] = []
        self.lines_scroll = QScrollArea(panel)
        self.lines_scroll.setObjectName("ticketScroll")
        self.lines_scroll.setWidgetResizable(True)
        self.lines_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines_scroll.setWidget(self.lines_box)
        enable_finger_scroll(self.lines_scroll)
        self._followed: LineRow | None = None  # the row the last change added or counted
        self.lines_scroll.verticalScrollBar().rangeChanged.connect(
            lambda _low, _high: self._scroll_to_followed()
        )
        self.empty_ticket = QLabel("Scan an item or tap a product to start a ticket.", panel)
        self.empty_ticket.setObjectName("emptyTicketHint")
        self.empty_ticket.setProperty("hint", True)
        self.empty_ticket.setWordWrap(True)
        # A refund is of a completed sale, not of the ticket being rung up: offered while no
        # ticket is open. (The drawer, a no sale among its pages, is the header's Drawer.)
        self.refund_button = QPushButton("Refund", panel)
        name_widget(self.refund_button, "refundButton", "Refund a completed sale")
        self.refund_button.setProperty("role", "secondary")
        make_touchable(self.refund_button, 1.25)
        self.refund_button.clicked.connect(self._ask_refund)
        self.refund_button.setVisible(self._refunds is not None)
        idle = QHBoxLayout()
        idle.setSpacing(10)
        idle.addWidget(self.refund_button)
        idle.addStretch(1)

        right = QVBoxLayout(panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(10)
        right.addLayout(self._build_title(panel))
        right.addWidget(self.empty_ticket)
        right.addLayout(idle)
        right.addWidget(self.lines_scroll, 1)
        right.addLayout(self._build_totals(panel))
        right.addLayout(self._build_actions(panel))
        return panel

    def _build_title(self, panel: QWidget) -> QHBoxLayout:
        """The ticket's title, and the drawer beside it: there mid-ticket too, since cash
        waits for an open shift."""
        self.drawer_button = QPushButton("Drawer", panel)
        name_widget(self.drawer_button, "drawerButton", "Cash drawer: shift, X and Z reports")
        self.drawer_button.setProperty("role", "secondary")
        self.drawer_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        make_touchable(self.drawer_button)
        self.drawer_button.clicked.connect(self.drawer_requested)
        row = QHBoxLayout()
        row.addWidget(self.ticket_title, 1)
        row.addWidget(self.drawer_button)
        return row

    def _build_totals(self, panel: QWidget) -> QGridLayout:
        self.subtotal = QLabel(panel)
        self.subtotal.setObjectName("ticketSubtotal")
        self.tax = QLabel(panel)
        self.tax.setObjectName("ticketTax")
        self.total = QLabel(panel)
        self.total.setObjectName("ticketTotal")
        self.total.setAccessibleName("Ticket total")
        totals = QGridLayout()
        for row, (caption, value) in enumerate(
            (("Subtotal", self.subtotal), ("Tax", self.tax), ("Total", self.total))
        ):
            label = QLabel(caption, panel)
            if value is self.total:
                label.setProperty("totalCaption", True)
            totals.addWidget(label, row, 0)
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            totals.addWidget(value, row, 1)
        return totals

    def _build_actions(self, panel: QWidget) -> QHBoxLayout:
        self.void_button = QPushButton("Void ticket", panel)
        name_widget(self.void_button, "voidTicketButton", "Void ticket")
        self.void_button.setProperty("role", "danger")
        self.pay_button = QPushButton("Pay", panel)
        name_widget(self.pay_button, "payButton", "Pay")
        self.pay_button.setProperty("role", "primary")
        # A gift card is sold (or reloaded) as a line of this ticket: its button sits here.
        self.gift_card_button = QPushButton("Gift card", panel)
        name_widget(self.gift_card_button, "sellGiftCardButton", "Sell or reload a gift card")
        self.gift_card_button.setProperty("role", "secondary")
        for button in (self.void_button, self.gift_card_button, self.pay_button):
            make_touchable(button, 1.5)
        self.void_button.clicked.connect(self._confirm_void)
        self.gift_card_button.clicked.connect(self._presenter.open_card_sale)
        self.pay_button.clicked.connect(self._pay)
        actions = QHBoxLayout()
        actions.addWidget(self.void_button, 1)
        actions.addWidget(self.gift_card_button, 1)
        actions.addWidget(self.pay_button, 2)
        return actions

    def _build_banner(self) -> None:
        """A refusal lies over the top of the ticket, outside its layout: nothing under a
        finger moves when it comes or goes. It stays until the cashier acts or taps ✕."""
        self.banner = Banner("errorBanner", "Checkout message", self.ticket_panel, dismissible=True)
        lay_over_top(self.banner, self.ticket_panel)

    def show_message(self, message: str) -> None:
        """Say something over the ticket until the cashier's next change (or ✕)."""
        self.banner.show_message(message)

    # -- catalog -----------------------------------------------------------------------------

    def show_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._locale = catalog.rules.locale
        self._timezone = catalog.rules.timezone
        clear_layout(self.category_bar)
        buttons = (CategoryButton(ALL_CATEGORIES), *catalog.categories)
        for index, (name, colour) in enumerate((b.name, b.colour) for b in buttons):
            button = QPushButton(name, self)
            name_widget(button, f"category{index}", f"Category {name}")
            button.setStyleSheet(category_style(colour))
            button.setCheckable(True)
            button.setChecked(name == self._category)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            make_touchable(button)
            button.clicked.connect(lambda _=False, n=name: self._pick_category(n))
            self._category_group.addButton(button)
            self.category_bar.addWidget(button)
        self._show_products(
            self._filtered(catalog.products),
            empty="No items here." if catalog.products else NO_PRODUCTS_YET,
        )

    def _filtered(self, products: tuple[Product, ...]) -> tuple[Product, ...]:
        if self._category == ALL_CATEGORIES:
            return products
        return tuple(p for p in products if p.category == self._category)

    def _pick_category(self, name: str) -> None:
        self._category = name
        self.search.clear()
        if self._catalog is not None:
            self._show_products(self._filtered(self._catalog.products))

    def _search_changed(self, text: str) -> None:
        if text.strip():
            self._presenter.search(text.strip())
        elif self._catalog is not None:
            self._show_products(self._filtered(self._catalog.products))

    def _show_results(self, text: str, products: tuple[Product, ...]) -> None:
        if text == self.search.text().strip():
            self._show_products(products, empty=f"No item matches “{text}”.")

    def _show_products(self, products: tuple[Product, ...], empty: str = "No items here.") -> None:
        """``empty``: what the grid says when it has no button to show."""
        clear_layout(self.product_grid)
        shown = products[:MAX_TILES]
        for product in shown:
            button = QPushButton(f"{product.name}\n{product.price.format(self._locale)}", self)
            name_widget(button, "productButton", f"Add {product.name}")
            button.setProperty("product", True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            make_touchable(button, 2.0)
            button.clicked.connect(lambda _=False, pid=product.id: self._presenter.add_product(pid))
            self.product_grid.addWidget(button)
        if len(shown) < len(products):
            self.empty_products.setText(more_products(len(shown), len(products)))
        else:
            self.empty_products.setText(empty)
        self.empty_products.setVisible(len(shown) < len(products) or not products)

    # -- the ticket --------------------------------------------------------------------------

    def show_sale(self, sale: Sale | None) -> None:
        """Draw the ticket; a message on screen stays (it goes when the cashier acts)."""
        self.sale = sale
        if sale is None or not sale.lines:
            self._show_lines(())
            self.ticket_title.setText("New ticket")
            self.empty_ticket.show()
            self.refund_button.setVisible(self._refunds is not None)
            for label in (self.subtotal, self.tax, self.total):
                label.setText("—")
            self.pay_button.setEnabled(False)
            self.void_button.setEnabled(sale is not None)
            return
        locale = self._locale
        self.ticket_title.setText(f"Ticket #{sale.number}")
        self.empty_ticket.hide()
        self.refund_button.hide()
        self._show_lines(sale.lines, sale.prices_include_tax)
        totals = sale.totals
        self.subtotal.setText(totals.subtotal.format(locale))
        self.tax.setText(totals.tax.format(locale))
        self.total.setText(totals.total.format(locale))
        self.total.setAccessibleDescription(f"Total {totals.total.format(locale)}")
        self.pay_button.setEnabled(True)
        self.void_button.setEnabled(True)

    def _show_lines(self, lines: tuple[TicketLine, ...], prices_include_tax: bool = False) -> None:
        """Bring the rows in line with ``lines``, keeping the row of every line still there.

        A scan changes one line; rebuilding every row (and restyling it) made the cashier wait
        for the whole ticket to be drawn again. The line a change added or counted is scrolled
        into view, so a scan's result is always on screen.
        """
        wanted = {line.id for line in lines}
        for gone in [row for row in self.line_rows if row.line_id not in wanted]:
            self.lines_layout.removeWidget(gone)
            gone.deleteLater()
        before = {row.line_id: row for row in self.line_rows if row.line_id in wanted}
        quantities = {line_id: row.quantity.text() for line_id, row in before.items()}
        rows: list[LineRow] = []
        changed: LineRow | None = None
        for index, line in enumerate(lines):
            row = before.get(line.id)
            if row is None:
                row = LineRow(line.id, self.lines_box)
                row.minus.clicked.connect(lambda _=False, i=line.id: self._change(i, -1))
                row.plus.clicked.connect(lambda _=False, i=line.id: self._change(i, 1))
                row.remove.clicked.connect(lambda _=False, i=line.id: self._remove(i))
                changed = row
            elif quantities[line.id] != str(line.quantity):
                changed = row
            amounts = line.amounts(prices_include_tax)
            shown = amounts.gross if prices_include_tax else amounts.net
            row.show_line(line, shown.format(self._locale), line.unit_price.format(self._locale))
            if self.lines_layout.indexOf(row) != index:
                self.lines_layout.removeWidget(row)
                self.lines_layout.insertWidget(index, row)
            rows.append(row)
        self.line_rows = rows
        self._followed = changed
        if changed is not None:
            QTimer.singleShot(0, self._scroll_to_followed)

    def _scroll_to_followed(self) -> None:
        # Also on every change of the list's scroll range: a new row gets its place, and the
        # list its new height, a few layout passes after it was added.
        row = self._followed
        if row is not None and shiboken6.isValid(row) and row in self.line_rows:
            self.lines_scroll.ensureWidgetVisible(row, 0, 0)

    def _change(self, line_id: uuid.UUID, delta: int) -> None:
        sale = self.sale
        line = next((line for line in sale.lines if line.id == line_id), None) if sale else None
        if line is None:
            return
        if line.quantity + delta < 1:
            self._remove(line_id)
        else:
            self._presenter.change_quantity(line_id, delta)

    def _remove(self, line_id: uuid.UUID) -> None:
        """Take the line off; after a tender, with a manager's PIN where the store asks one."""
        sale = self.sale
        line = next((line for line in sale.lines if line.id == line_id), None) if sale else None
        if sale is None or line is None or not sale.has_payments:
            self._presenter.remove_line(line_id)
            return
        try:
            sale.line_removable_after_tender(line_id)
        except DomainError as refused:  # said now: no manager is called over for nothing
            self.show_message(refused.message)
            return
        self.approval_dialog = with_approval(
            self,
            self._approvals,
            ApprovalAction.REMOVE_PAID_LINE,
            f"Remove {line.name} from ticket #{sale.number}, which has a payment on it?",
            lambda approval: self._presenter.remove_line(line_id, approval),
        )

    def _confirm_void(self) -> None:
        sale = self.sale
        if sale is None:
            return
        question = f"Void ticket #{sale.number}? Its items are removed"
        if any(p.card_last4 for p in sale.visible_payments):
            question += " and every gift card on it gets its money back"
        if sale.sells_gift_cards:
            question += "; the gift cards it sells are cancelled"
        approvals = self._approvals
        if approvals is not None and approvals.needed(ApprovalAction.VOID_TICKET):
            # The manager's PIN is the confirmation: one dialog, not two.
            self.approval_dialog = with_approval(
                self, approvals, ApprovalAction.VOID_TICKET, question + ".", self._presenter.void
            )
            return
        self.void_dialog = ask(self, question + ".", "Void ticket", self._presenter.void)

    # -- gift cards sold on the ticket -------------------------------------------------------

    def _open_card_sale(self, rules: StoreRules, limits: CardLimits) -> None:
        if not self.isVisible():
            return
        dialog = CardSaleDialog(rules, limits, self)
        dialog.sell_requested.connect(self._presenter.sell_card)
        dialog.reload_requested.connect(self._presenter.reload_card)
        self.card_sale_dialog = dialog
        dialog.open()

    def _card_sold(self, sold: CardSold) -> None:
        if self.card_sale_dialog is not None:
            self.card_sale_dialog.show_sold(sold)

    def _card_refused(self, message: str, field: str) -> None:
        dialog = self.card_sale_dialog
        if dialog is not None and dialog.isVisible():
            dialog.show_refusal(message, field)
        else:
            self._show_error(message)

    def accept_scan(self, code: str) -> bool:
        """A scan while the Gift card or Refund screen is open is the card's number."""
        refund = self.refund_dialog
        if refund is not None and refund.isVisible():
            refund.fill_scanned(code)
            return True
        dialog = self.card_sale_dialog
        if dialog is None or not dialog.isVisible():
            return False
        dialog.fill_scanned(code)
        return True

    # -- refunds of completed sales ----------------------------------------------------------

    def _ask_refund(self) -> None:
        """Refund: the manager's PIN first where the store asks one of a cashier."""
        self.banner.clear()
        self.approval_dialog = with_approval(
            self,
            self._approvals,
            ApprovalAction.REFUND,
            "Refund a completed sale onto a gift card?",
            self._open_refund,
        )

    def _open_refund(self, approval: Approval | None) -> None:
        refunds = self._refunds
        if refunds is None or not self.isVisible():
            return
        dialog = RefundDialog(refunds, self._locale, self._timezone, self, approval)

        def closed() -> None:
            if self.refund_dialog is dialog:
                self.refund_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.refund_dialog = dialog
        dialog.open()

    def _pay(self) -> None:
        self.banner.clear()
        self.pay_requested.emit()

    def _show_error(self, message: str) -> None:
        if self.isVisible():
            self.show_message(message)

    def reset(self) -> None:
        if self.refund_dialog is not None:
            self.refund_dialog.reject()
        self.search.clear()
        self.banner.clear()
        self.show_sale(None)
