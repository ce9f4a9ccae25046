"""Equal tiles in as many columns as the width takes, then further rows.

A fixed number of columns either cuts its buttons' texts on a narrow screen or forces the
window wider than the screen; tiles as wide as the widest text, in as many columns as fit,
do neither. The layout reports its height for a width, so a scroll area around it (or a
column above it) gives it exactly the rows it needs.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class TileLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ---------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def minimumSize(self) -> QSize:
        """One column: a narrow screen gets more rows, never a wider window."""
        tile = self._tile()
        margins = self.contentsMargins()
        return QSize(
            tile.width() + margins.left() + margins.right(),
            tile.height() + margins.top() + margins.bottom(),
        )

    def sizeHint(self) -> QSize:
        """Every tile in one row."""
        shown = len(self._shown())
        tile = self._tile()
        margins = self.contentsMargins()
        width = shown * tile.width() + max(shown - 1, 0) * self.spacing()
        return QSize(
            width + margins.left() + margins.right(),
            tile.height() + margins.top() + margins.bottom(),
        )

    # -- placing ---------------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _tile(self) -> QSize:
        """As wide as the widest tile needs, as tall as the tallest wants."""
        shown = self._shown()
        if not shown:
            return QSize(0, 0)
        width = max(item.minimumSize().width() for item in shown)
        height = max(max(item.minimumSize().height(), item.sizeHint().height()) for item in shown)
        return QSize(width, height)

    def columns(self, width: int) -> int:
        """How many tiles fit side by side in ``width`` (the layout's, margins included)."""
        margins = self.contentsMargins()
        room = width - margins.left() - margins.right()
        tile = self._tile().width()
        spacing = self.spacing()
        return max(1, (room + spacing) // (tile + spacing)) if tile > 0 else 1

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lays the tiles out in ``rect`` (when ``move``); returns the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        shown = self._shown()
        if not shown:
            return margins.top() + margins.bottom()
        spacing = self.spacing()
        tile = self._tile()
        columns = self.columns(rect.width())
        cell = max(tile.width(), (area.width() - (columns - 1) * spacing) / columns)
        if move:
            for index, item in enumerate(shown):
                row, column = divmod(index, columns)
                left = area.x() + round(column * (cell + spacing))
                right = area.x() + round(column * (cell + spacing) + cell)
                top = area.y() + row * (tile.height() + spacing)
                item.setGeometry(QRect(QPoint(left, top), QSize(right - left, tile.height())))
        rows = math.ceil(len(shown) / columns)
        return rows * tile.height() + (rows - 1) * spacing + margins.top() + margins.bottom()
