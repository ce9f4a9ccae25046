"""Export a report: the folder to save it in (the data folder's exports, the home folder, a USB
drive), then Save CSV or Save PDF; where the file went is said under them. The files are
written on a worker; the dialog opens window-modal and never blocks the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.report_results import ExportFolder, ExportFormat
from ui.presenters.reports import breakable_path
from ui.widgets.banner import Banner, message_room
from ui.widgets.form_fields import TouchRows, caption
from ui.widgets.touch import enable_finger_scroll, name_widget, touch_button, touch_target_px

if TYPE_CHECKING:
    from pos_desktop.services.report_tables import ReportSheet
    from ui.presenters.reports import ReportsPresenter

DIALOG_WIDTH_PX = 640
LOOKING = "Looking for folders…"
MESSAGE_PX = 110


class ReportExportDialog(QDialog):
    def __init__(self, presenter: ReportsPresenter, sheet: ReportSheet, parent: QWidget) -> None:
        super().__init__(parent)
        title = f"Export the {sheet.title.lower()}"
        name_widget(self, "reportExportDialog", title)
        self.setWindowTitle(title)
        self.setModal(True)
        self._presenter = presenter
        self._sheet = sheet
        self._folders: tuple[ExportFolder, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        heading = QLabel(title, self)
        heading.setProperty("heading", True)
        heading.setObjectName("reportExportTitle")
        layout.addWidget(heading)
        layout.addWidget(caption("Save it in", self, wrap=False))
        layout.addWidget(self._build_folders(), 1)
        self.banner = Banner("reportExportBanner", "Export message", self)
        # Three lines: the folder's name and the file's.
        room = message_room(self, "reportExportMessageRoom", self.banner, height=MESSAGE_PX)
        layout.addWidget(room)
        layout.addLayout(self._build_buttons())
        self.setMinimumWidth(DIALOG_WIDTH_PX)
        presenter.folders_listed.connect(self._listed)
        # Bound methods: Qt drops the connections with the dialog.
        presenter.exported.connect(self._saved)
        presenter.export_failed.connect(self._not_saved)
        presenter.exporting_changed.connect(self._busy)
        self.banner.show_message(LOOKING, "info")
        presenter.list_folders()

    def _build_folders(self) -> QListWidget:
        folders = QListWidget(self)
        name_widget(folders, "reportExportFolders", "Folders to save the report in")
        folders.setItemDelegate(TouchRows(touch_target_px(self) + 4, folders))
        folders.setWordWrap(True)
        folders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        folders.setMinimumHeight(3 * (touch_target_px(self) + 4))
        enable_finger_scroll(folders)
        self.folders = folders
        return folders

    def _build_buttons(self) -> QHBoxLayout:
        self.csv_button = touch_button("Save CSV", "reportSaveCsv", "Save the report as CSV", self)
        self.pdf_button = touch_button("Save PDF", "reportSavePdf", "Save the report as PDF", self)
        self.close_button = touch_button(
            "Close", "reportExportClose", "Close", self, role="secondary"
        )
        self.csv_button.clicked.connect(lambda: self._save(ExportFormat.CSV))
        self.pdf_button.clicked.connect(lambda: self._save(ExportFormat.PDF))
        self.close_button.clicked.connect(self.reject)
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addStretch(1)
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        return row

    def _listed(self, folders: tuple[ExportFolder, ...]) -> None:
        self._folders = folders
        self.folders.clear()
        for folder in folders:
            item = QListWidgetItem(f"{folder.label}\n{breakable_path(folder.path)}", self.folders)
            item.setToolTip(str(folder.path))
        if folders:
            self.folders.setCurrentRow(0)  # the exports folder: saved there unless picked
        self.banner.clear()
        self._busy(False)

    def _save(self, format: ExportFormat) -> None:
        row = self.folders.currentRow()
        if not 0 <= row < len(self._folders):
            self.banner.show_message("Tap the folder to save the report in.")
            return
        self.banner.clear()
        self._presenter.export(self._sheet, format, self._folders[row])

    def _saved(self, word: str) -> None:
        self.banner.show_message(word, "info")

    def _not_saved(self, word: str) -> None:
        self.banner.show_message(word)

    def _busy(self, busy: bool) -> None:
        ready = bool(self._folders) and not busy
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(ready)
