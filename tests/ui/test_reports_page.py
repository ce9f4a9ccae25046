"""The Back Office's Reports page, by taps as a manager at a 1024x768 register of the demo
store (the real embedded server for the log-in and the store's settings), its reports
answered by a stand-in client with fixed reports (tests/fixtures/reports.py) until the
server's report routes are merged: presets and a custom range, the tables and the charts'
values, CSV and PDF exports read back, a reversed range refused before any call, and the
Back Office's alert opening the Exceptions report.

The clock is 14:00 on Thursday 5 Nov 2026 in New York (the demo store's zone); the store's
locale, en_US, starts weeks on Sunday."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QLineSeries
from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from pos_desktop.domain.errors import ErrorCode
from pos_desktop.server.demo import DEMO_STORE_NAME, MANAGER_PIN
from pos_desktop.services.report_results import ReportKind
from pos_desktop.services.reports import ReportsService
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError
from tests.fixtures.reports import (
    INVALID_RANGE_MESSAGE,
    NOW,
    FakeReportsClient,
    unknown_cards_alert,
)
from tests.ui.back_office_support import WAIT_MS, tap
from tests.ui.catalog_support import open_page, pick_in_combo
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, MakeWindow, child, tap_pin
from ui.main_window import MainWindow
from ui.presenters.reports import breakable_path
from ui.report_alert import AlertBanner
from ui.report_export_dialog import ReportExportDialog
from ui.reports_page import ReportsPage
from ui.tab_frame import CHECKOUT_TAB
from ui.widgets.breakable import ZERO_WIDTH_SPACE

TODAY = date(2026, 11, 5)
STORE_ZONE = "America/New_York"


@dataclass
class Reports:
    window: MainWindow
    client: FakeReportsClient
    data_dir: Path

    @property
    def page(self) -> ReportsPage:
        back_office = self.window.tab_frame.back_office_view
        assert back_office is not None
        return child(back_office, ReportsPage, "reportsPage")


@pytest.fixture
def reports(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    tmp_path: Path,
) -> Iterator[Reports]:
    """The manager logged in at a 1024x768 register whose reports come from the stand-in."""
    client = FakeReportsClient()
    fake: ServerClient = client  # type: ignore[assignment]  # the report calls only
    data_dir = tmp_path / "register"

    def service(folder: Path) -> ReportsService:
        return ReportsService(fake, folder, lambda: NOW, home=tmp_path, drive_roots=())

    window = make_window(register_client, data_dir=data_dir, reports=service)
    window.resize(1024, 768)
    tap_pin(qtbot, window, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.logged_in, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.reports.rules.timezone == STORE_ZONE, timeout=WAIT_MS)
    yield Reports(window, client, data_dir)


def open_reports(qtbot: QtBot, reports: Reports) -> ReportsPage:
    open_page(qtbot, reports.window, "Reports")
    page = reports.page
    wait_shown(qtbot, reports)
    return page


def wait_shown(qtbot: QtBot, reports: Reports) -> None:
    page = reports.page
    qtbot.waitUntil(
        lambda: not reports.window.reports.busy and page.sheet is not None, timeout=WAIT_MS
    )


def rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(row).text(col) for col in range(tree.columnCount())]
        for row in range(tree.topLevelItemCount())
    ]


def bar_values(page: ReportsPage) -> list[float]:
    (series,) = page.chart.chart().series()
    assert isinstance(series, QBarSeries)
    (bars,) = series.barSets()
    return [bars.at(index) for index in range(bars.count())]


def line_values(page: ReportsPage) -> list[float]:
    (series,) = page.chart.chart().series()
    assert isinstance(series, QLineSeries)
    return [point.y() for point in series.points()]


def picked_days(page: ReportsPage) -> tuple[date, date]:
    start, end = page.start_picker.date().toPython(), page.end_picker.date().toPython()
    assert isinstance(start, date) and isinstance(end, date)
    return start, end


def test_reports_page_opens_on_todays_sales_with_the_chart_by_day(
    qtbot: QtBot, reports: Reports
) -> None:
    """Opened, the page shows today's sales in the store's zone: the totals, and the net
    sales by day as bars."""
    page = open_reports(qtbot, reports)
    assert reports.client.calls == [("sales", TODAY, TODAY)]
    assert page.preset.currentText() == "Today"
    assert page.period.text() == "Sales report: Nov 5, 2026 (America/New_York)"
    totals = dict((row[0], row[1]) for row in rows(page.table))
    assert totals["Net sales"] == "$1,200.00"
    assert totals["Gift cards sold (a liability, not sales)"] == "$150.00"
    assert totals["Tickets"] == "48"
    assert page.chart.isVisible()
    assert bar_values(page) == [395.5, 470.0, 334.5]
    assert page.chart.chart().title() == "Net sales by day ($)"
    assert layout_problems(reports.window, QSize(1024, 768)) == []


def test_reports_page_shows_sales_by_hour_as_bars(qtbot: QtBot, reports: Reports) -> None:
    """The By hour table: 24 hours, and the chart's 24 bars with the busy hours' sales."""
    page = open_reports(qtbot, reports)
    pick_in_combo(qtbot, page.table_picker, "By hour")
    table = rows(page.table)
    assert len(table) == 24
    assert table[12][:4] == ["12:00", "$600.00", "$0.00", "$600.00"]
    values = bar_values(page)
    assert len(values) == 24
    assert (values[9], values[12], values[17]) == (300.0, 600.0, 300.0)
    assert sum(values) == 1200.0
    assert layout_problems(reports.window, QSize(1024, 768)) == []


def test_reports_page_preset_last_week_asks_sunday_to_saturday(
    qtbot: QtBot, reports: Reports
) -> None:
    """Last week, in a US store on Thursday 5 Nov: Sunday 25 to Saturday 31 October."""
    page = open_reports(qtbot, reports)
    pick_in_combo(qtbot, page.preset, "Last week")
    wait_shown(qtbot, reports)
    assert reports.client.calls[-1] == ("sales", date(2026, 10, 25), date(2026, 10, 31))
    assert picked_days(page) == (date(2026, 10, 25), date(2026, 10, 31))
    pick_in_combo(qtbot, page.preset, "Last month")
    wait_shown(qtbot, reports)
    assert reports.client.calls[-1] == ("sales", date(2026, 10, 1), date(2026, 10, 31))


def test_reports_page_custom_range_shows_on_show(qtbot: QtBot, reports: Reports) -> None:
    """Days picked by hand make the preset Custom; Show asks for them."""
    page = open_reports(qtbot, reports)
    page.start_picker.setDate(QDate(2026, 11, 2))
    page.end_picker.setDate(QDate(2026, 11, 4))
    assert page.preset.currentText() == "Custom"
    assert len(reports.client.calls) == 1  # nothing asked until Show
    tap(qtbot, page.show_button)
    wait_shown(qtbot, reports)
    assert reports.client.calls[-1] == ("sales", date(2026, 11, 2), date(2026, 11, 4))
    assert page.period.text() == "Sales report: Nov 2, 2026 \u2013 Nov 4, 2026 (America/New_York)"


def test_reports_page_refuses_an_end_before_the_start_before_any_call(
    qtbot: QtBot, reports: Reports
) -> None:
    """An end before the start: Show says so, and the server is not asked."""
    page = open_reports(qtbot, reports)
    asked = list(reports.client.calls)
    page.start_picker.setDate(QDate(2026, 11, 4))
    page.end_picker.setDate(QDate(2026, 11, 2))
    tap(qtbot, page.show_button)
    assert page.banner.isVisible()
    assert page.banner.text() == (
        "The range ends (2026-11-02) before it starts (2026-11-04). "
        "Pick an end on or after the start."
    )
    qtbot.wait(100)
    assert reports.client.calls == asked
    assert layout_problems(reports.window, QSize(1024, 768)) == []


def test_reports_page_shows_the_servers_invalid_range_as_it_says(
    qtbot: QtBot, reports: Reports
) -> None:
    """A range the server refuses (422 invalid_range) is said in the server's words."""
    page = open_reports(qtbot, reports)
    reports.client.failure = lambda: ServerError(
        422, ErrorCode.INVALID_RANGE, INVALID_RANGE_MESSAGE
    )
    pick_in_combo(qtbot, page.preset, "Yesterday")
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert page.banner.text() == INVALID_RANGE_MESSAGE


def test_reports_page_gift_cards_draws_the_liability_line(qtbot: QtBot, reports: Reports) -> None:
    """Gift cards: from the opening through each kind of activity to the closing, and the
    outstanding at each day's end as a line; the dormant cards for the months picked."""
    page = open_reports(qtbot, reports)
    tap(qtbot, page.kind_buttons[ReportKind.GIFT_CARDS])
    wait_shown(qtbot, reports)
    assert reports.client.calls[-1] == ("gift_cards", TODAY, TODAY)
    table = rows(page.table)
    assert table[0] == ["Outstanding at the start", "", "$5,000.00"]
    assert ["Redeemed", "6", "-$133.00"] in table
    assert table[-1] == ["Outstanding at the end", "87 cards", "$5,175.00"]
    assert line_values(page) == [5100.0, 5150.0, 5175.0]
    assert layout_problems(reports.window, QSize(1024, 768)) == []
    pick_in_combo(qtbot, page.table_picker, "Dormant")
    assert page.dormant.isVisible()
    assert not page.chart.isVisible()
    pick_in_combo(qtbot, page.dormant, "Idle 6 months")
    wait_shown(qtbot, reports)
    qtbot.waitUntil(lambda: "for 6 months" in page.note.text(), timeout=WAIT_MS)
    assert rows(page.table)[0][:2] == ["•••• 1000", "$100.00"]


def test_reports_page_gift_cards_says_what_was_owed_at_a_moment(
    qtbot: QtBot, reports: Reports
) -> None:
    """Owed at: a day, hour and minute on the store's clock (2:30 PM in New York on 3 Nov,
    after summer time ended: 19:30 UTC) asks the liability at that instant and says it."""
    page = open_reports(qtbot, reports)
    assert not page.owed_row.isVisible()
    tap(qtbot, page.kind_buttons[ReportKind.GIFT_CARDS])
    wait_shown(qtbot, reports)
    assert page.owed_row.isVisible()
    assert page.owed_day.date() == QDate(2026, 11, 5)  # the store's today
    page.owed_day.setDate(QDate(2026, 11, 3))
    pick_in_combo(qtbot, page.owed_hour, "14")
    pick_in_combo(qtbot, page.owed_minute, "30")
    tap(qtbot, page.owed_button)
    qtbot.waitUntil(lambda: "cards at" in page.owed_answer.text(), timeout=WAIT_MS)
    assert reports.client.liability_asked == [datetime(2026, 11, 3, 19, 30, tzinfo=UTC)]
    assert page.owed_answer.text() == "$5,150.00 on 86 cards at 11/3/26, 2:30\u202fPM"
    assert layout_problems(reports.window, QSize(1024, 768)) == []


def test_reports_page_refuses_a_moment_the_stores_clock_skipped(
    qtbot: QtBot, reports: Reports
) -> None:
    """2:30 AM on the night summer time began never showed in New York: the page says so
    and asks the server nothing."""
    page = open_reports(qtbot, reports)
    tap(qtbot, page.kind_buttons[ReportKind.GIFT_CARDS])
    wait_shown(qtbot, reports)
    page.owed_day.setDate(QDate(2026, 3, 8))
    pick_in_combo(qtbot, page.owed_hour, "02")
    pick_in_combo(qtbot, page.owed_minute, "30")
    tap(qtbot, page.owed_button)
    qtbot.waitUntil(lambda: "skipped 02:30" in page.banner.text(), timeout=WAIT_MS)
    assert page.owed_answer.text() == ""
    assert reports.client.liability_asked == []


def test_reports_page_exceptions_lists_the_unsettled_redemption(
    qtbot: QtBot, reports: Reports
) -> None:
    page = open_reports(qtbot, reports)
    tap(qtbot, page.kind_buttons[ReportKind.EXCEPTIONS])
    wait_shown(qtbot, reports)
    assert page.table_picker.currentText() == "Unsettled redemptions"
    (row,) = rows(page.table)
    # 14:05 in New York, written as en_US does (a narrow no-break space before PM).
    assert row == ["11/3/26, 2:05\u202fPM", "•••• 4242", "$25.00", "Front counter", "Casey Cashier"]
    assert not page.chart.isVisible()
    pick_in_combo(qtbot, page.table_picker, "By employee")
    assert layout_problems(reports.window, QSize(1024, 768)) == []


def export_dialog(qtbot: QtBot, page: ReportsPage) -> ReportExportDialog:
    tap(qtbot, page.export_button)
    qtbot.waitUntil(lambda: page.export_dialog is not None, timeout=WAIT_MS)
    dialog = page.export_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.csv_button.isEnabled, timeout=WAIT_MS)
    return dialog


def test_reports_page_exports_csv_and_pdf(qtbot: QtBot, reports: Reports) -> None:
    """Export…, the exports folder picked: Save CSV and Save PDF write the report there and
    say where; the files read back with the report's figures and the store's header."""
    page = open_reports(qtbot, reports)
    dialog = export_dialog(qtbot, page)
    exports = reports.data_dir / "exports"
    assert dialog.folders.currentItem().text() == f"Exports folder\n{breakable_path(exports)}"
    tap(qtbot, dialog.csv_button)
    qtbot.waitUntil(lambda: dialog.banner.text().startswith("Saved CSV"), timeout=WAIT_MS)
    (csv_file,) = exports.glob("*.csv")
    assert dialog.banner.text() == f"Saved CSV in Exports folder: {csv_file.name}"
    with csv_file.open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))
    assert lines[0] == ["Store", DEMO_STORE_NAME]
    assert ["Net sales", "1200.00"] in lines
    tap(qtbot, dialog.pdf_button)
    qtbot.waitUntil(lambda: dialog.banner.text().startswith("Saved PDF"), timeout=WAIT_MS)
    (pdf_file,) = exports.glob("*.pdf")
    tool = shutil.which("pdftotext")
    assert tool is not None
    text = subprocess.run(  # noqa: S603 (a fixed tool on our own file)
        [tool, "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert DEMO_STORE_NAME in text
    assert "Nov 5, 2026 (America/New_York)" in text
    net = next(line for line in text.splitlines() if line.strip().startswith("Net sales"))
    assert net.split()[-1] == "$1,200.00"
    assert layout_problems(dialog) == []
    tap(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: page.export_dialog is None, timeout=WAIT_MS)
    assert page.banner.text() == f"Saved PDF in Exports folder: {pdf_file.name}"


def test_reports_page_exports_to_the_folder_picked(qtbot: QtBot, reports: Reports) -> None:
    """The home folder tapped: the CSV goes there."""
    page = open_reports(qtbot, reports)
    dialog = export_dialog(qtbot, page)
    home = dialog.folders.item(1)
    assert home.text().startswith("Home folder")
    tap_at = dialog.folders.visualItemRect(home).center()
    qtbot.mouseClick(dialog.folders.viewport(), TAP, pos=tap_at)
    tap(qtbot, dialog.csv_button)
    qtbot.waitUntil(lambda: dialog.banner.text().startswith("Saved CSV"), timeout=WAIT_MS)
    home_path = Path(home.text().split("\n")[1].replace(ZERO_WIDTH_SPACE, ""))
    assert len(list(home_path.glob("Sales *.csv"))) == 1


def alert_banner(window: MainWindow) -> AlertBanner:
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    return child(back_office, AlertBanner, "backOfficeAlert")


def test_back_office_alert_shows_and_opens_todays_exceptions(
    qtbot: QtBot, reports: Reports
) -> None:
    """A register past its threshold: the Back Office says which, what and how many; See
    exceptions opens today's Exceptions report."""
    reports.client.alerts_answer = [unknown_cards_alert(7)]
    open_page(qtbot, reports.window, "Employees")
    banner = alert_banner(reports.window)
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.text() == (
        "Check these registers:\n"
        "Front counter: 7 unknown card numbers in the last 10 minutes (the alert is at 5)."
    )
    assert layout_problems(reports.window, QSize(1024, 768)) == []
    tap(qtbot, banner.see_button)
    page = reports.page
    back_office = reports.window.tab_frame.back_office_view
    assert back_office is not None
    assert back_office.pages.currentWidget() is page
    wait_shown(qtbot, reports)
    assert page.kind is ReportKind.EXCEPTIONS
    assert page.preset.currentText() == "Today"
    assert reports.client.calls[-1] == ("exceptions", TODAY, TODAY)
    assert ["Front counter", "7", "4"] in [row[:3] for row in _table_of(qtbot, page, "By register")]


def _table_of(qtbot: QtBot, page: ReportsPage, title: str) -> list[list[str]]:
    pick_in_combo(qtbot, page.table_picker, title)
    return rows(page.table)


def test_back_office_alerts_are_polled_only_while_it_shows(qtbot: QtBot, reports: Reports) -> None:
    """Shown, the Back Office asks for alerts (and keeps asking); on Checkout it stops; with
    nothing past a threshold, no banner."""
    window = reports.window
    open_page(qtbot, window, "Employees")
    qtbot.waitUntil(lambda: reports.client.alerts_asked > 0, timeout=WAIT_MS)
    assert window.alerts.polling
    assert not alert_banner(window).isVisible()
    window.tab_frame.tabs.setCurrentIndex(CHECKOUT_TAB)
    assert not window.alerts.polling


def test_back_office_alert_goes_when_the_manager_locks(
    qtbot: QtBot, reports: Reports, log_in: Callable[..., None]
) -> None:
    """Locked: the alert and the report are gone for whoever logs in next."""
    reports.client.alerts_answer = [unknown_cards_alert(7)]
    open_reports(qtbot, reports)
    banner = alert_banner(reports.window)
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    reports.window.session.lock()
    qtbot.waitUntil(lambda: not reports.window.logged_in, timeout=WAIT_MS)
    assert not banner.isVisible()
    assert reports.page.sheet is None
    assert not reports.window.alerts.polling


def test_reports_page_says_how_far_behind_the_replica_read_was(
    qtbot: QtBot, reports: Reports
) -> None:
    """A report the server read from its replica says so, with how far behind it was; one
    read from the primary says nothing of it."""
    page = open_reports(qtbot, reports)
    assert "replica" not in page.period.text()
    reports.client.replica_lag_ms = 2_400
    tap(qtbot, page.show_button)
    qtbot.waitUntil(lambda: "read from the replica, 2.4 s behind" in page.period.text())
    assert page.period.text().startswith("Sales report: ")
