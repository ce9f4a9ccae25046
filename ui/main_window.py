"""The register's window: login screen or the tab frame, and locking between them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QWidget

from ui.login_view import LoginView
from ui.theme import theme_stylesheet

if TYPE_CHECKING:
    from hardware.scanner_settings import ScannerSettings
    from pos_desktop.config import KeyboardMode
    from pos_desktop.domain.approvals import Approval, ApprovalAction
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.domain.money import Money
    from pos_desktop.services.refund_results import CashOutOffer
    from pos_desktop.services.register_services import RegisterServices
    from pos_desktop.services.results import Catalog, Deducted, DeviceSettings, Employee
    from ui.approval_dialog import ApprovalDialog
    from ui.back_office_view import BackOfficeView
    from ui.drawer_dialog import DrawerDialog
    from ui.find_by_email_dialog import FindByEmailDialog
    from ui.idle_lock import IdleLock
    from ui.presenters.approval import ApprovalPresenter
    from ui.presenters.card_actions import CardActionsPresenter
    from ui.presenters.card_list import CardListPresenter
    from ui.presenters.card_lookup import BalanceCheckPresenter, CardSearchPresenter
    from ui.presenters.catalog import (
        CatalogFilesPresenter,
        CategoriesPresenter,
        ProductsPresenter,
    )
    from ui.presenters.deduction import DeductionPresenter
    from ui.presenters.devices import DevicesPresenter
    from ui.presenters.printing import PrintingPresenter
    from ui.presenters.refunds import RefundPresenter
    from ui.presenters.registers import RegistersPresenter
    from ui.presenters.report_alerts import AlertsPresenter
    from ui.presenters.reports import ReportsPresenter
    from ui.presenters.sale import Finished, SalePresenter
    from ui.presenters.session import SessionPresenter
    from ui.presenters.shifts import ShiftPresenter
    from ui.presenters.staff import StaffPresenter
    from ui.presenters.store_profile import StoreProfilePresenter
    from ui.presenters.store_settings import StoreSettingsPresenter
    from ui.receipt_dialog import ReceiptDialog
    from ui.reports_page import ReportsPage
    from ui.scan_detector import WedgeScanDetector
    from ui.serial_scans import SerialScans
    from ui.tab_frame import TabFrame
    from ui.widgets.onscreen_keyboard import KeyboardController

log = logging.getLogger(__name__)

DEFAULT_IDLE_LOCK_SECONDS = 300
REPORTS_PAGE = "Reports"
WINDOW_SIZE = (1280, 800)


def fit_to_screen(window: QWidget, available: QRect) -> None:
    """No larger than the screen's free area, at its corner: a 1024x768 register has no window
    manager to shrink a 1280x800 window, and the rest of it would lie off the glass."""
    width = min(window.width(), available.width())
    height = min(window.height(), available.height())
    window.setGeometry(QRect(available.topLeft(), QSize(width, height)))


SCAN_ON_GIFT_CARDS_TAB = (
    "That scan is not a gift card number. Scan items on Checkout; "
    "here, scan a gift card or search by e-mail."
)
# Worst case the window waits this long on close for requests still running (they time out).
_CLOSE_WAIT_MS = 15_000


def idle_lock_message(seconds: float) -> str:
    if seconds >= 60:
        minutes = round(seconds / 60)
        span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    else:
        span = f"{round(seconds)} seconds"
    return f"Locked after {span} without use. Enter your PIN to continue."


def waiting_to_sync(count: int) -> str:
    """The header's word on tickets the server has not confirmed; empty when none waits."""
    if count <= 0:
        return ""
    return f"{count} ticket{'s' if count != 1 else ''} waiting to sync"


class MainWindow(QMainWindow):
    """The login screen at once; the register's screens once ``attach`` hands it services.

    Built in two steps so that a register shows its login screen while it loads and connects
    (``main.build``); until then the PIN pad waits and says so.
    """

    # Emitted from the sync thread when the catalog or settings changed; Qt queues it here.
    catalog_changed = Signal()
    # How many finished tickets wait for the server (from the sync thread, after each push).
    sync_waiting = Signal(int)

    session: SessionPresenter
    store: StoreProfilePresenter
    balance: BalanceCheckPresenter
    search: CardSearchPresenter
    deduction: DeductionPresenter
    sale: SalePresenter
    devices: DevicesPresenter
    staff: StaffPresenter
    store_settings: StoreSettingsPresenter
    products: ProductsPresenter
    categories: CategoriesPresenter
    catalog_files: CatalogFilesPresenter
    approvals: ApprovalPresenter
    registers: RegistersPresenter
    card_list: CardListPresenter
    refunds: RefundPresenter
    card_actions: CardActionsPresenter
    reports: ReportsPresenter
    alerts: AlertsPresenter
    shifts: ShiftPresenter
    tab_frame: TabFrame
    idle_lock: IdleLock
    scanner: WedgeScanDetector
    keyboard: KeyboardController

    def __init__(
        self,
        services: RegisterServices | None = None,
        *,
        demo: bool = False,
        idle_lock_seconds: float | None = None,
        on_close: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``on_close`` releases what the window's requests used (client, embedded server) once
        they are done; the window holds it, so it lives exactly as long as the window."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("POS Desktop")
        self.setStyleSheet(theme_stylesheet())
        self.resize(*WINDOW_SIZE)
        # None: follow the store's setting once it is known; a number overrides it.
        self._idle_lock_fixed = idle_lock_seconds is not None
        self._idle_lock_seconds = (
            idle_lock_seconds if idle_lock_seconds is not None else DEFAULT_IDLE_LOCK_SECONDS
        )
        self._on_close = on_close
        self._attached = False
        self.receipt_dialog: ReceiptDialog | None = None
        self.cash_out_dialog: QWidget | None = None  # the cash-out offer, while it is open
        # A manager's PIN asked for a reprint, while it is open.
        self.approval_dialog: ApprovalDialog | None = None
        self.drawer_dialog: DrawerDialog | None = None  # the Drawer's screen, while it is open
        self._rules: StoreRules | None = None  # the store's, once its profile has loaded
        self.serial_scans: SerialScans | None = None  # a serial scanner, when one is set
        self.printing: PrintingPresenter | None = None  # a receipt printer, when one is set
        self._keyboard: KeyboardController | None = None

        self.login_view = LoginView()
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("screens")
        self.stack.addWidget(self.login_view)
        self.setCentralWidget(self.stack)
        if services is not None:
            self.attach(services, demo=demo)

    def set_on_close(self, on_close: Callable[[], None]) -> None:
        self._on_close = on_close

    @property
    def is_ready(self) -> bool:
        return self._attached

    def show_first_start(self, view: QWidget, keyboard_mode: KeyboardMode | str) -> None:
        """Ask what this register is (``ui.first_start_view``) before it can start; its text
        fields get the on-screen keyboard like every other screen's, when ``keyboard_mode``
        (the environment's: nothing is stored yet) says so."""
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self._install_keyboard().set_mode(keyboard_mode)

    def end_first_start(self, view: QWidget) -> None:
        """Answered: back to the login screen, which waits while the register starts."""
        self.keyboard.hide()
        self.stack.setCurrentWidget(self.login_view)
        self.stack.removeWidget(view)
        view.deleteLater()

    def _install_keyboard(self) -> KeyboardController:
        """The window's one on-screen keyboard, made at the first screen that needs it."""
        from ui.widgets.onscreen_keyboard import KeyboardController

        if self._keyboard is None:
            self._keyboard = KeyboardController(self)
            app = QApplication.instance()
            if isinstance(app, QApplication):
                self._keyboard.install(app)
            self.keyboard = self._keyboard
        return self._keyboard

    def show_startup_error(self, message: str) -> None:
        """The register could not start: say why where the cashier looks."""
        self.login_view.show_startup_error(message)

    def attach(self, services: RegisterServices, *, demo: bool = False) -> None:
        """Build the screens over ``services`` and let the cashier log in."""
        # The parts below import their modules when called, after the login screen is drawn:
        # the screens and the settings types they show (pydantic) take most of a second to
        # load on a register's CPU.
        self._services = services
        self._build_presenters(services)
        self._build_screens()
        self._connect_session()
        self._build_input()
        self._build_status()
        self.tab_frame.reprint_button.clicked.connect(self._reprint)
        self.tab_frame.checkout_view.drawer_requested.connect(self._open_drawer)
        self.deduction.deducted.connect(self._print_slip)
        self._follow_printing()
        self.devices.saved.connect(self._apply_devices)
        self.tab_frame.tabs.currentChanged.connect(self._tab_changed)
        self.store.profile_changed.connect(self._show_store)
        self.store.refresh()
        self.login_view.bind(self.session, demo=demo)
        self.tab_frame.set_demo(demo)
        self._attached = True

    def _build_presenters(self, services: RegisterServices) -> None:
        from ui.presenters.approval import ApprovalPresenter
        from ui.presenters.card_actions import CardActionsPresenter
        from ui.presenters.card_list import CardListPresenter
        from ui.presenters.card_lookup import BalanceCheckPresenter, CardSearchPresenter
        from ui.presenters.catalog import (
            CatalogFilesPresenter,
            CategoriesPresenter,
            ProductsPresenter,
        )
        from ui.presenters.deduction import DeductionPresenter
        from ui.presenters.devices import DevicesPresenter
        from ui.presenters.egift_delivery import EgiftDeliveryPresenter
        from ui.presenters.refunds import RefundPresenter
        from ui.presenters.registers import RegistersPresenter
        from ui.presenters.report_alerts import AlertsPresenter
        from ui.presenters.reports import ReportsPresenter
        from ui.presenters.sale import SalePresenter
        from ui.presenters.session import SessionPresenter
        from ui.presenters.shifts import ShiftPresenter
        from ui.presenters.staff import StaffPresenter
        from ui.presenters.store_profile import StoreProfilePresenter
        from ui.presenters.store_settings import StoreSettingsPresenter

        # The window's own pool: closing it waits for exactly this window's requests.
        self._pool = QThreadPool(self)
        self.session = SessionPresenter(services.session, self, self._pool)
        self.store = StoreProfilePresenter(services.store, self, self._pool)
        self.balance = BalanceCheckPresenter(services.cards, self, self._pool)
        self.search = CardSearchPresenter(services.cards, self, self._pool)
        self.deduction = DeductionPresenter(services.deductions, self, self._pool)
        self.egift = EgiftDeliveryPresenter(services.egift, self, self._pool)
        self.sale = SalePresenter(
            services.checkout, services.payments, services.receipts, self, services.card_sales
        )
        self.devices = DevicesPresenter(services.devices, self, self._pool)
        self.staff = StaffPresenter(services.staff, self, self._pool)
        self.store_settings = StoreSettingsPresenter(services.store_settings, self, self._pool)
        self.products = ProductsPresenter(services.catalog, self, self._pool)
        self.categories = CategoriesPresenter(services.catalog, self, self._pool)
        self.catalog_files = CatalogFilesPresenter(services.catalog_files, self, self._pool)
        self.approvals = ApprovalPresenter(
            services.approvals, lambda: self.session.employee, self, self._pool
        )
        self.registers = RegistersPresenter(services.registers, self, self._pool)
        self.card_list = CardListPresenter(services.card_list, self, self._pool)
        self.refunds = RefundPresenter(
            services.refunds, lambda: self.session.employee, self, self._pool
        )
        self.card_actions = CardActionsPresenter(
            services.card_actions, self._employee_name, self, self._pool
        )
        self.reports = ReportsPresenter(services.reports, self, self._pool)
        self.alerts = AlertsPresenter(services.reports, self, self._pool)
        self.shifts = ShiftPresenter(
            services.shifts, lambda: self.session.employee, self, self._pool
        )

    def _employee_name(self) -> str:
        employee = self.session.employee
        return employee.name if employee is not None else ""

    def _build_screens(self) -> None:
        from ui.balance_check_view import BalanceCheckView
        from ui.checkout_view import CheckoutView
        from ui.gift_cards_view import GiftCardsView
        from ui.settings_view import SettingsView
        from ui.tab_frame import TabFrame
        from ui.tender_view import TenderView

        self.tab_frame = TabFrame(
            CheckoutView(self.sale, approvals=self.approvals, refunds=self.refunds),
            TenderView(self.sale, find_by_email=self._find_by_email),
            GiftCardsView(self.search, self.deduction, egift=self.egift, actions=self.card_actions),
            BalanceCheckView(self.balance),
            SettingsView(self.devices),
            self._build_back_office(),
        )
        self.stack.addWidget(self.tab_frame)
        self.sale.catalog_loaded.connect(self._apply_store_rules)
        self.sale.completed.connect(self._show_receipt)
        self.sale.cash_out_offered.connect(self._offer_cash_out)
        self.sale.sale_changed.connect(self._follow_sale)
        self.catalog_changed.connect(self.sale.reload_catalog)
        self.catalog_changed.connect(self.store.refresh)

    def _build_back_office(self) -> BackOfficeView:
        from ui.back_office_view import BackOfficeView

        back_office = BackOfficeView(self._fill_back_office)
        back_office.visibility_changed.connect(self._follow_back_office)
        return back_office

    def _fill_back_office(self, back_office: BackOfficeView) -> None:
        """The Back Office's pages, built when the tab is first needed."""
        from ui.categories_page import CategoriesPage
        from ui.employees_page import EmployeesPage
        from ui.gift_card_list_page import GiftCardListPage
        from ui.products_page import ProductsPage
        from ui.registers_page import RegistersPage
        from ui.report_alert import AlertBanner
        from ui.reports_page import ReportsPage
        from ui.store_settings_page import StoreSettingsPage

        employees = EmployeesPage(self.staff)
        back_office.add_page("Employees", employees, employees.load, employees.reset)
        products = ProductsPage(self.products, self.catalog_files)
        back_office.add_page("Products", products, products.load, products.reset)
        categories = CategoriesPage(self.categories)
        back_office.add_page("Categories", categories, categories.load, categories.reset)
        gift_cards = GiftCardListPage(self.card_list, actions=self.card_actions)
        back_office.add_page("Gift Cards", gift_cards, gift_cards.load, gift_cards.reset)
        reports = ReportsPage(self.reports)
        back_office.add_page(REPORTS_PAGE, reports, reports.load, reports.reset)
        registers = RegistersPage(self.registers)
        back_office.add_page("Registers", registers, registers.load, registers.reset)
        store = StoreSettingsPage(self.store_settings)
        back_office.add_page("Store", store, store.load, store.reset)
        alert = AlertBanner(self.alerts, back_office)
        back_office.add_alert(alert, self.alerts.reset)
        alert.open_requested.connect(lambda: self._open_exceptions(back_office, reports))

    def _follow_back_office(self, shown: bool) -> None:
        """The alerts are asked for while the Back Office shows, and not otherwise."""
        if shown:
            self.alerts.start()
        else:
            self.alerts.stop()

    @staticmethod
    def _open_exceptions(back_office: BackOfficeView, reports: ReportsPage) -> None:
        """The alert's See exceptions: today's Exceptions report."""
        from pos_desktop.domain.report_presets import RangePreset
        from pos_desktop.services.report_results import ReportKind

        reports.pick(ReportKind.EXCEPTIONS, RangePreset.TODAY)
        if back_office.pages.currentWidget() is reports:
            reports.load()
        else:
            back_office.show_page(REPORTS_PAGE)  # which loads it

    def _connect_session(self) -> None:
        """Log-in, Lock, the idle lock, and a session the server no longer accepts."""
        from ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(self, self._idle_lock_seconds)
        self.session.logged_in.connect(self._on_logged_in)
        self.session.locked.connect(self._on_locked)
        self.tab_frame.lock_requested.connect(lambda: self.session.lock())
        self.catalog_changed.connect(self.session.check_still_active)
        self.idle_lock.timed_out.connect(self._on_idle)
        for presenter in (
            self.balance,
            self.search,
            self.deduction,
            self.egift,
            self.sale,
            self.staff,
            self.store_settings,
            self.products,
            self.categories,
            self.catalog_files,
            self.registers,
            self.card_list,
            self.refunds,
            self.card_actions,
            self.reports,
            self.alerts,
        ):
            presenter.session_ended.connect(self.session.refused)

    def _build_input(self) -> None:
        """The keyboard-wedge scanner and the on-screen keyboard, both app-wide."""
        from ui.scan_detector import WedgeScanDetector

        app = QApplication.instance()
        # A keyboard-wedge scanner types a burst ending in Enter into whatever has focus.
        self.scanner = WedgeScanDetector(self)
        self.scanner.set_enabled(False)
        if isinstance(app, QApplication):
            self.scanner.install(app)
        self.scanner.scanned.connect(self._scanned)
        # One on-screen keyboard for every text field, in this window and its dialogs.
        self._install_keyboard()
        self.devices.keyboard_mode.connect(self.keyboard.set_mode)
        self.devices.load_keyboard_mode()

    def _build_status(self) -> None:
        """The header's lines on the printer and on tickets waiting to sync."""
        self._printer_status = QLabel(self.tab_frame.status_area)
        self.tab_frame.status_area.add_status(
            self._printer_status, "printerStatus", "Receipt printer"
        )
        self._sync_status = QLabel(self.tab_frame.status_area)
        self.tab_frame.status_area.add_status(self._sync_status, "syncStatus", "Tickets to sync")
        self._sync_status.setVisible(False)
        self.sync_waiting.connect(self._show_sync_waiting)

    @property
    def logged_in(self) -> bool:
        return self.stack.currentWidget() is self.tab_frame

    def _on_logged_in(self, employee: Employee) -> None:
        offline = self.session.offline
        log.info("%s (%s) logged in%s", employee.name, employee.role, " offline" if offline else "")
        self.tab_frame.show_employee(employee, offline=offline)
        self.stack.setCurrentWidget(self.tab_frame)
        self.sale.start(employee)
        self.reports.reads_chain = employee.reads_chain
        self.scanner.set_enabled(True)
        self.idle_lock.start()
        self.store.refresh()

    def _on_locked(self, reason: str) -> None:
        self.approvals.withdraw()  # a PIN pad asking for a manager closes: nothing is done
        self.idle_lock.stop()
        self.scanner.set_enabled(False)
        self.sale.stop()
        if self.cash_out_dialog is not None:
            self.cash_out_dialog.close()
        if self.drawer_dialog is not None:
            self.drawer_dialog.reject()
        if self.receipt_dialog is not None:
            self.receipt_dialog.reject()
        self.tab_frame.reset()
        self.stack.setCurrentWidget(self.login_view)
        self.login_view.reset(reason)

    def _on_idle(self) -> None:
        if self.logged_in:
            log.info("locking after %s s without input", self._idle_lock_seconds)
            self.session.lock(idle_lock_message(self._idle_lock_seconds))

    def _scanned(self, code: str) -> None:
        if not self.logged_in:
            return
        # The detector swallows the scan's keys before the idle lock sees them.
        self.idle_lock.touch()
        paid = self.receipt_dialog
        if paid is not None and paid.isVisible() and self.tab_frame.on_checkout:
            paid.accept()  # the first scan of the next sale puts the paid ticket away
        if self.tab_frame.tender_view.accept_scan(code):
            return
        if self.tab_frame.checkout_view.accept_scan(code):
            return
        if self.tab_frame.tabs.currentWidget() is self.tab_frame.balance_view:
            self.tab_frame.balance_view.fill_scanned(code)
            return
        if self.tab_frame.tabs.currentWidget() is self.tab_frame.gift_cards_view:
            if not self.tab_frame.gift_cards_view.accept_scan(code):
                self.tab_frame.gift_cards_view.banner.show_message(SCAN_ON_GIFT_CARDS_TAB)
            return
        back_office = self.tab_frame.back_office_view
        if back_office is not None and self.tab_frame.tabs.currentWidget() is back_office:
            back_office.accept_scan(code)  # a product's barcode, into its form or the search
            return
        if self.tab_frame.on_checkout and QApplication.activeModalWidget() is None:
            self.tab_frame.show_checkout()
            self.sale.scan(code)

    def use_serial_scanner(self, settings: ScannerSettings) -> None:
        """Read scans from a serial scanner too, once attached; its reader runs on its own
        thread, and its scans take the same routes as a keyboard-wedge scanner's. A scanner
        already reading is stopped first (settings changed)."""
        from ui.serial_scans import SerialScans

        previous = self.serial_scans
        scans = SerialScans(
            settings, self._services.devices.scanner_reader, self.tab_frame.status_area, self
        )
        self.serial_scans = scans
        scans.scanned.connect(self._scanned)
        scans.unreadable.connect(self._unreadable_scan)
        settings_view = self.tab_frame.settings_view
        if settings_view is not None:
            scans.raw.connect(settings_view.show_raw_scan)
            scans.scanned.connect(settings_view.new_scan)
            scans.unreadable.connect(settings_view.new_scan)
        if previous is None:
            scans.start()
        else:
            # The port may be the same one: the new reader opens it once the old let it go.
            previous.stopped.connect(scans.start)
            previous.dispose()

    def stop_serial_scanner(self) -> None:
        """Stop reading the serial scanner; its port closes off the GUI thread."""
        if self.serial_scans is not None:
            self.serial_scans.dispose()
            self.serial_scans = None

    def _apply_devices(self, settings: DeviceSettings) -> None:
        """Saved on the Settings tab: read the new scanner port, print on the new printer."""
        try:
            scanner = settings.scanner()
        except ValueError:  # validated before it was stored; kept safe all the same
            log.exception("serial scanner settings refused")
            scanner = None
        if scanner is None:
            self.stop_serial_scanner()
        elif self.serial_scans is None or self.serial_scans.settings != scanner:
            self.use_serial_scanner(scanner)  # only the printer changed: the port stays open
        self._follow_printing()

    def _follow_printing(self) -> None:
        """Reprint, the printer's status and slips follow the register's print queue, which
        the Settings tab may create, replace or remove."""
        from ui.presenters.printing import PrintingPresenter

        service = self._services.receipts.printing
        current = self.printing
        if current is not None and current.service is service:
            return
        if current is not None:
            current.stop_listening()
            current.deleteLater()
            self.printing = None
        self._show_printer_status("")
        if service is None:
            self.tab_frame.reprint_button.hide()
            return
        printing = PrintingPresenter(service, self, self._pool)
        printing.status_changed.connect(self._show_printer_status)
        printing.said.connect(lambda text: self.tab_frame.status_area.show_message(text, 5000))
        self.printing = printing
        self.tab_frame.reprint_button.show()

    def _reprint(self) -> None:
        """Reprint (the header's, or the paid screen's Print again): with a manager's PIN
        where the store asks one of a cashier."""
        from pos_desktop.domain.approvals import ApprovalAction

        if self.printing is None:
            return
        self._with_approval(
            ApprovalAction.REPRINT,
            "Print the last receipt again?",
            lambda approval: self.printing.reprint_last(approval) if self.printing else None,
        )

    def _open_drawer(self) -> None:
        """The checkout's Drawer: the shift's screens (open, pay in and out, no sale, X, close
        and Z, past shifts) over the window."""
        from ui.drawer_dialog import DrawerDialog

        if not self.logged_in or self.drawer_dialog is not None:
            return
        dialog = DrawerDialog(self.shifts, self, self.approvals)

        def closed() -> None:
            if self.drawer_dialog is dialog:
                self.drawer_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.drawer_dialog = dialog
        dialog.open()

    def _with_approval(
        self,
        action: ApprovalAction,
        what: str,
        proceed: Callable[[Approval | None], None],
    ) -> None:
        from ui.approval_dialog import with_approval

        # Over the paid screen when it is open (it is modal), else over the window.
        paid = self.receipt_dialog
        parent: QWidget = paid if paid is not None and paid.isVisible() else self
        self.approval_dialog = with_approval(parent, self.approvals, action, what, proceed)

    def _tab_changed(self, index: int) -> None:
        from ui.tab_frame import SETTINGS_TAB

        if index == SETTINGS_TAB and self.tab_frame.settings_shown:
            self.devices.load()
        back_office = self.tab_frame.back_office_view
        if back_office is not None and self.tab_frame.tabs.widget(index) is back_office:
            back_office.show_current()

    def _unreadable_scan(self, _reason: str) -> None:
        from ui.serial_scans import UNREADABLE_SCAN

        if not self.logged_in:
            return
        self.idle_lock.touch()
        checkout = self.tab_frame.checkout_view
        if checkout.isVisible() and QApplication.activeModalWidget() is None:
            checkout.show_message(UNREADABLE_SCAN)
        else:
            self.tab_frame.status_area.show_message(UNREADABLE_SCAN, 5000)

    def _apply_store_rules(self, catalog: Catalog) -> None:
        self.approvals.set_required(catalog.rules.approvals)
        if not self._idle_lock_fixed:
            self._idle_lock_seconds = catalog.rules.idle_lock_seconds
            self.idle_lock.set_seconds(self._idle_lock_seconds)

    def _follow_sale(self, sale: object) -> None:
        if sale is None:
            self.tab_frame.show_checkout()

    def _show_receipt(self, finished: Finished) -> None:
        from ui.receipt_dialog import ReceiptDialog  # loaded with the screens (see attach)

        printing = self.printing
        dialog = ReceiptDialog(finished, self, printer=printing is not None)
        if printing is not None:
            dialog.reprint_requested.connect(self._reprint)
            dialog.show_printer_note(printing.follow_ticket(finished.sale.id))
            printing.paid_note_changed.connect(dialog.show_printer_note)

        def closed() -> None:
            if self.receipt_dialog is dialog:
                self.receipt_dialog = None
            if printing is not None and printing is self.printing:
                printing.paid_note_changed.disconnect(dialog.show_printer_note)
                printing.follow_ticket(None)
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.receipt_dialog = dialog
        dialog.open()

    def _offer_cash_out(self, offer: CashOutOffer) -> None:
        """A payment left the card a balance the store's law has cashed out: offered over
        the paid screen when the payment completed the ticket, else over Pay."""
        from ui.cash_out_dialog import CashOutDialog

        if not self.logged_in:
            return
        paid = self.receipt_dialog
        parent: QWidget = paid if paid is not None and paid.isVisible() else self
        below = self._rules.cash_out_below if self._rules is not None else None
        locale = self._rules.locale if self._rules is not None else "en_US"
        dialog = CashOutDialog(offer, self.refunds, below, locale, parent)

        def closed() -> None:
            if self.cash_out_dialog is dialog:
                self.cash_out_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.cash_out_dialog = dialog
        dialog.open()

    def _print_slip(self, done: Deducted) -> None:
        from pos_desktop.services.results import DEFAULT_STORE_RULES, card_slip

        if self.printing is not None:
            self.printing.print_slip(card_slip(done, self._rules or DEFAULT_STORE_RULES))

    def _show_sync_waiting(self, count: int) -> None:
        text = waiting_to_sync(count)
        self._sync_status.setText(text)
        self._sync_status.setVisible(bool(text))

    def _show_printer_status(self, text: str) -> None:
        """ "Printer offline: 2 receipts waiting…" while jobs wait; hidden once they print."""
        self._printer_status.setText(text)
        self._printer_status.setVisible(bool(text))

    def _show_store(self, profile: StoreRules) -> None:
        self._rules = profile
        self.approvals.set_required(profile.approvals)
        self.registers.set_store(profile)
        self.card_list.set_store(profile)
        self.card_actions.set_store(profile)
        self.reports.set_store(profile)
        self.login_view.show_store(profile)
        self.tab_frame.show_store(profile)

    def _find_by_email(self, due: Money, parent: QWidget) -> FindByEmailDialog | None:
        """The Gift Card tender's "No card? Find by e-mail" for the open ticket."""
        from pos_desktop.services.results import DEFAULT_STORE_RULES
        from ui.find_by_email_dialog import FindByEmailDialog
        from ui.presenters.card_lookup import CardSearchPresenter
        from ui.presenters.deduction import DeductionPresenter

        sale = self.sale.sale
        if sale is None:
            return None
        services = self._services
        search = CardSearchPresenter(services.cards, None, self._pool)
        # The ticket's pool: its payments are written one at a time, in the order asked.
        deduction = DeductionPresenter(services.ticket_deductions(sale.id), None, self.sale.pool)
        rules = self._rules or DEFAULT_STORE_RULES
        dialog = FindByEmailDialog(search, deduction, due, rules, parent)
        for presenter in (search, deduction):
            presenter.setParent(dialog)
            presenter.session_ended.connect(self.session.refused)
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._attached:
            self.idle_lock.stop()
            self.scanner.uninstall()
            if self.serial_scans is not None:
                self.serial_scans.stop()
            if self.printing is not None:
                self.printing.stop_listening()
            self._pool.waitForDone(_CLOSE_WAIT_MS)
            self.sale.pool.waitForDone(_CLOSE_WAIT_MS)
        if self._keyboard is not None:
            self._keyboard.uninstall()
        if self._on_close is not None:
            self._on_close()
        super().closeEvent(event)
