"""Import products from a CSV file, in two steps on one panel.

First the .csv files the register can see (the data folder's imports/ and the home folder),
each a row to tap: the file is read and every row checked by the server without writing.
Then the preview: how many products are new and how many change, and every row with a
problem (line, field, what is wrong). Import is offered only when no row has one, and writes
them all at once. A file that cannot be used at all is refused whole, saying why.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.results import CsvFile, ImportDone, ImportPreview
from ui.presenters.catalog import preview_word
from ui.widgets.banner import Banner, message_room
from ui.widgets.columns import WrappingDelegate, fit_columns
from ui.widgets.touch import enable_finger_scroll, name_widget, touch_button, touch_target_px

if TYPE_CHECKING:
    from pathlib import Path

    from ui.presenters.catalog import CatalogFilesPresenter

PICK_TITLE = "Import from a CSV file"
NO_FILES = "No .csv file in either folder yet."
PROBLEM_COLUMNS = ("Line", "Field", "Problem")
LINE_COLUMN, FIELD_COLUMN, PROBLEM_COLUMN = range(len(PROBLEM_COLUMNS))
# What the CSV's columns are called in the problem list (the server names the field).
FIELD_NAMES = {
    "id": "id",
    "name": "name",
    "category": "category",
    "price": "price",
    "tax_rate": "tax rate",
    "barcodes": "barcodes",
    "active": "active",
}
MESSAGE_ROOM_PX = 112  # a refusal's reason whole: up to four lines


def pick_explanation(imports: Path, home: Path) -> str:
    return (
        f"Put the file in {imports} or in your home folder ({home}), then tap it below. "
        "Its first line names the columns: name, category, price, and if you like id, "
        "tax_rate, barcodes (separated by spaces) and active. Export CSV writes a file in "
        "this form: change it in a spreadsheet, save it as CSV UTF-8, and import it back."
    )


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def file_row(file: CsvFile) -> str:
    when = file.modified.astimezone()
    today = datetime.now(when.tzinfo).date()
    shown = f"{when:%H:%M} today" if when.date() == today else f"{when:%d %b %Y %H:%M}"
    return f"{file.path.name}\n{file.folder} · {size_text(file.size)} · {shown}"


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("heading", True)
    label.setWordWrap(True)
    return label


class CatalogImportPanel(QWidget):
    """``closed``: back to the products; ``imported``: the word on a finished import."""

    closed = Signal()
    imported = Signal(str)

    def __init__(self, presenter: CatalogFilesPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "catalogImport", "Import products")
        self._presenter = presenter
        self._preview: ImportPreview | None = None
        self.steps = QStackedWidget(self)
        self.steps.setObjectName("importSteps")
        self.steps.addWidget(self._build_pick())
        self.steps.addWidget(self._build_preview())
        self.banner = Banner("importBanner", "Import message", self, dismissible=True)
        self.status = QLabel(self)
        name_widget(self.status, "importStatus", "Import status")
        self.status.setProperty("busy", True)
        self.status.setWordWrap(True)
        self.status.hide()
        room = message_room(
            self, "importMessageRoom", self.banner, self.status, height=MESSAGE_ROOM_PX
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.steps, 1)
        column.addWidget(room)
        presenter.files_listed.connect(self._show_files)
        presenter.previewed.connect(self._show_preview)
        presenter.file_refused.connect(self._refused)
        presenter.imported.connect(self._imported)
        presenter.failed.connect(self._failed)
        presenter.status.connect(self._show_status)
        presenter.busy_changed.connect(self._busy)

    # -- building ------------------------------------------------------------------------------

    def _build_pick(self) -> QWidget:
        page = QWidget(self)
        self.pick_page = page
        imports, home = self._presenter.folders
        self.explanation = QLabel(pick_explanation(imports, home), page)
        self.explanation.setObjectName("importExplanation")
        self.explanation.setProperty("hint", True)
        self.explanation.setWordWrap(True)
        self.files = QListWidget(page)
        name_widget(self.files, "csvFiles", "CSV files to import")
        self.files.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.files.setWordWrap(True)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_finger_scroll(self.files)
        self.files.itemClicked.connect(self._picked)
        self.no_files = QLabel(NO_FILES, page)
        self.no_files.setObjectName("noCsvFiles")
        self.no_files.setProperty("hint", True)
        self.no_files.hide()
        cancel = touch_button("← Products", "importCancelButton", "Back to the products", page)
        cancel.setProperty("role", "secondary")
        cancel.clicked.connect(self.closed)
        self.refresh_button = touch_button(
            "Look again", "csvRefreshButton", "List the files again", page
        )
        self.refresh_button.clicked.connect(self._presenter.list_files)
        top = QHBoxLayout()
        top.addWidget(cancel)
        top.addWidget(_heading(PICK_TITLE, page), 1)
        top.addWidget(self.refresh_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(top)
        column.addWidget(self.explanation)
        column.addWidget(self.no_files)
        column.addWidget(self.files, 1)
        return page

    def _build_preview(self) -> QWidget:
        page = QWidget(self)
        self.preview_page = page
        back = touch_button("← Files", "previewBackButton", "Pick another file", page)
        back.setProperty("role", "secondary")
        back.clicked.connect(self.show_files)
        self.preview_title = _heading("", page)
        self.preview_title.setObjectName("previewTitle")
        self.import_button = touch_button(
            "Import", "importButton", "Import every row", page, role="primary"
        )
        self.import_button.setMinimumWidth(150)
        self.import_button.clicked.connect(self._import)
        self.headline = QLabel(page)
        name_widget(self.headline, "previewHeadline", "What the import does")
        self.headline.setWordWrap(True)
        self.problems = self._build_problems(page)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.preview_title, 1)
        top.addWidget(self.import_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(top)
        column.addWidget(self.headline)
        column.addWidget(self.problems, 1)
        return page

    def _build_problems(self, page: QWidget) -> QTreeWidget:
        problems = QTreeWidget(page)
        name_widget(problems, "importProblems", "Rows with a problem")
        problems.setColumnCount(len(PROBLEM_COLUMNS))
        problems.setHeaderLabels(list(PROBLEM_COLUMNS))
        problems.setRootIsDecorated(False)
        problems.setWordWrap(True)
        problems.setUniformRowHeights(False)
        problems.setItemDelegate(WrappingDelegate(problems))
        problems.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        problems.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        problems.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = problems.header()
        name_widget(header, "importProblemsHeader", "Problem columns")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        enable_finger_scroll(problems)
        problems.installEventFilter(self)
        return problems

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.problems:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        fit_columns(
            self.problems,
            wrapping=(PROBLEM_COLUMN,),
            stretch=PROBLEM_COLUMN,
            scroll_bar_room=True,
        )

    # -- what it shows -------------------------------------------------------------------------

    @property
    def preview(self) -> ImportPreview | None:
        return self._preview

    def start(self) -> None:
        """The first step, the files listed afresh."""
        self.show_files()
        self._presenter.list_files()

    def show_files(self) -> None:
        self._preview = None
        self.banner.clear()
        self.steps.setCurrentWidget(self.pick_page)

    def _show_files(self, files: tuple[CsvFile, ...]) -> None:
        self.files.clear()
        height = 2 * self.files.fontMetrics().lineSpacing() + 16
        for file in files:
            item = QListWidgetItem(file_row(file), self.files)
            item.setData(Qt.ItemDataRole.UserRole, file.path)
            item.setSizeHint(
                QSize(self.files.viewport().width(), max(height, touch_target_px(self.files) + 8))
            )
        self.no_files.setVisible(not files)

    def _picked(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path is not None and not self._presenter.busy:
            self.banner.clear()
            self._presenter.preview(path)

    def _show_preview(self, preview: ImportPreview) -> None:
        self._preview = preview
        self.banner.clear()
        self.preview_title.setText(preview.path.name)
        self.headline.setText(preview_word(preview))
        self.headline.setProperty("problems", bool(preview.problems))
        self.headline.style().unpolish(self.headline)
        self.headline.style().polish(self.headline)
        self.problems.clear()
        for problem in preview.problems:
            QTreeWidgetItem(
                self.problems,
                [str(problem.line), FIELD_NAMES.get(problem.field, problem.field), problem.message],
            )
        self.problems.setVisible(bool(preview.problems))
        self.import_button.setEnabled(preview.can_import and not self._presenter.busy)
        self.steps.setCurrentWidget(self.preview_page)
        self._fit_columns()

    # -- the manager's actions and the answers ------------------------------------------------

    def _import(self) -> None:
        if self._preview is not None and self._preview.can_import:
            self._presenter.run_import(self._preview)

    def _imported(self, done: ImportDone, word: str) -> None:
        self._preview = None
        self.imported.emit(word)

    def _refused(self, reason: str) -> None:
        self.show_files()
        self.banner.show_message(f"This file cannot be imported. {reason}")

    def _failed(self, message: str) -> None:
        self.banner.show_message(message)

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        if text:
            self.banner.clear()

    def _busy(self, busy: bool) -> None:
        self.files.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy)
        preview = self._preview
        self.import_button.setEnabled(not busy and preview is not None and preview.can_import)
