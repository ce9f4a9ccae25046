"""Screenshots of the real app for docs/: built in-process, offscreen, on a fresh demo store,
at 1024x768, the smallest screen the register fully supports (tests/ui/test_screen_sizes.py
checks every screen at it and larger ones).

Run from the repository root: ``./dev python tools/screenshots.py``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPushButton, QWidget  # noqa: TID251

    from pos_desktop.domain.money import Money
    from pos_desktop.domain.sale import Sale
    from pos_desktop.services.shift_results import ShiftPrinted
    from ui.drawer_dialog import DrawerDialog
    from ui.main_window import MainWindow
    from ui.widgets.drawer_count import DrawerCountPanel

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
WINDOW_SIZE = (1024, 768)
_WAIT_SECONDS = 20.0

log = logging.getLogger("screenshots")
# A file a manager might bring from a spreadsheet: two good rows and three a preview refuses.
SAMPLE_IMPORT = (
    "name,category,price,tax_rate,barcodes\n"
    "Chai latte,Coffee,4.75,8.25,0012345000093 0012345000109\n"
    "Cinnamon roll,Bakery,3.50,0,0012345000116\n"
    "Lemon tart,Bakery,4.255,0,0012345000123\n"
    "Gift box,Wrapping,6.00,8.25,0012345000130\n"
    "Travel mug,Gifts,15.00,8.25,0012345000086\n"
)


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + _WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()


def _items(sale: Sale | None) -> int:
    return sum(line.quantity for line in sale.lines) if sale is not None else 0


D = TypeVar("D")


def _shown(dialog: D | None) -> D:
    if dialog is None:
        raise RuntimeError("the dialog did not open")
    return dialog


def take(out_dir: Path) -> list[Path]:
    # Environment first: Settings() and Qt's platform plugin read it when the app is built.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.pop("POS_SERVER_URL", None)
    sys.path.insert(0, str(REPO))

    # A screen-level tool, like main.py: widgets are its business (the ban is for pos_desktop).
    from PySide6.QtWidgets import QApplication, QPushButton  # noqa: TID251

    import main
    from pos_desktop.domain.approvals import ApprovalAction
    from pos_desktop.domain.money import Money
    from pos_desktop.server.demo import (
        CASHIER_PIN,
        DEMO_CARDS,
        DEMO_STORE_NAME,
        MANAGER_PIN,
        RECIPIENT_EMAIL,
    )
    from pos_desktop.services.refund_results import CashOutOffer
    from ui.categories_page import CategoriesPage
    from ui.drawer_dialog import CLOSE, DRAWER, OPEN, REPORT
    from ui.employees_page import EmployeesPage
    from ui.gift_card_list_page import GiftCardListPage
    from ui.main_window import MainWindow
    from ui.products_page import ProductsPage
    from ui.registers_page import RegistersPage
    from ui.store_settings_page import StoreSettingsPage
    from ui.tab_frame import BALANCE_TAB, CHECKOUT_TAB, GIFT_CARDS_TAB, SETTINGS_TAB

    app = QApplication.instance() or QApplication(sys.argv)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pos-screenshots-") as data_dir:
        os.environ["POS_DATA_DIR"] = data_dir
        os.environ["POS_DEMO"] = "1"  # the demo store, without the first start's question
        window = main.build()
        if not isinstance(window, MainWindow):
            raise TypeError(f"build() returned {type(window).__name__}, not MainWindow")
        window.resize(*WINDOW_SIZE)
        window.show()
        _wait_for(lambda: window.login_view.store_name.text() == DEMO_STORE_NAME, "store settings")

        def save(name: str, widget: QWidget | None = None) -> None:
            path = out_dir / name
            if widget is None:
                # At the screen's size again: a window is never shrunk by Qt on its own.
                window.resize(*WINDOW_SIZE)
                _wait_for(lambda: window.size().toTuple() == WINDOW_SIZE, "the window's size")
            if not (widget or window).grab().save(str(path)):
                raise OSError(f"could not write {path}")
            saved.append(path)
            log.info("saved %s", path)

        def save_over_window(name: str, dialog: QWidget) -> None:
            """A dialog as the cashier sees it: over the dimmed window, in its middle."""
            from PySide6.QtGui import QColor, QPainter

            window.resize(*WINDOW_SIZE)
            _wait_for(lambda: window.size().toTuple() == WINDOW_SIZE, "the window's size")
            picture = window.grab()
            painter = QPainter(picture)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 96))
            shown = dialog.grab()
            painter.drawPixmap(
                (picture.width() - shown.width()) // 2,
                (picture.height() - shown.height()) // 2,
                shown,
            )
            painter.end()
            path = out_dir / name
            if not picture.save(str(path)):
                raise OSError(f"could not write {path}")
            saved.append(path)
            log.info("saved %s", path)

        save("login.png")

        for digit in CASHIER_PIN:
            window.login_view.pin_pad.add_digit(digit)
        window.login_view.pin_pad.submit()
        _wait_for(lambda: window.logged_in, "login")

        frame = window.tab_frame
        # The day starts at the drawer: its float counted by note, the shift opened, a pay out.
        drawer = _drawer(window, OPEN)
        _count(drawer.float_count, Money(150_00, "USD"))
        save_over_window("drawer-open-shift.png", drawer)
        drawer.open_button.click()
        _wait_for(lambda: drawer.pages.currentIndex() == DRAWER, "the shift open")
        _button(drawer, "payOutButton").click()
        drawer.reason_input.setText("Milk from the shop next door")
        for digit in "450":
            drawer.move_keypad.digit_pressed.emit(digit)
        save_over_window("drawer-pay-out.png", drawer)
        drawer.move_button.click()
        _wait_for(
            lambda: drawer.pages.currentIndex() == DRAWER and drawer.banner.isVisible(), "pay out"
        )
        save_over_window("drawer.png", drawer)
        drawer.reject()
        frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
        cards = frame.gift_cards_view
        cards.email_input.setText(RECIPIENT_EMAIL)
        cards.search_button.click()
        _wait_for(lambda: cards.results.topLevelItemCount() > 0, "search results")
        used = next(card for card in DEMO_CARDS if card.state == "used_low")
        active = next(card for card in DEMO_CARDS if card.state == "active")

        def open_row(last4: str) -> None:
            for index in range(cards.results.topLevelItemCount()):
                item = cards.results.topLevelItem(index)
                if item is not None and item.text(1).endswith(last4):
                    cards.results.itemClicked.emit(item, 0)
                    _wait_for(
                        lambda: (
                            cards.history.topLevelItemCount() > 0
                            and cards.deduct_panel.card is not None
                            and cards.deduct_panel.card.last4 == last4
                            and not cards.busy_label.isVisible()
                        ),
                        "card history",
                    )
                    return
            raise LookupError(last4)

        # A card with its history, and the Deduct Funds keypad beside it.
        open_row(used.number[-4:])
        save("gift-cards.png")

        # Deduct Funds step 3: the code e-mailed to the buyer, typed on the keypad.
        open_row(active.number[-4:])
        panel = cards.deduct_panel
        for digit in "1250":
            panel.amount_keypad.digit_pressed.emit(digit)
        panel.deduct_button.click()
        _wait_for(panel.verify_button.isVisible, "code entry")
        for digit in "48":
            panel.code_keypad.digit_pressed.emit(digit)
        save("deduct-funds-code.png")
        panel.cancel_button.click()

        frame.tabs.setCurrentIndex(BALANCE_TAB)
        balance = frame.balance_view
        balance.number_input.setText(used.number)
        balance.check_button.click()
        _wait_for(balance.result.isVisible, "balance check")
        save("balance-check.png")

        frame.tabs.setCurrentIndex(CHECKOUT_TAB)
        checkout = frame.checkout_view
        _wait_for(lambda: bool(checkout.findChildren(QPushButton, "productButton")), "catalog")

        def tap_product(name: str) -> None:
            for product in checkout.findChildren(QPushButton, "productButton"):
                if product.accessibleName() == f"Add {name}" and product.isVisible():
                    before = _items(checkout.sale)
                    product.click()
                    _wait_for(lambda b=before: _items(checkout.sale) == b + 1, name)
                    return
            raise LookupError(name)

        for name in ("Cappuccino", "Cappuccino", "Blueberry muffin", "Scented candle"):
            tap_product(name)
        save("checkout.png")

        checkout.pay_button.click()
        tender = frame.tender_view
        tender.tip_buttons[15].click()
        _wait_for(lambda: tender.sale is not None and tender.sale.tip is not None, "tip")
        save("pay.png")

        # The demo "used" card holds $3.75: less than due, so Partial Redeem opens.
        tender.gift_card_button.click()
        _wait_for(lambda: tender.gift_card_dialog is not None, "gift card dialog")
        dialog = _shown(tender.gift_card_dialog)
        _wait_for(dialog.isVisible, "gift card dialog shown")
        save("gift-card.png", dialog)
        dialog.number_input.setText(used.number)
        dialog.keypad.enter_key.click()
        _wait_for(lambda: tender.partial_dialog is not None, "partial redeem")
        partial = _shown(tender.partial_dialog)
        _wait_for(partial.isVisible, "partial redeem shown")
        save("partial-redeem.png", partial)
        partial.confirm_button.click()
        _wait_for(partial.continue_button.isVisible, "redeemed")
        save("partial-redeem-done.png", partial)
        partial.continue_button.click()
        tender.cash_button.click()
        _wait_for(lambda: window.receipt_dialog is not None, "receipt")
        receipt = _shown(window.receipt_dialog)
        _wait_for(receipt.isVisible, "receipt shown")
        save("receipt.png", receipt)
        # The cash-out offer as a payment leaving $4.00 brings it where the store cashes out
        # under $10.00 (the demo store sets no limit: the register is told one).
        rules = _shown(window._rules)
        window._rules = replace(rules, cash_out_below=Money(10_00, rules.currency))
        window._offer_cash_out(
            CashOutOffer(uuid.uuid4(), active.number, active.number[-4:], Money(4_00, "USD"))
        )
        offer = _shown(window.cash_out_dialog)
        _wait_for(offer.isVisible, "the cash-out offer")
        save_over_window("cash-out-offer.png", offer)
        offer.close()
        window._rules = rules
        receipt.accept()

        # Refund: the ticket just paid, its gift-card payment back to the card.
        _wait_for(lambda: checkout.isVisible() and checkout.sale is None, "a new sale")
        checkout.refund_button.click()
        refund = _shown(checkout.refund_dialog)
        _wait_for(lambda: bool(refund.sales_box.findChildren(QPushButton)), "recent sales")
        save_over_window("refund-sales.png", refund)
        refund.sales_box.findChildren(QPushButton)[0].click()
        _wait_for(lambda: refund.pages.currentIndex() == 1, "the sale to refund")
        refund.reason_input.setText("Item returned")
        save_over_window("refund.png", refund)
        refund.reject()

        # A customer with only the e-mail: the Gift Card tender's "No card? Find by e-mail".
        _wait_for(lambda: checkout.isVisible() and checkout.sale is None, "a new sale")
        tap_product("Mug")
        checkout.pay_button.click()
        tender.gift_card_button.click()
        _wait_for(lambda: tender.gift_card_dialog is not None, "gift card dialog")
        _shown(tender.gift_card_dialog).email_button.click()
        _wait_for(lambda: tender.email_dialog is not None, "find by e-mail")
        by_email = _shown(tender.email_dialog)
        by_email.email_input.setText(RECIPIENT_EMAIL)
        by_email.search_button.click()
        _wait_for(lambda: len(by_email.findChildren(QPushButton, "payEmailCard")) >= 3, "cards")
        save("find-by-email.png", by_email)
        by_email.reject()

        # Manager approval: a cashier voids the ticket where the store asks a manager's PIN
        # for it, and types their own PIN first. The demo store asks none: the register is
        # told the store asks them all, as the Back Office's Manager approval would.
        tender.back_button.click()
        _wait_for(checkout.isVisible, "the ticket")
        window.approvals.set_required(set(ApprovalAction))
        checkout.void_button.click()
        approval = _shown(checkout.approval_dialog)
        _wait_for(approval.isVisible, "manager approval")
        for digit in CASHIER_PIN:
            approval.pin_pad.add_digit(digit)
        approval.pin_pad.submit()
        _wait_for(approval.banner.isVisible, "the cashier's PIN refused")
        for digit in MANAGER_PIN[:2]:
            approval.pin_pad.add_digit(digit)
        save_over_window("manager-approval.png", approval)
        approval.reject()
        window.approvals.set_required(())

        # The day's end: the X report, the drawer counted (a quarter short), the Z report on
        # screen, as printed (the printer simulator's paper) and as its PDF, past shifts.
        drawer = _drawer(window, DRAWER)
        _button(drawer, "xReportButton").click()
        _wait_for(lambda: drawer.pages.currentIndex() == REPORT, "the X report")
        save_over_window("drawer-x-report.png", drawer)
        drawer.report_back.click()
        _button(drawer, "closeShiftButton").click()
        _wait_for(lambda: drawer.pages.currentIndex() == CLOSE, "the close")
        _wait_for(lambda: not drawer.busy.isVisible(), "the expected cash")
        expected = _shown(_shown(drawer.state).report).expected
        _count(drawer.close_count, expected - Money(25, expected.currency))
        drawer.note_input.setText("Quarter short: counted twice")
        save_over_window("drawer-close.png", drawer)
        drawer.close_button.click()
        _wait_for(lambda: drawer.pages.currentIndex() == REPORT, "the Z report")
        save_over_window("drawer-z-report.png", drawer)
        saved += _z_on_paper(_shown(drawer.shown), out_dir)
        drawer.report_back.click()
        drawer = _drawer(window, OPEN)
        _button(drawer, "pastShiftsFromOpen").click()
        _wait_for(lambda: drawer.past_box.findChild(QPushButton, "reprintZ") is not None, "past")
        save_over_window("drawer-past-shifts.png", drawer)
        drawer.reject()

        # The Settings tab is a manager's: lock, and log in with the manager's PIN.
        _log_in_again(window, MANAGER_PIN)
        frame.tabs.setCurrentIndex(SETTINGS_TAB)
        settings = frame.settings_view
        if settings is None:
            raise RuntimeError("no Settings tab")
        _wait_for(lambda: not window.devices.busy, "device settings")
        settings.port_input.setEditText("/dev/ttyUSB0")
        settings.printer_input.setText("tcp:192.168.1.50:9100")
        settings.show_raw_scan(b"\x024006381333931\r")
        save("settings.png")

        back_office = frame.back_office_view
        if back_office is None:
            raise RuntimeError("no Back Office tab")
        frame.tabs.setCurrentWidget(back_office)
        employees = back_office.pages.currentWidget()
        if not isinstance(employees, EmployeesPage):
            raise RuntimeError("the Back Office does not open on Employees")
        _wait_for(lambda: employees.staff_list.count() > 0, "employees")
        employees.staff_list.setCurrentRow(0)
        save("back-office-employees.png")
        back_office.show_page("Registers")
        registers = back_office.pages.currentWidget()
        if not isinstance(registers, RegistersPage):
            raise RuntimeError("no Registers page")
        _wait_for(lambda: registers.register_list.count() > 0, "registers")
        registers.new_code_button.click()
        _wait_for(
            lambda: registers.qr.pixmap() is not None and not registers.qr.pixmap().isNull(),
            "an enrollment code",
        )
        save("back-office-registers.png")
        back_office.show_page("Store")
        _wait_for(lambda: window.store_settings.current is not None, "store settings")
        store = back_office.pages.currentWidget()
        if not isinstance(store, StoreSettingsPage):
            raise RuntimeError("no Store page")
        # Two tax rates, a fourth tip button and a manager's PIN to void, saved as a manager
        # does; the page shown from its tax rates down.
        for name, percent in (("Sales tax", "8.25"), ("Food", "0")):
            store.add_tax_rate.click()
            store.tax_rate_rows[-1].name.setText(name)
            store.tax_rate_rows[-1].percent.setText(percent)
        store.tip_presets[3].setText("25")
        store.approvals[ApprovalAction.VOID_TICKET].click()
        store.save_button.click()
        _wait_for(lambda: store.status.text() == "Saved.", "the store's settings saved")
        app.processEvents()
        bar = store.scroll_area.verticalScrollBar()
        bar.setValue(store.add_tax_rate.y() - 16)
        save("back-office-store.png")
        store.chain_wide.click()
        bar.setValue(bar.maximum())
        app.processEvents()
        save("back-office-store-cards.png")

        # The catalog: the products, a CSV file's preview with its bad rows, the categories.
        back_office.show_page("Products")
        products = back_office.pages.currentWidget()
        if not isinstance(products, ProductsPage):
            raise RuntimeError("no Products page")
        _wait_for(
            lambda: products.products.topLevelItemCount() > 0 and window.products.setup is not None,
            "products",
        )
        save("back-office-products.png")
        imports = Path(data_dir) / "imports"
        imports.mkdir(parents=True, exist_ok=True)
        (imports / "new-stock.csv").write_text(SAMPLE_IMPORT, encoding="utf-8")
        products.import_button.click()
        _wait_for(lambda: products.importer.files.count() > 0, "the .csv files")
        importer = products.importer
        importer.files.itemClicked.emit(importer.files.item(0))
        _wait_for(lambda: importer.preview is not None, "the import's preview")
        save("back-office-import.png")
        back_office.show_page("Categories")
        categories = back_office.pages.currentWidget()
        if not isinstance(categories, CategoriesPage):
            raise RuntimeError("no Categories page")
        _wait_for(lambda: categories.category_list.count() > 0, "categories")
        categories.category_list.setCurrentRow(2)
        save("back-office-categories.png")
        # The gift-card list, a used card picked: its details and activities beside it.
        back_office.show_page("Gift Cards")
        cards = back_office.pages.currentWidget()
        if not isinstance(cards, GiftCardListPage):
            raise RuntimeError("no Gift Cards page")
        _wait_for(lambda: cards.cards.topLevelItemCount() > 0, "gift cards")
        used = next(
            cards.cards.topLevelItem(row)
            for row in range(cards.cards.topLevelItemCount())
            if cards.cards.topLevelItem(row).text(1) == "Used"
        )
        cards.cards.setCurrentItem(used)
        cards.cards.itemClicked.emit(used, 0)
        _wait_for(lambda: cards.details.currentWidget() is cards.details_page, "card details")
        save("back-office-gift-cards.png")
        _take_reports(window, save)
        _take_chain_report(window, save)

        window.close()
    app.processEvents()
    saved += _take_first_start(out_dir)
    return saved


def _take_reports(window: MainWindow, save: Callable[[str], None]) -> None:
    """The Reports page (this month's sales by day, the gift-card liability, the exceptions)
    and the Back Office's alert after six unknown card numbers at this register."""
    from PySide6.QtWidgets import QComboBox  # noqa: TID251

    from pos_desktop.domain.report_presets import RangePreset
    from pos_desktop.services.report_results import ReportKind
    from ui.report_alert import AlertBanner
    from ui.reports_page import ReportsPage

    back_office = window.tab_frame.back_office_view
    if back_office is None:
        raise RuntimeError("no Back Office tab")
    back_office.show_page("Reports")
    reports = back_office.pages.currentWidget()
    if not isinstance(reports, ReportsPage):
        raise RuntimeError("no Reports page")

    def shown(what: str) -> None:
        _wait_for(lambda: not window.reports.busy and reports.sheet is not None, what)

    def pick(combo: QComboBox, data: str) -> None:
        """As a tap on the choice: the combo says it was activated."""
        index = combo.findData(data)
        combo.setCurrentIndex(index)
        combo.activated.emit(index)

    shown("the sales report")
    pick(reports.preset, RangePreset.THIS_MONTH.value)
    shown("this month's sales")
    pick(reports.table_picker, "by_day")
    save("back-office-reports-sales.png")
    reports.kind_buttons[ReportKind.GIFT_CARDS].click()
    shown("the gift-card report")
    save("back-office-reports-gift-cards.png")
    reports.kind_buttons[ReportKind.EXCEPTIONS].click()
    shown("the exceptions report")
    pick(reports.table_picker, "by_register")
    save("back-office-reports-exceptions.png")

    # Six numbers no card has, asked at this register within a minute: past the alert's 5.
    from pos_desktop.domain.card_number import luhn_check_digit

    for last in range(6):
        payload = f"60064912345670{last}"  # well formed (Luhn), so the server is asked
        with contextlib.suppress(Exception):  # each is refused: that is what is counted
            window._services.cards.check_balance(payload + str(luhn_check_digit(payload)))
    back_office.show_page("Employees")
    alert = back_office.findChild(AlertBanner, "backOfficeAlert")
    if alert is None:
        raise RuntimeError("no alert banner")
    window.alerts.poll()
    _wait_for(alert.isVisible, "the alert")
    save("back-office-alert.png")


def _log_in_again(window: MainWindow, pin: str) -> None:
    """Lock the register, and log in with ``pin`` on its PIN pad."""
    window.session.lock()
    _wait_for(lambda: not window.logged_in, "lock")
    for digit in pin:
        window.login_view.pin_pad.add_digit(digit)
    window.login_view.pin_pad.submit()
    _wait_for(lambda: window.logged_in, "the log-in")


def _take_chain_report(window: MainWindow, save: Callable[[str], None]) -> None:
    """The owner's Chain report: a second store and an owner written into the demo store's
    database (as create-store and create-employee would), then the owner logged in."""
    from datetime import UTC, datetime

    from pos_desktop.config import Settings
    from pos_desktop.server.database import make_engine, make_session_factory
    from pos_desktop.server.provisioning import create_employee, create_store, the_store
    from pos_desktop.services.report_results import ReportKind
    from ui.report_alert import AlertBanner
    from ui.reports_page import ReportsPage

    owner_pin = "864200"
    engine = make_engine(Settings().embedded_database_url())
    try:
        with make_session_factory(engine)() as db:
            now = datetime.now(UTC)
            create_store(db, "Downtown", now, currency="USD", timezone="America/Chicago")
            create_employee(db, the_store(db), "Olive Owner", "owner", owner_pin, now)
            db.commit()
    finally:
        engine.dispose()
    _log_in_again(window, owner_pin)
    back_office = window.tab_frame.back_office_view
    if back_office is None:
        raise RuntimeError("no Back Office tab")
    window.tab_frame.tabs.setCurrentWidget(back_office)
    back_office.show_page("Reports")
    reports = back_office.pages.currentWidget()
    if not isinstance(reports, ReportsPage):
        raise RuntimeError("no Reports page")
    # The unknown-card alert of the shots before, put away with its ✕ as an owner would,
    # once the owner's first poll has brought it back.
    alert = back_office.findChild(AlertBanner, "backOfficeAlert")
    if alert is None:
        raise RuntimeError("no alert banner")
    window.alerts.poll()
    _wait_for(alert.isVisible, "the alert")
    _button(back_office, "backOfficeAlertDismiss").click()
    reports.kind_buttons[ReportKind.CHAIN].click()
    _wait_for(
        lambda: (
            not window.reports.busy
            and reports.sheet is not None
            and reports.sheet.kind is ReportKind.CHAIN
        ),
        "the chain report",
    )
    save("back-office-reports-chain.png")


def _drawer(window: MainWindow, page: int) -> DrawerDialog:
    """The checkout's Drawer tapped, its screen on ``page`` once loaded."""
    window.tab_frame.checkout_view.drawer_button.click()
    _wait_for(lambda: window.drawer_dialog is not None, "the drawer")
    drawer = _shown(window.drawer_dialog)
    _wait_for(lambda: drawer.pages.currentIndex() == page and drawer.state is not None, "drawer")
    return drawer


def _button(parent: QWidget, name: str) -> QPushButton:
    from PySide6.QtWidgets import QPushButton  # noqa: TID251

    return _shown(parent.findChild(QPushButton, name))


def _count(panel: DrawerCountPanel, total: Money) -> None:
    """Type ``total`` into the panel note by note, the largest first (no $100 or $50: a
    till's drawer, not a bank's)."""
    from ui.widgets.drawer_count import PiecesField

    left = total.minor
    for field in panel.findChildren(PiecesField):
        pieces = left // field.value.minor
        if field.value.minor >= 50_00:
            pieces = 0
        if pieces:
            field.setText(str(pieces))
            field.textEdited.emit(str(pieces))
            left -= pieces * field.value.minor


def _z_on_paper(printed: ShiftPrinted, out_dir: Path) -> list[Path]:
    """The Z as the receipt printer prints it (the simulator's paper) and its PDF's page."""
    import subprocess

    from hardware.simulate.escpos_decode import decode
    from hardware.simulate.paper_png import save_job
    from pos_desktop.receipts.escpos import render_slip_escpos

    (job,) = decode(render_slip_escpos(printed.paper))
    paper = out_dir / "printed-z-report.png"
    save_job(job, paper, 80)
    pdf = _shown(printed.pdf)
    page = out_dir / "z-report-pdf.png"
    subprocess.run(  # noqa: S603 (poppler's pdftoppm on the register's own PDF)
        ["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(page.with_suffix(""))],  # noqa: S607
        check=True,
    )
    log.info("saved %s and %s", paper, page)
    return [paper, page]


def _take_first_start(out_dir: Path) -> list[Path]:
    """The first start's question and its two forms, on a fresh data folder."""
    from PySide6.QtWidgets import QPushButton  # noqa: TID251

    import main
    from ui.first_start_view import FirstStartView

    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pos-first-start-") as data_dir:
        os.environ["POS_DATA_DIR"] = data_dir
        os.environ.pop("POS_DEMO", None)
        window = main.build()
        window.resize(*WINDOW_SIZE)
        window.show()
        _wait_for(lambda: window.findChild(FirstStartView) is not None, "the first start")
        view = window.findChild(FirstStartView)
        if view is None:
            raise RuntimeError("no first start screen")

        def save(name: str) -> None:
            path = out_dir / name
            if not window.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            saved.append(path)
            log.info("saved %s", path)

        save("first-start.png")
        new_store = view.findChild(QPushButton, "newStoreButton")
        if new_store is None:
            raise RuntimeError("no Set up a new store button")
        new_store.click()
        view.store_name.setText("Corner Shop")
        view.address.setText("12 Main Street, Springfield")
        view.phone.setText("(555) 010-0199")
        view.manager_name.setText("Dana Whitfield")
        view.tax_included.setChecked(True)
        view.tax_rate_name.setText("Sales tax")
        view.tax_rate_percent.setText("8.25")
        for pin in ("4821", "4821"):
            for digit in pin:
                view.pin.pad.add_digit(digit)
            view.pin.pad.submit()
        _wait_for(lambda: view.pin.pin_again != "", "the PIN twice")
        save("new-store.png")
        view.pages.setCurrentWidget(view.join_page)
        view.server_url.setText("http://192.168.1.20:8000")
        _wait_for(lambda: view.join_page.isVisible(), "the join form")
        save("join-store.png")
        window.close()
    return saved


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.path.insert(0, str(REPO))
    from main import quiet_request_logs

    quiet_request_logs()
    take(DOCS)
