"""Columns of a list that fit its width: no sideways scrolling and no cut ("Front co…") cell.

Each column is as wide as its longest line when they all fit; when they do not, the columns
that may wrap give way, down to their longest word, and their cells take more lines. Left
over room goes to one column.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView

# Wide enough that the style's padding, not the room, decides the text's rectangle.
_PROBE_PX = 1000
_WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped cells: Qt measures a wrapped cell without the theme's
    item padding, so a text that wraps when drawn would get a row one line short."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        view = option.widget
        if not isinstance(view, QTreeView) or not view.wordWrap():
            return hint
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        if not cell.text:
            return hint
        cell.rect = QRect(0, 0, view.columnWidth(index.column()), _PROBE_PX)
        style = view.style()
        room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        width = max(room.width() - 2 * margin, 1)
        text = QFontMetrics(cell.font).boundingRect(QRect(0, 0, width, _PROBE_PX), _WRAP, cell.text)
        return QSize(hint.width(), max(hint.height(), text.height() + _PROBE_PX - room.height()))


def fit_columns(
    view: QTreeView, *, wrapping: Collection[int], stretch: int, scroll_bar_room: bool = False
) -> None:
    """Size ``view``'s columns to its width; ``wrapping``: the columns whose cells may take
    more lines (the view wraps words, rows as tall as ``WrappingDelegate`` says);
    ``stretch``: the column that takes the room left; ``scroll_bar_room``: keep the vertical
    scroll bar's room whether it shows or not (rows that wrap change the list's height, so
    widths that changed with the bar would bring it back and forth)."""
    header = view.header()
    metrics = view.fontMetrics()
    overhead = _cell_overhead(view)
    room = view.viewport().width()
    if scroll_bar_room:
        bar = view.verticalScrollBar()
        room = view.width() - 2 * view.frameWidth() - bar.sizeHint().width()
    needed: list[int] = []
    least: list[int] = []
    for column in range(header.count()):
        texts = _column_texts(view, column)
        lines = [line for text in texts for line in text.split("\n")]
        words = [word for text in texts for word in text.split()]
        label = header.sectionSizeHint(column)
        longest = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        needed.append(max(label, longest + overhead))
        least.append(max(label, widest + overhead) if column in wrapping else needed[-1])
    widths = _share(needed, least, room, stretch)
    for column, width in enumerate(widths):
        if header.sectionSize(column) != width:
            header.resizeSection(column, width)
    view.doItemsLayout()  # wrapped rows take their new heights


def _share(needed: list[int], least: list[int], room: int, stretch: int) -> list[int]:
    excess = sum(needed) - room
    widths = list(needed)
    if excess <= 0:
        widths[stretch] -= excess
        return widths
    slack = [want - floor for want, floor in zip(needed, least, strict=True)]
    total = sum(slack)
    if total <= excess:
        return list(least)  # too narrow even wrapped: the view's own minimum keeps this rare
    given = 0
    for column, spare in enumerate(slack):
        cut = -(-excess * spare // total)  # rounded up: the columns never pass the room
        cut = min(cut, spare, excess - given)
        widths[column] -= cut
        given += cut
    return widths


def _column_texts(view: QTreeView, column: int) -> list[str]:
    model = view.model()
    texts = []
    for row in range(model.rowCount()):
        text = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
        if text:
            texts.append(str(text))
    return texts


def _cell_overhead(view: QTreeView) -> int:
    """What a cell adds to its text's width: the theme's item padding, Qt's text margins."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = QRect(0, 0, _PROBE_PX, _PROBE_PX)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    style = view.style()
    text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return _PROBE_PX - text.width() + 2 * margin + 1
