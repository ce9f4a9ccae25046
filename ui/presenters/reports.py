"""The Back Office's Reports page: a report for the days a preset or the manager's pickers say,
laid out as tables (``report_sheet``) on a worker, and exported to CSV or PDF on a worker.

The presets count the store's days in the store's time zone, weeks from the day its locale
starts them (``set_store``). A range that ends before it starts is ``refused`` before any
call; the server's ``invalid_range`` is ``refused`` too, in its words; any other failure is
``failed``. An answer for a range the manager has since left is dropped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.errors import ErrorCode
from pos_desktop.domain.report_presets import (
    DayRange,
    RangePreset,
    day_range,
    preset_range,
    week_start,
)
from pos_desktop.services.report_results import (
    ExportFolder,
    ExportFormat,
    ReportQuery,
)
from pos_desktop.services.report_tables import ReportSheet, owed_text, report_sheet
from pos_desktop.services.results import DEFAULT_STORE_RULES
from pos_desktop.sync.errors import ServerError
from ui.presenters.background import EmployeePresenter
from ui.widgets.breakable import breakable
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.domain.catalog import StoreRules
    from pos_desktop.services.report_results import ExportedReport
    from pos_desktop.services.reports import ReportsService


def breakable_path(path: Path) -> str:
    """``path`` with a zero-width space after each separator: a label may wrap a long folder
    there instead of growing past its window."""
    return breakable(str(path), os.sep)


def exported_word(done: ExportedReport, folder: ExportFolder) -> str:
    """Where the file went, by the folder's name as the export dialog lists it (a folder's
    whole path may be wider than any banner): "Saved CSV in Exports folder: Sales ….csv"."""
    return f"Saved {done.format.value.upper()} in {folder.label}: {done.path.name}"


class ReportsPresenter(EmployeePresenter):
    shown = Signal(object)  # ReportSheet of the query asked last
    refused = Signal(str)  # the range to fix
    failed = Signal(str)
    exported = Signal(str)  # where the file went
    export_failed = Signal(str)
    folders_listed = Signal(object)  # tuple[ExportFolder, ...]
    exporting_changed = Signal(bool)
    owed = Signal(str)  # the liability at the moment asked, in words

    def __init__(
        self,
        service: ReportsService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._clock = clock or service.clock
        # Exports have their own worker: a report asked meanwhile is not held up by a file.
        self._exporter = Worker(self, pool)
        self._exporter.busy_changed.connect(self.exporting_changed)
        self._rules: StoreRules = DEFAULT_STORE_RULES
        self._query: ReportQuery | None = None
        # Whether the employee logged in reads the whole chain's report (an owner).
        self.reads_chain = False

    @property
    def rules(self) -> StoreRules:
        return self._rules

    @property
    def exporting(self) -> bool:
        return self._exporter.busy

    def set_store(self, rules: StoreRules) -> None:
        self._rules = rules

    def preset_days(self, preset: RangePreset) -> DayRange:
        """The store's days ``preset`` means now."""
        rules = self._rules
        return preset_range(
            preset, self._clock(), rules.timezone, week_starts=week_start(rules.locale)
        )

    def run(self, query: ReportQuery) -> None:
        """Ask for the report; a reversed range is refused at once, with no call."""
        days = query.days
        if not self._passes(lambda: day_range(days.start, days.end), self.refused.emit):
            return
        self._query = query
        locale = self._rules.locale

        def job() -> tuple[ReportQuery, ReportSheet]:
            return query, report_sheet(self._service.run(query), locale)

        self._worker.submit(job, self._answered, lambda error: self._failed(query, error))

    def owe(self, day: date, hour: int, minute: int) -> None:
        """The gift-card liability when the store's clock read ``day`` ``hour``:``minute``;
        ``owed`` says it (nothing, on a failure, which ``failed`` says)."""
        rules = self._rules

        def job() -> str:
            owed = self._service.owed_at(day, hour, minute, rules.timezone)
            return owed_text(owed, rules.locale, rules.timezone)

        def failed(error: Exception) -> None:
            self.owed.emit("")
            self._on_failed(error, self.failed.emit)

        self._worker.submit(job, self.owed.emit, failed)

    def export(self, sheet: ReportSheet, format: ExportFormat, folder: ExportFolder) -> None:
        rules = self._rules
        self._exporter.submit(
            lambda: self._service.export(sheet, rules, format, Path(folder.path)),
            lambda done: self.exported.emit(exported_word(done, folder)),
            lambda error: self._on_failed(error, self.export_failed.emit),
        )

    def list_folders(self) -> None:
        """The folders a report may be saved in (a USB drive comes and goes)."""
        self._exporter.submit(
            self._service.folders,
            self.folders_listed.emit,
            lambda error: self._on_failed(error, self.export_failed.emit),
        )

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()
        self._exporter.forget_pending()
        self._query = None

    def _answered(self, answer: tuple[ReportQuery, ReportSheet]) -> None:
        query, sheet = answer
        if query == self._query:
            self.shown.emit(sheet)

    def _failed(self, query: ReportQuery, error: Exception) -> None:
        if query != self._query:
            return
        if isinstance(error, ServerError) and error.code == ErrorCode.INVALID_RANGE:
            self.refused.emit(error.message)
        else:
            self._on_failed(error, self.failed.emit)
