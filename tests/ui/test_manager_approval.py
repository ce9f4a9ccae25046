"""Manager approval at the counter (issue 13): where the store asks it, a cashier's void, line
removed after a tender, reprint or drawer opened without a sale waits for a manager's PIN on a
touch PIN pad; the cashier's own PIN and a wrong one are refused, Cancel leaves everything as
it was, a manager is never asked; the approval is pushed with the action and the server's
audit log names the manager. Driven by taps against the real embedded server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from hardware.printer import ReceiptPrinter, drawer_kick
from pos_desktop.config import PrinterAddress
from pos_desktop.contracts import AuditEntryOut, StoreUpdate
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.approvals import NOT_A_MANAGER, WRONG_PIN, ApprovalAction
from pos_desktop.receipts.escpos import render_escpos
from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.services.printing import PrintService
from pos_desktop.services.register_services import utc_now
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.ports import free_port
from tests.fixtures.printer import PrinterServer
from tests.ui.support import (
    TAP,
    MakeWindow,
    button,
    child,
    go_pay,
    receipt,
    ring_up,
    take_cash,
    tap_named,
    type_into,
)
from ui.approval_dialog import ApprovalDialog
from ui.main_window import MainWindow

ALL = list(ApprovalAction)
WAIT_MS = 10_000


@pytest.fixture
def back_office(demo_server: EmbeddedServer) -> Iterator[ServerClient]:
    """The demo manager at the Back Office of another register of the store."""
    enrolled = demo_server.enroll_local_register("Back office")
    with ServerClient(demo_server.base_url, enrolled.token) as client:
        client.open_session(MANAGER_PIN)
        yield client


@pytest.fixture
def require(back_office: ServerClient) -> Iterator[Callable[..., None]]:
    """Set the store's Manager approval (before the register is made: it pulls it then); the
    store asks none again afterwards, for the module's next tests."""

    def set_to(*actions: ApprovalAction) -> None:
        back_office.update_backoffice_store(StoreUpdate(approvals=list(actions)))

    yield set_to
    set_to()


@pytest.fixture
def register(
    tmp_path: Path,
    make_window: MakeWindow,
    register_client: ServerClient,
) -> Iterator[Callable[..., MainWindow]]:
    """A register window over its own folder (its database, for the push)."""

    def make(**options: Any) -> MainWindow:
        return make_window(register_client, data_dir=tmp_path / "till", **options)

    yield make


def push(tmp_path: Path, client: ServerClient) -> None:
    """What the register's sync loop does next: push the outbox (tickets and approvals)."""
    database = RegisterDatabase.in_folder(tmp_path / "till")
    try:
        OutboxRelay(database, client, utc_now).push_once()
    finally:
        database.close()


def approvals_logged(back_office: ServerClient) -> list[AuditEntryOut]:
    return [e for e in back_office.audit_log(500).items if e.action == "approval.given"]


def approval_dialog(qtbot: QtBot) -> ApprovalDialog:
    def opened() -> bool:
        return isinstance(QApplication.activeModalWidget(), ApprovalDialog)

    qtbot.waitUntil(opened)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ApprovalDialog)
    qtbot.waitExposed(dialog)
    return dialog


def enter_pin(qtbot: QtBot, dialog: ApprovalDialog, pin: str) -> None:
    pad = dialog.pin_pad
    qtbot.waitUntil(pad.isEnabled)
    for digit in pin:
        qtbot.mouseClick(button(pad, f"keypadKey{digit}"), TAP)
    qtbot.mouseClick(button(pad, "keypadEnter"), TAP)


def refused_with(qtbot: QtBot, dialog: ApprovalDialog, pin: str, message: str) -> None:
    enter_pin(qtbot, dialog, pin)
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.checking.isVisible())
    assert dialog.banner.text() == message
    assert dialog.isVisible()


def tap_void(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(button(window.tab_frame.checkout_view, "voidTicketButton"), TAP)


def confirm_dialog() -> QWidget | None:
    dialog = QApplication.activeModalWidget()
    return dialog if dialog is not None and dialog.objectName() == "confirmDialog" else None


# -- void ------------------------------------------------------------------------------------


def test_approval_cashier_void_waits_for_a_manager_pin_and_is_audited(
    qtbot: QtBot,
    tmp_path: Path,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    back_office: ServerClient,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """Voiding asks a manager's PIN; a wrong PIN and the cashier's own are refused and the
    ticket stays; the manager's voids it. Pushed, the ticket carries the approval, and the
    audit log shows it given by the manager at this register."""
    require(*ALL)
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view
    assert view.sale is not None
    ticket_id = view.sale.id

    tap_void(qtbot, till)
    dialog = approval_dialog(qtbot)
    assert "Void ticket" in dialog.what.text()
    refused_with(qtbot, dialog, "4321", WRONG_PIN)
    refused_with(qtbot, dialog, CASHIER_PIN, NOT_A_MANAGER)
    assert view.sale is not None and view.sale.id == ticket_id

    enter_pin(qtbot, dialog, MANAGER_PIN)
    qtbot.waitUntil(lambda: view.sale is None, timeout=WAIT_MS)
    assert QApplication.activeModalWidget() is None

    push(tmp_path, register_client)
    [entry] = [e for e in approvals_logged(back_office) if e.target_id == ticket_id]
    assert entry.employee is not None and entry.employee.name == "Morgan Manager"
    assert entry.register_ref is not None and entry.register_ref.name == "Test register"
    assert entry.changes["action"] == "void_ticket"
    assert entry.changes["ticket_id"] == str(ticket_id)


def test_approval_cancel_leaves_the_ticket_as_it_was(
    qtbot: QtBot,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    log_in: Callable[..., None],
) -> None:
    """Cancel on the manager's PIN pad: the ticket and its line stay, nothing is voided."""
    require(*ALL)
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view

    tap_void(qtbot, till)
    dialog = approval_dialog(qtbot)
    qtbot.mouseClick(button(dialog, "approvalCancel"), TAP)

    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.wait(100)  # anything a cancel might have set off has run
    assert view.sale is not None and [line.name for line in view.sale.lines] == ["Mug"]
    assert view.pay_button.isEnabled()


def test_approval_not_asked_when_the_store_asks_none(
    qtbot: QtBot,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    log_in: Callable[..., None],
) -> None:
    """Without the setting a cashier's void asks only "Void ticket?" and voids."""
    require()
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug")

    tap_void(qtbot, till)
    dialog = confirm_dialog()
    assert dialog is not None
    qtbot.mouseClick(button(dialog, "confirmYes"), TAP)
    qtbot.waitUntil(lambda: till.tab_frame.checkout_view.sale is None)


def test_approval_not_asked_of_a_manager(
    qtbot: QtBot,
    tmp_path: Path,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    back_office: ServerClient,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A manager voiding is asked only "Void ticket?", and no approval is recorded."""
    require(*ALL)
    till = register()
    log_in(till, MANAGER_PIN)
    ring_up(qtbot, till, "Mug")
    view = till.tab_frame.checkout_view
    assert view.sale is not None
    ticket_id = view.sale.id

    tap_void(qtbot, till)
    dialog = confirm_dialog()
    assert dialog is not None
    qtbot.mouseClick(button(dialog, "confirmYes"), TAP)
    qtbot.waitUntil(lambda: view.sale is None)

    push(tmp_path, register_client)
    assert [e for e in approvals_logged(back_office) if e.target_id == ticket_id] == []


def test_approval_pad_closes_when_the_register_locks(
    qtbot: QtBot,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    log_in: Callable[..., None],
) -> None:
    """The register locks (idle, or Lock) while the pad waits: it closes, nothing is done,
    and the ticket waits for its cashier."""
    require(*ALL)
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug")
    tap_void(qtbot, till)
    approval_dialog(qtbot)

    till.session.lock("Locked.")

    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert till.login_view.isVisible()
    log_in(till, CASHIER_PIN)
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(lambda: view.sale is not None, timeout=WAIT_MS)


# -- a line removed after a tender -------------------------------------------------------------


def test_approval_line_removed_after_a_tender(
    qtbot: QtBot,
    tmp_path: Path,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    back_office: ServerClient,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """$5 cash on a Mug and a Croissant, then ✕ on the Croissant: a manager's PIN takes it
    off, the payment stays, and the ticket (paid later) carries the approval naming it."""
    require(*ALL)
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug", "Croissant")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "quick500"), TAP)
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1)
    qtbot.mouseClick(button(tender, "backToTicket"), TAP)
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(view.isVisible)

    tap_named(qtbot, view, "lineRemove", "Remove Croissant")
    dialog = approval_dialog(qtbot)
    assert "Croissant" in dialog.what.text()
    enter_pin(qtbot, dialog, MANAGER_PIN)

    qtbot.waitUntil(
        lambda: view.sale is not None and [line.name for line in view.sale.lines] == ["Mug"],
        timeout=WAIT_MS,
    )
    assert view.sale is not None and view.sale.has_payments
    ticket_id = view.sale.id
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    qtbot.mouseClick(button(receipt(qtbot, till), "newSaleButton"), TAP)

    push(tmp_path, register_client)
    [entry] = [e for e in approvals_logged(back_office) if e.target_id == ticket_id]
    assert entry.changes["action"] == "remove_line_after_tender"
    assert entry.changes["detail"] == "Croissant"


# -- reprint and drawer ----------------------------------------------------------------------


@pytest.fixture
def printer() -> Iterator[PrinterServer]:
    server = PrinterServer(free_port())
    yield server
    server.close()


@pytest.fixture
def printing_till(
    register: Callable[..., MainWindow], printer: PrinterServer
) -> Iterator[Callable[[], MainWindow]]:
    """A register whose receipt printer (and its drawer) is a TCP printer on loopback."""
    services: list[PrintService] = []

    def printing(database: RegisterDatabase) -> PrintService:
        device = ReceiptPrinter(PrinterAddress("tcp", "127.0.0.1", port=printer.port), timeout=2)
        service = PrintService(database, device, render_escpos, utc_now, retry_seconds=0.2)
        service.start()
        services.append(service)
        return service

    yield lambda: register(printing=printing)
    for service in services:
        service.stop()


def printed(qtbot: QtBot, printer: PrinterServer, count: int) -> list[bytes]:
    """The first ``count`` jobs the printer took, waited for with the event loop running
    (the approval's answer reaches the screen through it)."""
    qtbot.waitUntil(lambda: len(printer.received) >= count, timeout=WAIT_MS)
    return printer.wait_for(count)


def test_approval_cashier_reprint_is_asked_and_recorded(
    qtbot: QtBot,
    tmp_path: Path,
    printing_till: Callable[[], MainWindow],
    printer: PrinterServer,
    require: Callable[..., None],
    back_office: ServerClient,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """Reprint by a cashier asks a manager's PIN, then prints the copy; the push records the
    approval with the reprinted ticket."""
    require(ApprovalAction.REPRINT)
    till = printing_till()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Croissant")
    ticket = till.tab_frame.checkout_view.sale
    assert ticket is not None
    go_pay(qtbot, till)
    take_cash(qtbot, till)
    qtbot.mouseClick(button(receipt(qtbot, till), "newSaleButton"), TAP)
    printed(qtbot, printer, 2)  # the drawer, then the receipt

    qtbot.mouseClick(button(till.tab_frame, "reprintButton"), TAP)
    dialog = approval_dialog(qtbot)
    assert len(printer.received) == 2  # nothing printed while it waits
    enter_pin(qtbot, dialog, MANAGER_PIN)
    copy = printed(qtbot, printer, 3)[2]
    assert b"COPY" in copy and b"Croissant" in copy

    push(tmp_path, register_client)
    [entry] = [e for e in approvals_logged(back_office) if e.target_id == ticket.id]
    assert entry.changes["action"] == "reprint"
    assert entry.employee is not None and entry.employee.name == "Morgan Manager"


def test_approval_cashier_opens_the_drawer_with_a_manager_pin(
    qtbot: QtBot,
    tmp_path: Path,
    printing_till: Callable[[], MainWindow],
    printer: PrinterServer,
    require: Callable[..., None],
    back_office: ServerClient,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A no sale (Drawer → No sale, its reason typed) by a cashier: asked, approved, the kick
    goes to the printer, and the approval is logged against the register with the reason."""
    require(ApprovalAction.OPEN_DRAWER)
    till = printing_till()
    log_in(till, CASHIER_PIN)
    qtbot.mouseClick(button(till.tab_frame, "drawerButton"), TAP)
    qtbot.waitUntil(lambda: till.drawer_dialog is not None)
    drawer = till.drawer_dialog
    assert drawer is not None
    no_sale = button(drawer, "noSaleButton")
    qtbot.waitUntil(no_sale.isVisible)
    qtbot.mouseClick(no_sale, TAP)
    type_into(qtbot, till, child(drawer, QLineEdit, "moveReason"), "change")

    qtbot.mouseClick(button(drawer, "moveConfirm"), TAP)
    dialog = approval_dialog(qtbot)
    assert "Reason: change" in dialog.what.text()
    enter_pin(qtbot, dialog, MANAGER_PIN)

    assert printed(qtbot, printer, 1) == [drawer_kick()]
    qtbot.waitUntil(lambda: drawer.banner.text() == "No sale: The drawer is opening.")
    push(tmp_path, register_client)
    entries = [e for e in approvals_logged(back_office) if e.changes["action"] == "open_drawer"]
    assert [e.register_ref.name for e in entries if e.register_ref] == ["Test register"]
    assert [e.changes["detail"] for e in entries] == ["No sale: change"]


def test_approval_not_asked_for_a_removal_the_payments_forbid(
    qtbot: QtBot,
    register: Callable[..., MainWindow],
    require: Callable[..., None],
    log_in: Callable[..., None],
) -> None:
    """$5 cash on a Mug and a Croissant, then ✕ on the Mug: $5 is more than the Croissant
    left, so the checkout says why at once and no manager is asked."""
    require(*ALL)
    till = register()
    log_in(till, CASHIER_PIN)
    ring_up(qtbot, till, "Mug", "Croissant")
    go_pay(qtbot, till)
    tender = till.tab_frame.tender_view
    qtbot.mouseClick(button(tender, "quick500"), TAP)
    qtbot.waitUntil(lambda: len(tender.tender_rows) == 1)
    qtbot.mouseClick(button(tender, "backToTicket"), TAP)
    view = till.tab_frame.checkout_view
    qtbot.waitUntil(view.isVisible)

    tap_named(qtbot, view, "lineRemove", "Remove Mug")

    assert view.banner.isVisible() and "Remove a payment first" in view.banner.text()
    assert QApplication.activeModalWidget() is None
    assert view.sale is not None and len(view.sale.lines) == 2
