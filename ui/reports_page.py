"""The Back Office's Reports page: Sales, Gift cards or Exceptions for the days a preset (today,
last week, ...) or the two date pickers say, one of the report's tables at a time with its
chart where a picture reads faster (sales by day and by hour, the liability over the days),
and the whole report exported to CSV or PDF.

Picking a preset shows its report at once; dates picked by hand show on Show, and a range
that ends before it starts is refused there, before any call.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QButtonGroup,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.report_presets import PRESET_LABELS, DayRange, RangePreset
from pos_desktop.services.report_results import (
    DEFAULT_DORMANT_MONTHS,
    REPORT_TITLES,
    ReportKind,
    ReportQuery,
)
from pos_desktop.services.report_tables import (
    ReportSheet,
    ReportTable,
    cell_text,
    period_text,
    replica_text,
)
from ui.report_chart import ReportChartView
from ui.report_export_dialog import ReportExportDialog
from ui.widgets.banner import Banner, message_room
from ui.widgets.columns import WrappingDelegate, fit_columns
from ui.widgets.form_fields import caption, keep_bold_room, pick_combo
from ui.widgets.touch import (
    enable_finger_scroll,
    name_widget,
    touch_button,
    touch_date_picker,
)

if TYPE_CHECKING:
    from ui.presenters.reports import ReportsPresenter

DORMANT_CHOICES = (3, 6, 12, 18, 24, 36)
DORMANT_TABLE = "dormant"
LOADING = "Asking the server…"
# The table a report opens on, where it is not its summary.
FIRST_TABLES = {ReportKind.EXCEPTIONS: "unsettled", ReportKind.CHAIN: "stores"}
# A table this narrow leaves room for its chart beside it; a wider one has the chart above.
BESIDE_COLUMNS = 3
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ReportsPage(QWidget):
    def __init__(self, presenter: ReportsPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "reportsPage", "Reports")
        self._presenter = presenter
        self._kind = ReportKind.SALES
        self._sheet: ReportSheet | None = None
        self._table_key = "summary"
        self._setting_days = False  # the pickers set by a preset, not by the manager
        self.export_dialog: ReportExportDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(self._build_switcher())
        layout.addLayout(self._build_range())
        layout.addWidget(self._build_owed())
        self.period = caption("", self, wrap=True)
        name_widget(self.period, "reportPeriod", "Days and time zone of the report")
        layout.addWidget(self.period)
        layout.addLayout(self._build_body(), 1)
        self.banner = Banner("reportsBanner", "Reports message", self, dismissible=True)
        layout.addWidget(message_room(self, "reportsMessageRoom", self.banner))
        presenter.shown.connect(self._show_sheet)
        presenter.refused.connect(self._refused)
        presenter.failed.connect(self._refused)
        presenter.busy_changed.connect(self._busy)
        presenter.exported.connect(lambda word: self.banner.show_message(word, "info"))
        presenter.export_failed.connect(lambda word: self.banner.show_message(word))
        presenter.exporting_changed.connect(lambda _busy: self._enable_export())
        presenter.owed.connect(self.owed_answer.setText)
        self._set_days(presenter.preset_days(RangePreset.TODAY))

    # -- building ------------------------------------------------------------------------------

    def _build_switcher(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.kind_buttons: dict[ReportKind, QPushButton] = {}
        self._kinds = QButtonGroup(self)
        self._kinds.setExclusive(True)
        for kind in ReportKind:
            title = REPORT_TITLES[kind]
            button = touch_button(title, f"report_{kind.value}", f"{title} report", self)
            button.setCheckable(True)
            button.setProperty("tipPreset", True)
            keep_bold_room(button)
            button.clicked.connect(lambda _on, kind=kind: self.show_report(kind))
            self._kinds.addButton(button)
            self.kind_buttons[kind] = button
            row.addWidget(button)
        self.kind_buttons[self._kind].setChecked(True)
        self.table_picker = pick_combo("reportTablePicker", "Table shown", self)
        self.table_picker.activated.connect(lambda _index: self._pick_table())
        row.addWidget(self.table_picker, 1)
        return row

    def _build_range(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.preset = pick_combo("reportPreset", "Days of the report", self)
        for preset in RangePreset:
            self.preset.addItem(PRESET_LABELS[preset], preset.value)
        self.preset.activated.connect(lambda _index: self._preset_picked())
        today = QDate.currentDate()
        self.start_picker = self._day_picker("reportStart", "First day", today)
        self.end_picker = self._day_picker("reportEnd", "Last day", today)
        self.show_button = touch_button(
            "Show", "reportShowButton", "Show the report for these days", self, role="primary"
        )
        self.show_button.clicked.connect(self.show_custom)
        row.addWidget(self.preset)
        row.addWidget(self.start_picker)
        row.addWidget(caption("to", self, wrap=False))
        row.addWidget(self.end_picker)
        row.addWidget(self.show_button)
        row.addStretch(1)
        # Here rather than beside the reports: with an owner's Chain there, that row is full.
        self.export_button = touch_button(
            "Export…", "reportExportButton", "Export the report as CSV or PDF", self
        )
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._open_export)
        row.addWidget(self.export_button)
        return row

    def _build_owed(self) -> QWidget:
        """The gift-card liability at any moment (the report's opening and closing are the
        first day's midnight and the last day's end): a day, an hour and a minute on the
        store's clock, and the amount owed then in words. Shown with the Gift cards report."""
        self.owed_row = QWidget(self)
        self.owed_row.setObjectName("owedAtRow")
        row = QHBoxLayout(self.owed_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.owed_day = touch_date_picker(QDate.currentDate(), "owedDay", "Day of the moment", self)
        self.owed_day.setDisplayFormat("yyyy-MM-dd")
        self.owed_day.setMinimumWidth(160)
        self.owed_hour = pick_combo("owedHour", "Hour of the moment", self)
        for hour in range(24):
            self.owed_hour.addItem(f"{hour:02d}", hour)
        self.owed_minute = pick_combo("owedMinute", "Minute of the moment", self)
        for minute in range(60):
            self.owed_minute.addItem(f"{minute:02d}", minute)
        self.owed_button = touch_button(
            "Owed then", "owedAtButton", "The gift-card liability at that moment", self
        )
        self.owed_button.clicked.connect(self.ask_owed)
        self.owed_answer = caption("", self, wrap=True)
        name_widget(self.owed_answer, "owedAtAnswer", "The gift-card liability then")
        row.addWidget(caption("Owed at", self, wrap=False))
        row.addWidget(self.owed_day)
        row.addWidget(self.owed_hour)
        row.addWidget(caption(":", self, wrap=False))
        row.addWidget(self.owed_minute)
        row.addWidget(self.owed_button)
        row.addWidget(self.owed_answer, 1)
        self.owed_row.hide()
        return self.owed_row

    def ask_owed(self) -> None:
        """Owed then: the liability at the day, hour and minute picked."""
        self.owed_answer.setText(LOADING)
        self._presenter.owe(
            self.owed_day.date().toPython(),  # type: ignore[arg-type]  # QDate: a date
            int(self.owed_hour.currentData()),
            int(self.owed_minute.currentData()),
        )

    def _day_picker(self, name: str, accessible: str, day: QDate) -> QDateEdit:
        picker = touch_date_picker(day, name, accessible, self)
        picker.setDisplayFormat("yyyy-MM-dd")
        picker.setMinimumWidth(160)
        picker.dateChanged.connect(lambda _day: self._picked_by_hand())
        return picker

    def _build_body(self) -> QBoxLayout:
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(8)
        self.chart = ReportChartView("reportChart", self)
        self.chart.hide()
        self.tables = QStackedWidget(self)
        self.tables.setObjectName("reportTables")
        self.table = self._build_table()
        self.empty = caption("", self)
        name_widget(self.empty, "reportEmpty", "Nothing to report")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tables.addWidget(self.table)
        self.tables.addWidget(self.empty)
        self.tables.setCurrentWidget(self.empty)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addLayout(self._build_note())
        column.addWidget(self.tables, 1)
        self.body.addWidget(self.chart, 1)
        self.body.addLayout(column, 1)
        return self.body

    def _build_note(self) -> QHBoxLayout:
        """A line above the table (how many dormant cards the listed are of) and, with the
        dormant cards, how long a card idles to be one."""
        self.note = caption("", self)
        name_widget(self.note, "reportNote", "About this table")
        self.note.hide()
        self.dormant = pick_combo("reportDormantMonths", "Dormant after", self)
        for months in DORMANT_CHOICES:
            self.dormant.addItem(f"Idle {months} months", months)
        self.dormant.setCurrentIndex(DORMANT_CHOICES.index(DEFAULT_DORMANT_MONTHS))
        self.dormant.activated.connect(lambda _index: self._run())
        self.dormant.hide()
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.dormant)
        return row

    def _build_table(self) -> QTreeWidget:
        table = QTreeWidget(self)
        name_widget(table, "reportTable", "Report table")
        table.setRootIsDecorated(False)
        table.setWordWrap(True)
        table.setUniformRowHeights(False)
        table.setItemDelegate(WrappingDelegate(table))
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.header()
        name_widget(header, "reportTableHeader", "Report columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        enable_finger_scroll(table)
        table.installEventFilter(self)
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    # -- what the manager does -----------------------------------------------------------------

    @property
    def kind(self) -> ReportKind:
        return self._kind

    @property
    def sheet(self) -> ReportSheet | None:
        return self._sheet

    def load(self) -> None:
        """The page came into view: the report picked, for the days picked, afresh. The Chain
        report is offered to an owner only."""
        chain = self._presenter.reads_chain
        self.kind_buttons[ReportKind.CHAIN].setVisible(chain)
        if self._kind is ReportKind.CHAIN and not chain:
            self.pick(ReportKind.SALES)
        preset = self._preset()
        if preset is not RangePreset.CUSTOM:
            self._set_days(self._presenter.preset_days(preset))
        self._run()

    def reset(self) -> None:
        """The manager left: nothing of theirs stays on the page."""
        self._presenter.reset()
        if self.export_dialog is not None:
            self.export_dialog.reject()
        self.pick(ReportKind.SALES)
        self.preset.setCurrentIndex(0)
        self.dormant.setCurrentIndex(DORMANT_CHOICES.index(DEFAULT_DORMANT_MONTHS))
        self._set_days(self._presenter.preset_days(RangePreset.TODAY))
        self._clear()
        self.banner.clear()

    def show_report(self, kind: ReportKind) -> None:
        """The switcher's: the ``kind`` report for the days picked."""
        self.pick(kind)
        self._run()

    def pick(self, kind: ReportKind, preset: RangePreset | None = None) -> None:
        """Make ``kind`` the report shown, for ``preset``'s days when given (the alert's
        "today"), asked for at the next ``load``."""
        self._kind = kind
        self.kind_buttons[kind].setChecked(True)
        self.owed_row.setVisible(kind is ReportKind.GIFT_CARDS)
        self.owed_answer.clear()
        self.owed_day.setDate(_qdate(self._presenter.preset_days(RangePreset.TODAY).start))
        self._table_key = FIRST_TABLES.get(kind, "summary")
        if preset is not None:
            self.preset.setCurrentIndex(self.preset.findData(preset.value))
            self._set_days(self._presenter.preset_days(preset))
        self._clear()

    def show_custom(self) -> None:
        """Show: the days as picked by hand."""
        self.banner.clear()
        self._run()

    def _preset(self) -> RangePreset:
        return RangePreset(self.preset.currentData())

    def _preset_picked(self) -> None:
        preset = self._preset()
        if preset is RangePreset.CUSTOM:
            return  # the pickers hold the days; Show asks for them
        self._set_days(self._presenter.preset_days(preset))
        self.banner.clear()
        self._run()

    def _picked_by_hand(self) -> None:
        if not self._setting_days:
            self.preset.setCurrentIndex(self.preset.findData(RangePreset.CUSTOM.value))

    def _set_days(self, days: DayRange) -> None:
        self._setting_days = True
        try:
            self.start_picker.setDate(_qdate(days.start))
            self.end_picker.setDate(_qdate(days.end))
        finally:
            self._setting_days = False

    def _days(self) -> DayRange:
        start, end = self.start_picker.date().toPython(), self.end_picker.date().toPython()
        return DayRange(start, end)  # type: ignore[arg-type]  # QDate.toPython: a date

    def query(self) -> ReportQuery:
        return ReportQuery(self._kind, self._days(), int(self.dormant.currentData()))

    def _run(self) -> None:
        self._presenter.run(self.query())

    def _pick_table(self) -> None:
        key = self.table_picker.currentData()
        if key is not None and self._sheet is not None:
            self._table_key = str(key)
            self._show_table(self._sheet.table(self._table_key))

    def _open_export(self) -> None:
        sheet = self._sheet
        if sheet is None:
            return
        dialog = ReportExportDialog(self._presenter, sheet, self)
        self.export_dialog = dialog

        def closed() -> None:
            if self.export_dialog is dialog:
                self.export_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()

    # -- what the page shows -------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.show_button.setEnabled(not busy)
        if busy:
            self.period.setText(LOADING)
        elif self._sheet is not None:
            self.period.setText(self._period_words(self._sheet))
        self._enable_export()

    def _enable_export(self) -> None:
        self.export_button.setEnabled(
            self._sheet is not None and not self._presenter.busy and not self._presenter.exporting
        )

    def _period_words(self, sheet: ReportSheet) -> str:
        words = f"{sheet.title}: {period_text(sheet.period, self._presenter.rules.locale)}"
        lag = replica_text(sheet.replica_lag_ms)
        return f"{words} · {lag}" if lag else words

    def _show_sheet(self, sheet: ReportSheet) -> None:
        self._sheet = sheet
        self.period.setText(self._period_words(sheet))
        self.table_picker.clear()
        for table in sheet.tables:
            self.table_picker.addItem(table.title, table.key)
        keys = [table.key for table in sheet.tables]
        if self._table_key not in keys:
            self._table_key = keys[0]
        self.table_picker.setCurrentIndex(keys.index(self._table_key))
        self._show_table(sheet.table(self._table_key))
        self._enable_export()

    def _show_table(self, table: ReportTable) -> None:
        sheet = self._sheet
        if sheet is None:
            return
        locale, timezone = self._presenter.rules.locale, sheet.period.timezone
        shown = [index for index, column in enumerate(table.columns) if column.on_screen]
        self.table.clear()
        self.table.setColumnCount(len(shown))
        self.table.setHeaderLabels([table.columns[index].shown_title for index in shown])
        for position, index in enumerate(shown):
            if table.columns[index].numeric:
                self.table.headerItem().setTextAlignment(position, _RIGHT)
        for row in table.rows:
            item = QTreeWidgetItem(self.table, [cell_text(row[i], locale, timezone) for i in shown])
            for position, index in enumerate(shown):
                if table.columns[index].numeric:
                    item.setTextAlignment(position, _RIGHT)
        self.empty.setText(table.empty)
        self.tables.setCurrentWidget(self.table if table.rows else self.empty)
        self.note.setText(table.note)
        self.note.setVisible(bool(table.note))
        self.dormant.setVisible(table.key == DORMANT_TABLE)
        self._show_chart(table, len(shown))
        self._fit_columns()
        self.table.scrollToTop()

    def _show_chart(self, table: ReportTable, columns: int) -> None:
        chart = table.chart
        if chart is None or not chart.values:
            self.chart.hide()
            return
        beside = columns <= BESIDE_COLUMNS
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.body.direction() != direction:
            self.body.setDirection(direction)
            layout = self.layout()
            if layout is not None:
                layout.activate()  # the table's new width, before its columns are fitted
        self.chart.show_chart(chart, self._presenter.rules.locale)
        self.chart.show()

    def _fit_columns(self) -> None:
        count = self.table.columnCount()
        if count:
            fit_columns(self.table, wrapping=(0,), stretch=0, scroll_bar_room=True)

    def _clear(self) -> None:
        self._sheet = None
        self.table.clear()
        self.table_picker.clear()
        self.tables.setCurrentWidget(self.empty)
        self.empty.setText("")
        self.note.hide()
        self.dormant.hide()
        self.chart.hide()
        self.period.clear()
        self._enable_export()

    def _refused(self, message: str) -> None:
        self.banner.show_message(message)
        if self._sheet is None:
            self.period.clear()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
