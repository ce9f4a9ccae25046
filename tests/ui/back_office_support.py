"""Steps of the Back Office tests, by taps, shared by the pages' tests."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.support import TAP, child
from ui.employees_page import EmployeesPage
from ui.main_window import MainWindow

WAIT_MS = 10_000


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, TAP)


def open_employees(qtbot: QtBot, window: MainWindow) -> EmployeesPage:
    frame = window.tab_frame
    assert frame.back_office_view is not None and frame.back_office_shown
    frame.tabs.setCurrentWidget(frame.back_office_view)
    page = child(frame.back_office_view, EmployeesPage, "employeesPage")
    qtbot.waitUntil(lambda: page.staff_list.count() > 0 and not window.staff.busy, timeout=WAIT_MS)
    return page


def pick(qtbot: QtBot, page: EmployeesPage, name: str) -> None:
    """Tap the row of the employee called ``name``."""
    rows = [page.staff_list.item(row) for row in range(page.staff_list.count())]
    item = next(item for item in rows if item.text().startswith(f"{name} ·"))
    rect = page.staff_list.visualItemRect(item)
    tap_at = rect.center()
    qtbot.mouseClick(page.staff_list.viewport(), TAP, pos=tap_at)
    qtbot.waitUntil(lambda: page.details.currentWidget() is page.edit_page, timeout=WAIT_MS)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.staff.busy, timeout=WAIT_MS)
