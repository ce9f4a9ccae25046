"""What a logged-in employee sees: a header (store, employee, Lock) over the work tabs."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.services.results import Employee
from ui.back_office_view import BackOfficeView
from ui.balance_check_view import BalanceCheckView
from ui.checkout_view import CheckoutView
from ui.gift_cards_view import GiftCardsView
from ui.settings_view import SettingsView
from ui.tender_view import TenderView
from ui.widgets.layouts import size_by_shown_page
from ui.widgets.status_area import StatusArea
from ui.widgets.touch import make_touchable, name_widget, touch_target_px

CHECKOUT_TAB = 0
GIFT_CARDS_TAB = 1
BALANCE_TAB = 2
SETTINGS_TAB = 3  # managers only
# Beside the employee in the header while the session was opened without the server.
OFFLINE = "Offline"
# At the end of the tabs' row in the demo store.
DEMO_MARK = "DEMO"
BADGE_MARGIN_PX = 16


class TouchTabBar(QTabBar):
    """Tabs no smaller than a touch target, whatever the font and the screen's DPI."""

    def tabSizeHint(self, index: int) -> QSize:
        hint = super().tabSizeHint(index)
        target = touch_target_px(self)
        return QSize(max(hint.width(), target * 3), max(hint.height(), target))


class TabFrame(QWidget):
    lock_requested = Signal()

    def __init__(
        self,
        checkout_view: CheckoutView,
        tender_view: TenderView,
        gift_cards_view: GiftCardsView,
        balance_view: BalanceCheckView,
        settings_view: SettingsView | None = None,
        back_office_view: BackOfficeView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``settings_view`` (the devices) and ``back_office_view``: tabs shown to managers
        only."""
        super().__init__(parent)
        self.setObjectName("tabFrame")
        self.checkout_view = checkout_view
        self.tender_view = tender_view
        self.balance_view = balance_view
        self.gift_cards_view = gift_cards_view
        self.settings_view = settings_view
        self.back_office_view = back_office_view

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        layout.addWidget(self._build_tabs(), 1)
        # Over the free right end of the tabs' row, outside the layout: the header above has
        # no width to spare on an 800-px screen.
        self.demo_badge = QLabel(DEMO_MARK, self)
        name_widget(self.demo_badge, "demoBadge", "Demo store: nothing here is real")
        self.demo_badge.hide()

    def _build_header(self) -> QFrame:
        """The store, device messages, who is logged in, Reprint and Lock."""
        header = QFrame(self)
        header.setObjectName("header")
        self.store_label = QLabel("POS Desktop", header)
        self.store_label.setObjectName("storeNameLabel")
        self.employee_label = QLabel(header)
        self.employee_label.setObjectName("employeeLabel")
        self.lock_button = QPushButton("Lock", header)
        name_widget(self.lock_button, "lockButton", "Lock the register")
        self.lock_button.setProperty("role", "header")
        make_touchable(self.lock_button)
        self.lock_button.setMinimumWidth(140)
        self.lock_button.clicked.connect(self.lock_requested)
        # Shown only when the register has a receipt printer (see ``offer_reprint``).
        self.reprint_button = QPushButton("Reprint", header)
        name_widget(self.reprint_button, "reprintButton", "Reprint last receipt")
        self.reprint_button.setProperty("role", "header")
        make_touchable(self.reprint_button)
        self.reprint_button.setMinimumWidth(140)
        self.reprint_button.hide()
        bar = QHBoxLayout(header)
        bar.setContentsMargins(24, 10, 16, 10)
        bar.setSpacing(20)
        self.status_area = StatusArea(header)
        bar.addWidget(self.store_label)
        bar.addStretch(1)
        bar.addWidget(self.status_area, 2)
        bar.addWidget(self.employee_label)
        bar.addWidget(self.reprint_button)
        bar.addWidget(self.lock_button)
        return header

    def _build_tabs(self) -> QTabWidget:
        """Checkout (with its Pay step), Gift Cards, Balance, and a manager's Settings."""
        self.tabs = QTabWidget(self)
        tab_bar = TouchTabBar(self.tabs)
        name_widget(tab_bar, "mainTabBar", "Work area tabs")
        # Qt's small scroll arrows are no touch targets; the few tabs always fit the width.
        tab_bar.setUsesScrollButtons(False)
        self.tabs.setTabBar(tab_bar)
        name_widget(self.tabs, "mainTabs", "Work areas")
        self.tabs.setDocumentMode(True)
        self.gift_cards_view.setAccessibleName("Gift Cards")
        self.balance_view.setAccessibleName("Gift card balance")
        # The checkout and its Pay screen share one tab: Pay is a step of the same sale.
        self.checkout_stack = QStackedWidget(self)
        self.checkout_stack.setObjectName("checkoutStack")
        self.checkout_stack.addWidget(self.checkout_view)
        self.checkout_stack.addWidget(self.tender_view)
        self.checkout_view.pay_requested.connect(self.show_tender)
        self.tender_view.back_requested.connect(self.show_checkout)
        self.tabs.addTab(self.checkout_stack, "Checkout")
        self.tabs.addTab(self.gift_cards_view, "Gift Cards")
        self.tabs.addTab(self.balance_view, "Balance")
        if self.settings_view is not None:
            self.tabs.addTab(self.settings_view, "Settings")
            self.tabs.setTabVisible(SETTINGS_TAB, False)
        if self.back_office_view is not None:
            self.tabs.addTab(self.back_office_view, "Back Office")
            self.tabs.setTabVisible(self.tabs.indexOf(self.back_office_view), False)
        size_by_shown_page(self.tabs)
        size_by_shown_page(self.checkout_stack)
        return self.tabs

    @property
    def on_checkout(self) -> bool:
        return self.tabs.currentIndex() == CHECKOUT_TAB

    def show_tender(self) -> None:
        self.checkout_stack.setCurrentWidget(self.tender_view)

    def show_checkout(self) -> None:
        self.checkout_stack.setCurrentWidget(self.checkout_view)

    def show_employee(self, employee: Employee, *, offline: bool = False) -> None:
        """Who is logged in; ``offline``: the register checked the PIN itself, the server
        being away, so gift cards wait for the connection."""
        where = f" · {OFFLINE}" if offline else ""
        self.employee_label.setText(f"{employee.name} · {employee.role_label}{where}")
        self.employee_label.setAccessibleName(
            f"Logged in: {employee.name}, {employee.role_label}{', offline' if offline else ''}"
        )
        for manager_tab in (self.settings_view, self.back_office_view):
            if manager_tab is not None:
                self.tabs.setTabVisible(self.tabs.indexOf(manager_tab), employee.is_manager)
        self.gift_cards_view.set_manager(employee.is_manager)

    @property
    def settings_shown(self) -> bool:
        """Whether the Settings tab is offered (a manager is logged in)."""
        return self.settings_view is not None and self.tabs.isTabVisible(SETTINGS_TAB)

    @property
    def back_office_shown(self) -> bool:
        """Whether the Back Office tab is offered (a manager is logged in)."""
        view = self.back_office_view
        return view is not None and self.tabs.isTabVisible(self.tabs.indexOf(view))

    def set_demo(self, demo: bool) -> None:
        self.demo_badge.setVisible(demo)
        self._place_demo_badge()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_demo_badge()

    def _place_demo_badge(self) -> None:
        badge, bar = self.demo_badge, self.tabs.tabBar()
        badge.adjustSize()
        row_top = self.tabs.mapTo(self, QPoint(0, 0)).y()
        badge.move(
            self.width() - badge.width() - BADGE_MARGIN_PX,
            row_top + max(0, (bar.sizeHint().height() - badge.height()) // 2),
        )
        badge.raise_()

    def show_store(self, profile: StoreRules) -> None:
        self.store_label.setText(profile.name)
        self.balance_view.set_store(profile)
        self.gift_cards_view.set_store(profile)

    def reset(self) -> None:
        """Leave nothing of the last employee's work on screen."""
        self.checkout_view.reset()
        self.tender_view.reset()
        self.show_checkout()
        self.balance_view.reset()
        self.gift_cards_view.reset()
        self.employee_label.clear()
        self.tabs.setCurrentIndex(CHECKOUT_TAB)
        if self.settings_view is not None:
            self.settings_view.reset()
            self.tabs.setTabVisible(SETTINGS_TAB, False)
        if self.back_office_view is not None:
            self.back_office_view.reset()
            self.tabs.setTabVisible(self.tabs.indexOf(self.back_office_view), False)
