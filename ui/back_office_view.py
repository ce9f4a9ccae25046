"""The manager's Back Office tab: a list of its pages on the left, the page picked on the right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from ui.widgets.touch import name_widget, touch_target_px

NAV_WIDTH_PX = 160


class BackOfficeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "backOfficeView", "Back Office")
        self.nav = QListWidget(self)
        name_widget(self.nav, "backOfficeNav", "Back Office pages")
        self.nav.setFixedWidth(NAV_WIDTH_PX)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("backOfficePages")
        self._on_shown: list[Callable[[], None] | None] = []
        self._on_reset: list[Callable[[], None]] = []
        self.nav.currentRowChanged.connect(self._pick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)

    def add_page(
        self,
        title: str,
        widget: QWidget,
        on_shown: Callable[[], None] | None = None,
        on_reset: Callable[[], None] | None = None,
    ) -> None:
        """``on_shown`` runs each time the page comes into view (e.g. to load what it lists);
        ``on_reset`` when the manager leaves (the register locks): nothing of theirs stays."""
        item = QListWidgetItem(title, self.nav)
        item.setSizeHint(self._row_size())
        self.pages.addWidget(widget)
        self._on_shown.append(on_shown)
        if on_reset is not None:
            self._on_reset.append(on_reset)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def page_titles(self) -> list[str]:
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    def show_page(self, title: str) -> None:
        self.nav.setCurrentRow(self.page_titles().index(title))

    def show_current(self) -> None:
        """The tab came into view: the page on show loads afresh."""
        on_shown = self._on_shown[self.pages.currentIndex()] if self._on_shown else None
        if on_shown is not None:
            on_shown()

    def accept_scan(self, code: str) -> bool:
        """A scan while the tab shows: the page on show takes it if it has a use for one
        (``accept_scan(code) -> bool``, as the Products page has); True when it did."""
        accept = getattr(self.pages.currentWidget(), "accept_scan", None)
        return bool(accept(code)) if callable(accept) else False

    def reset(self) -> None:
        for on_reset in self._on_reset:
            on_reset()
        self.nav.setCurrentRow(0)

    def _pick(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        if self.isVisible():
            self.show_current()

    def _row_size(self) -> QSize:
        return QSize(NAV_WIDTH_PX, touch_target_px(self.nav) + 8)
