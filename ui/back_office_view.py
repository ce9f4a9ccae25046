"""The manager's Back Office tab: a list of its pages on the left, the page picked on the right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.banner import lay_over_top
from ui.widgets.touch import name_widget, touch_target_px

NAV_WIDTH_PX = 160


class BackOfficeView(QWidget):
    """``fill(view)`` adds the pages (``add_page``) and the alert (``add_alert``) when the tab
    is first needed, not when the register starts: most registers' cashiers never open it,
    and building its pages would hold up the PIN pad."""

    # The tab came into view (True) or went out of it (False): e.g. poll the alerts meanwhile.
    visibility_changed = Signal(bool)

    def __init__(
        self,
        fill: Callable[[BackOfficeView], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._fill = fill
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
        # The pages' area: an alert lies over its top (see add_alert).
        self._area = QWidget(self)
        self._area.setObjectName("backOfficeArea")
        column = QVBoxLayout(self._area)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pages)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self._area, 1)

    def add_alert(self, alert: QWidget, on_reset: Callable[[], None]) -> None:
        """``alert`` shows over the top of every page while it has something to say (a
        page at 1024x768 has no room to spare for it; its ✕ puts it away); ``on_reset``
        when the manager leaves."""
        alert.setParent(self._area)
        lay_over_top(alert, self._area)
        self._on_reset.append(on_reset)

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

    def filled(self) -> bool:
        """Whether the pages are built (see ``fill``)."""
        return self._fill is None

    def _ensure_filled(self) -> None:
        fill, self._fill = self._fill, None
        if fill is not None:
            # The pages go in quietly: whoever needed them loads the one on show.
            self.nav.blockSignals(True)
            try:
                fill(self)
            finally:
                self.nav.blockSignals(False)
            self.pages.setCurrentIndex(self.nav.currentRow())

    def page_titles(self) -> list[str]:
        self._ensure_filled()
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
        if not self.filled():
            return False
        accept = getattr(self.pages.currentWidget(), "accept_scan", None)
        return bool(accept(code)) if callable(accept) else False

    def reset(self) -> None:
        """The manager leaves: nothing of theirs stays (pages never built hold nothing)."""
        for on_reset in self._on_reset:
            on_reset()
        self.nav.setCurrentRow(0)

    def showEvent(self, event: QShowEvent) -> None:
        self._ensure_filled()
        super().showEvent(event)
        self.visibility_changed.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.visibility_changed.emit(False)

    def _pick(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        if self.isVisible():
            self.show_current()

    def _row_size(self) -> QSize:
        return QSize(NAV_WIDTH_PX, touch_target_px(self.nav) + 8)
