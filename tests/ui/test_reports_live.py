"""The Reports page against the real embedded server and its demo store, by taps as the
manager: the demo's history (two tickets paid by gift card 11 days ago, $36.25 and $20.00;
$78.75 left on three cards) comes back in the sales and gift-card reports, and exports."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.report_presets import store_today
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.services.report_results import ReportKind
from pos_desktop.sync.client import ServerClient
from tests.ui.back_office_support import WAIT_MS, tap
from tests.ui.catalog_support import open_page, pick_in_combo
from tests.ui.layout_checks import layout_problems
from tests.ui.support import MakeWindow, child, tap_pin
from ui.main_window import MainWindow
from ui.reports_page import ReportsPage

STORE_ZONE = "America/New_York"  # the demo store's


def _reports(qtbot: QtBot, window: MainWindow) -> ReportsPage:
    window.resize(1024, 768)
    tap_pin(qtbot, window, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.reports.rules.timezone == STORE_ZONE, timeout=WAIT_MS)
    open_page(qtbot, window, "Reports")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    page = child(back_office, ReportsPage, "reportsPage")
    _wait_shown(qtbot, window, page)
    return page


def _wait_shown(qtbot: QtBot, window: MainWindow, page: ReportsPage) -> None:
    qtbot.waitUntil(lambda: not window.reports.busy and page.sheet is not None, timeout=WAIT_MS)


def _rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(row).text(col) for col in range(tree.columnCount())]
        for row in range(tree.topLevelItemCount())
    ]


def test_reports_live_sales_of_the_demo_history_by_tender_and_exported(
    qtbot: QtBot, make_window: MakeWindow, register_client: ServerClient, tmp_path: Path
) -> None:
    """The last two weeks picked by hand: the demo's two gift-card tickets, $56.25 in all, by
    tender on screen and in the CSV saved."""
    window = make_window(register_client, data_dir=tmp_path / "register")
    page = _reports(qtbot, window)
    today = store_today(datetime.now(UTC), STORE_ZONE)
    first = today - timedelta(days=13)
    page.start_picker.setDate(QDate(first.year, first.month, first.day))
    tap(qtbot, page.show_button)
    qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.period.start == first)
    pick_in_combo(qtbot, page.table_picker, "By tender")
    assert _rows(page.table) == [["Gift Card", "2", "$56.25", "$0.00"]]
    assert layout_problems(window, QSize(1024, 768)) == []

    tap(qtbot, page.export_button)
    qtbot.waitUntil(lambda: page.export_dialog is not None, timeout=WAIT_MS)
    dialog = page.export_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.csv_button.isEnabled, timeout=WAIT_MS)
    tap(qtbot, dialog.csv_button)
    qtbot.waitUntil(lambda: dialog.banner.text().startswith("Saved CSV"), timeout=WAIT_MS)
    (saved,) = (tmp_path / "register" / "exports").glob("*.csv")
    with saved.open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))
    assert ["Gift Card", "2", "56.25", "0.00"] in lines


def test_reports_live_gift_cards_owed_now_and_at_the_start(
    qtbot: QtBot, make_window: MakeWindow, register_client: ServerClient
) -> None:
    """Today's gift-card report: $78.75 outstanding at the start and the end, on three cards;
    Owed at today's midnight says the same."""
    window = make_window(register_client)
    page = _reports(qtbot, window)
    tap(qtbot, page.kind_buttons[ReportKind.GIFT_CARDS])
    _wait_shown(qtbot, window, page)
    table = _rows(page.table)
    assert table[0] == ["Outstanding at the start", "", "$78.75"]
    assert table[-1] == ["Outstanding at the end", "3 cards", "$78.75"]
    tap(qtbot, page.owed_button)
    qtbot.waitUntil(lambda: "cards at" in page.owed_answer.text(), timeout=WAIT_MS)
    assert page.owed_answer.text().startswith("$78.75 on 3 cards at ")
