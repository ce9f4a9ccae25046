"""The Back Office's Employees page, by taps as a manager against the real embedded server:
add, rename, change a PIN, deactivate; the server's refusals said where the manager looks;
and a cashier never sees the tab."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import CASHIER_PIN, MANAGER_PIN
from pos_desktop.sync.client import ServerClient
from tests.ui.back_office_support import open_employees, pick, tap, wait_idle
from tests.ui.layout_checks import layout_problems
from tests.ui.support import MakeWindow, button, child, tap_pin, type_into
from ui.employees_page import EmployeesPage
from ui.main_window import MainWindow
from ui.widgets.banner import Banner
from ui.widgets.confirm import ConfirmDialog

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
WAIT_MS = 10_000
NEW_PIN = "4827"


def pin_twice(qtbot: QtBot, pad_owner: QWidget, first: str, second: str) -> None:
    for pin in (first, second):
        for digit in pin:
            tap(qtbot, button(pad_owner, f"keypadKey{digit}"))
        tap(qtbot, button(pad_owner, "keypadEnter"))


def banner_text(page: EmployeesPage) -> str:
    return child(page, Banner, "staffBanner").text()


def lock(qtbot: QtBot, window: MainWindow) -> None:
    window.session.lock()
    qtbot.waitUntil(lambda: not window.logged_in, timeout=WAIT_MS)


def add_employee(
    qtbot: QtBot, window: MainWindow, page: EmployeesPage, name: str, pin: str
) -> None:
    tap(qtbot, page.add_button)
    type_into(qtbot, window, page.new_name, name)
    tap(qtbot, button(page.add_page, "newRoleCashier"))
    pin_twice(qtbot, page.add_pin, pin, pin)
    tap(qtbot, page.add_save_button)
    wait_idle(qtbot, window)


@pytest.fixture
def manager(
    make_window: MakeWindow, register_client: ServerClient, log_in: Callable[..., None]
) -> MainWindow:
    window = make_window(register_client)
    window.resize(1024, 768)
    log_in(window, MANAGER_PIN)
    return window


def test_back_office_hidden_for_a_cashier(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A cashier has no Back Office tab; a manager has, and it goes again at lock."""
    window = make_window(register_client)
    log_in(window, CASHIER_PIN)
    frame = window.tab_frame
    assert not frame.back_office_shown
    lock(qtbot, window)
    log_in(window, MANAGER_PIN)
    assert frame.back_office_shown
    assert frame.back_office_view is not None
    assert frame.back_office_view.page_titles() == [
        "Employees",
        "Products",
        "Categories",
        "Gift Cards",
        "Reports",
        "Registers",
        "Store",
    ]
    lock(qtbot, window)
    assert not frame.back_office_shown


def test_back_office_pages_built_when_the_tab_is_first_opened(
    qtbot: QtBot, manager: MainWindow
) -> None:
    """The register starts without building the Back Office's pages (a cashier's PIN pad is
    ready sooner); the manager's first tap on the tab builds them and lists the staff."""
    view = manager.tab_frame.back_office_view
    assert view is not None
    assert not view.filled()
    assert manager.findChild(EmployeesPage) is None
    page = open_employees(qtbot, manager)
    assert view.filled()
    assert page.isVisible()


def test_back_office_added_cashier_logs_in_with_their_pin(
    qtbot: QtBot, manager: MainWindow, log_in: Callable[..., None]
) -> None:
    """A manager adds a cashier (name, role, PIN twice); that PIN then logs in as them."""
    page = open_employees(qtbot, manager)
    add_employee(qtbot, manager, page, "zoe", NEW_PIN)
    assert "zoe added" in banner_text(page)
    # The message lies over the employee's page the stack turned to, not under it.
    on_top = page.details.childAt(page.banner.geometry().center())
    assert on_top is not None and (on_top is page.banner or page.banner.isAncestorOf(on_top))
    qtbot.waitUntil(
        lambda: any(
            page.staff_list.item(row).text() == "zoe · Cashier · Active"
            for row in range(page.staff_list.count())
        ),
        timeout=WAIT_MS,
    )
    lock(qtbot, manager)
    log_in(manager, NEW_PIN)
    assert manager.tab_frame.employee_label.text().startswith("zoe · Cashier")
    assert not manager.tab_frame.back_office_shown


def test_back_office_renames_an_employee(qtbot: QtBot, manager: MainWindow) -> None:
    """A name lengthened on the on-screen keyboard is saved and shown."""
    page = open_employees(qtbot, manager)
    add_employee(qtbot, manager, page, "yan", "4828")
    type_into(qtbot, manager, page.name_input, " martin")
    tap(qtbot, page.save_name_button)
    wait_idle(qtbot, manager)
    assert banner_text(page) == "Name saved: yan martin."
    qtbot.waitUntil(lambda: page.title.text() == "yan martin · Cashier · Active", timeout=WAIT_MS)


def test_back_office_pin_in_use_refused_next_to_the_pad(qtbot: QtBot, manager: MainWindow) -> None:
    """A new employee with the cashier's PIN is refused beside the PIN pad; the name stays."""
    page = open_employees(qtbot, manager)
    add_employee(qtbot, manager, page, "zoe", CASHIER_PIN)
    assert page.details.currentWidget() is page.add_page
    assert page.add_pin.message.text()
    assert "PIN" in page.add_pin.message.text()
    assert page.new_name.text() == "zoe"
    assert not banner_text(page) or not child(page, Banner, "staffBanner").isVisible()


def test_back_office_changed_pin_logs_in(
    qtbot: QtBot, manager: MainWindow, log_in: Callable[..., None]
) -> None:
    """A PIN changed twice on the pad replaces the old one at log-in."""
    page = open_employees(qtbot, manager)
    add_employee(qtbot, manager, page, "xia", "4829")
    tap(qtbot, page.pin_button)
    pin_twice(qtbot, page.new_pin, "5938", "5938")
    tap(qtbot, page.save_pin_button)
    wait_idle(qtbot, manager)
    assert banner_text(page) == "New PIN saved for xia."
    lock(qtbot, manager)
    log_in(manager, "5938")
    assert manager.tab_frame.employee_label.text().startswith("xia")


def test_back_office_deactivated_cashier_refused_at_login(
    qtbot: QtBot, manager: MainWindow
) -> None:
    """Deactivating (after a confirmation) lists the cashier as such; their PIN no longer
    logs in."""
    page = open_employees(qtbot, manager)
    add_employee(qtbot, manager, page, "wes", "4830")
    tap(qtbot, page.active_button)
    dialog = manager.findChild(ConfirmDialog)
    assert isinstance(dialog, ConfirmDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    tap(qtbot, dialog.yes_button)
    wait_idle(qtbot, manager)
    qtbot.waitUntil(lambda: page.title.text() == "wes · Cashier · Deactivated", timeout=WAIT_MS)
    assert page.active_button.text() == "Reactivate"
    lock(qtbot, manager)
    tap_pin(qtbot, manager, "4830")
    banner = child(manager.login_view, Banner, "errorBanner")
    qtbot.waitUntil(lambda: banner.isVisible() and bool(banner.text()), timeout=WAIT_MS)
    assert not manager.logged_in


def test_back_office_last_manager_cannot_be_deactivated(qtbot: QtBot, manager: MainWindow) -> None:
    """Deactivating the store's only manager is refused in the page's message room."""
    page = open_employees(qtbot, manager)
    rows = [page.staff_list.item(row).text() for row in range(page.staff_list.count())]
    manager_name = next(text for text in rows if "· Manager ·" in text).split(" · ")[0]
    pick(qtbot, page, manager_name)
    tap(qtbot, page.active_button)
    dialog = manager.findChild(ConfirmDialog)
    assert isinstance(dialog, ConfirmDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    tap(qtbot, dialog.yes_button)
    wait_idle(qtbot, manager)
    banner = child(page, Banner, "staffBanner")
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.kind() == "error" and "manager" in banner.text().lower()
    assert page.title.text().endswith("· Active")
    assert isinstance(page.name_input, QLineEdit)


def test_back_office_employees_page_fits_1024x768(qtbot: QtBot, manager: MainWindow) -> None:
    """The list, a picked employee, the PIN change and the add form fit a 1024x768 screen
    with every target a finger's size."""
    manager.resize(1024, 768)
    page = open_employees(qtbot, manager)
    problems: list[str] = []

    def look(step: str) -> None:
        qtbot.wait(50)
        problems.extend(
            f"{step}: {problem}" for problem in layout_problems(manager, QSize(1024, 768))
        )

    rows = [page.staff_list.item(row).text() for row in range(page.staff_list.count())]
    pick(qtbot, page, rows[0].split(" · ")[0])
    look("employee")
    tap(qtbot, page.pin_button)
    look("pin")
    tap(qtbot, button(page.pin_page, "pinCancelButton"))
    tap(qtbot, page.add_button)
    look("add")
    assert not problems, "\n".join(problems)
