"""What a screen at a given size must not do: clip a text, put a widget outside its window,
scroll sideways, offer a tap target under the touch size, or lay one button over another.

``layout_problems(window, size)`` looks at every visible widget of one top-level window (the
main window or a dialog, each checked on its own) as laid out now, and returns one line per
problem, empty when there is none; tests assert it is empty, so a failure lists them all.
Texts are measured in the font the theme gave each widget, as Qt draws them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QFont, QFontMetrics, Qt, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionViewItem,
    QTabBar,
    QTreeView,
    QWidget,
)

from ui.widgets.touch import touch_target_px

_WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft


def describe(widget: QWidget) -> str:
    """How a problem names a widget: its objectName, else its class, with its text if any."""
    name = widget.objectName() or type(widget).__name__
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.text() or widget.placeholderText()
    if text:
        short = text.replace("\n", " / ")
        name += f" {short[:40]!r}"
    return name


def layout_problems(window: QWidget, size: QSize | None = None) -> list[str]:
    """Everything wrong with ``window`` as laid out now; ``size``: the screen it must fit."""
    problems: list[str] = []
    if size is not None and (window.width() > size.width() or window.height() > size.height()):
        problems.append(
            f"{describe(window)} is {window.width()}x{window.height()}, "
            f"larger than the {size.width()}x{size.height()} screen"
        )
    target = touch_target_px(window)
    buttons: list[tuple[QAbstractButton, QRect]] = []
    for widget in _shown_widgets(window):
        problems += _placement(window, widget)
        if isinstance(widget, QLabel):
            problems += _label_clipped(widget)
        elif isinstance(widget, QAbstractButton):
            problems += _button_clipped(widget)
            problems += _too_small(widget, target)
            buttons.append((widget, _in_window(window, widget)))
        elif isinstance(widget, QLineEdit):
            problems += _field_text_clipped(widget)
            if not isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
                problems += _too_small(widget, target, width=False)
        elif isinstance(widget, QComboBox):
            problems += _combo_clipped(widget)
            problems += _too_small(widget, target, width=False)
        elif isinstance(widget, QTabBar):
            problems += _tabs_clipped(widget, target)
        elif isinstance(widget, QScrollBar) and widget.orientation() == Qt.Orientation.Horizontal:
            problems.append(f"{describe(widget.parentWidget() or widget)} scrolls sideways")
        elif isinstance(widget, QTreeView):
            problems += _columns_clipped(widget)
    problems += _overlaps(buttons)
    return problems


def _shown_widgets(window: QWidget) -> list[QWidget]:
    """Visible widgets drawn in ``window`` itself: a dialog parented to it is its own window."""
    return [
        widget
        for widget in window.findChildren(QWidget)
        if widget.isVisible() and widget.window() is window
    ]


def _in_window(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scrolled_content(widget: QWidget) -> bool:
    """A widget inside a scroll area's viewport: out of sight while scrolled, not clipped."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return True
        parent = area
    return False


def _placement(window: QWidget, widget: QWidget) -> list[str]:
    """Inside its window, and inside its parent (a layout squeezed past its minimum puts
    children over the edge); a scroll area's content may run past the bottom only."""
    problems = []
    if not _scrolled_content(widget) and not window.rect().contains(_in_window(window, widget)):
        problems.append(f"{describe(widget)} lies outside the window: {_in_window(window, widget)}")
    parent = widget.parentWidget()
    if parent is None or widget is window:
        return problems
    geometry = widget.geometry()
    area = parent.parentWidget()
    if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
        if geometry.left() < 0 or geometry.right() > parent.width() - 1:
            problems.append(
                f"{describe(widget)} is wider than the view showing it "
                f"({geometry.width()} px in {parent.width()} px)"
            )
    elif not parent.rect().contains(geometry):
        problems.append(f"{describe(widget)} runs out of {describe(parent)}: {geometry}")
    return problems


def _plain_lines(text: str) -> list[str]:
    # Item views hand their text over with Unicode line separators for its newlines.
    return text.replace("\u2028", "\n").split("\n")


def _label_clipped(label: QLabel) -> list[str]:
    text = label.text()
    if not text:
        return []
    metrics = label.fontMetrics()
    room = label.contentsRect()
    margin = label.margin()
    room.adjust(margin, margin, -margin, -margin)
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    ):
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        plain = document.toPlainText()
    else:
        plain = text
    if label.wordWrap():
        widest_word = max(
            (metrics.horizontalAdvance(word) for word in re.split(r"\s+", plain) if word),
            default=0,
        )
        if widest_word > room.width():
            return [f"{describe(label)}: a word of it is wider than the label ({room.width()} px)"]
        needed = label.heightForWidth(label.width())
        if needed > label.height():
            return [
                f"{describe(label)}: wrapped it needs {needed} px of height, "
                f"has {label.height()} px"
            ]
        return []
    width = max(metrics.horizontalAdvance(line) for line in _plain_lines(plain))
    height = len(_plain_lines(plain)) * metrics.height()
    if width > room.width():
        return [f"{describe(label)}: needs {width} px of width, has {room.width()} px"]
    if height > room.height():
        return [f"{describe(label)}: needs {height} px of height, has {room.height()} px"]
    return []


def _button_clipped(button: QAbstractButton) -> list[str]:
    text = button.text()
    if not text:
        return []
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    metrics = QFontMetrics(button.font())
    lines = _plain_lines(text.replace("&&", "&"))
    width = max(metrics.horizontalAdvance(line) for line in lines)
    # Lines are drawn at the font's line spacing; the last needs only its ascent and descent.
    height = (len(lines) - 1) * metrics.lineSpacing() + metrics.height()
    if width > room.width():
        return [f"{describe(button)}: needs {width} px of width, has {room.width()} px"]
    if height > button.height():
        return [f"{describe(button)}: needs {height} px of height, has {button.height()} px"]
    return []


def _field_text_clipped(field: QLineEdit) -> list[str]:
    """The hint of an empty field reads whole, and so does a setting shown in one (a field
    being typed in scrolls its text, and so may a read-only field of raw data)."""
    text = field.text() or field.placeholderText()
    if not text or (field.text() and (field.hasFocus() or field.isReadOnly())):
        return []
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    room = room.marginsRemoved(field.textMargins())
    # QLineEdit keeps 2 px of its own on each side of the text.
    width = field.fontMetrics().horizontalAdvance(text) + 4
    if width > room.width():
        return [f"{describe(field)}: its text needs {width} px, has {room.width()} px"]
    return []


def _combo_clipped(combo: QComboBox) -> list[str]:
    text = combo.currentText()
    if not text or combo.isEditable():
        return []  # an editable combo's text is its line edit's
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    width = combo.fontMetrics().horizontalAdvance(text)
    if width > room.width():
        return [f"{describe(combo)} {text!r}: needs {width} px, has {room.width()} px"]
    return []


def _tabs_clipped(bar: QTabBar, target: int) -> list[str]:
    problems = []
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        rect = bar.tabRect(index)
        if rect.width() < bar.tabSizeHint(index).width():
            problems.append(f"tab {bar.tabText(index)!r} is cut: {rect.width()} px")
        if rect.height() < target:
            problems.append(f"tab {bar.tabText(index)!r} is {rect.height()} px tall")
        if not bar.rect().contains(rect):
            problems.append(f"tab {bar.tabText(index)!r} lies outside the tab bar")
    return problems


def _columns_clipped(view: QTreeView) -> list[str]:
    """The columns fit the view, and every cell's text fits its cell as Qt draws it: within
    the item's padding and text margins, wrapped where the view wraps, never elided."""
    problems = []
    header = view.header()
    if header.length() > view.viewport().width():
        problems.append(
            f"{describe(view)}: columns need {header.length()} px, "
            f"the view has {view.viewport().width()} px"
        )
    model = view.model()
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if view.isColumnHidden(column) or rect.isEmpty():
                continue
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            option.rect = rect
            delegate = view.itemDelegateForIndex(index)
            if isinstance(delegate, QStyledItemDelegate):
                delegate.initStyleOption(option, index)
            text = option.text
            if not text:
                continue
            room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
            width = room.width() - 2 * margin
            needed = _text_size(option.font, text, width, wrap=view.wordWrap())
            if needed.width() > width or needed.height() > room.height():
                problems.append(
                    f"{describe(view)} row {row} column {column} {text!r}: needs "
                    f"{needed.width()}x{needed.height()} px, has {width}x{room.height()} px"
                )
    return problems


def _text_size(font: QFont, text: str, width: int, *, wrap: bool) -> QSize:
    """The room ``text`` takes in ``font``: on one line a line, or wrapped at ``width``
    between words (a word wider than ``width`` makes the text that wide)."""
    metrics = QFontMetrics(font)
    if not wrap:
        lines = _plain_lines(text)
        return QSize(
            max(metrics.horizontalAdvance(line) for line in lines),
            len(lines) * metrics.lineSpacing(),
        )
    widest_word = max(
        (metrics.horizontalAdvance(word) for word in re.split(r"\s+", text) if word), default=0
    )
    bounds = metrics.boundingRect(QRect(0, 0, max(width, widest_word), 100_000), _WRAP, text)
    return QSize(widest_word, bounds.height())


def _too_small(widget: QWidget, target: int, *, width: bool = True) -> list[str]:
    if widget.height() < target or (width and widget.width() < target):
        return [f"{describe(widget)} is {widget.width()}x{widget.height()}, under {target} px"]
    return []


def _overlaps(buttons: list[tuple[QAbstractButton, QRect]]) -> list[str]:
    """Buttons laid out side by side (one parent) overlap when their layout had too little
    room; a message laid over a screen on purpose (a banner's ✕) has a parent of its own."""
    problems = []
    for index, (first, rect) in enumerate(buttons):
        for second, other in buttons[index + 1 :]:
            if first.parentWidget() is second.parentWidget() and rect.intersects(other):
                problems.append(f"{describe(first)} overlaps {describe(second)}")
    return problems
