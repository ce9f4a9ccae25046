"""Form parts the set-up and Back Office screens share: a field's message line, lists to pick
from (one that also takes a value typed), and a toggle that keeps room for its checked look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_target_px

COMBO_FRAME_PX = 2  # the style's frame around a typed combo's field
TOGGLE_PADDING_PX = 2 * 18 + 2 * 2 + 4  # the theme's button padding and border, and a little
ARROW_PATH = Path(__file__).resolve().parents[2] / "resources" / "combo-arrow.svg"


def caption(text: str, parent: QWidget, *, wrap: bool = True) -> QLabel:
    """A field's or a section's name, in the theme's caption look."""
    label = QLabel(text, parent)
    label.setProperty("caption", True)
    label.setWordWrap(wrap)
    return label


def details_stack(owner: QWidget, object_name: str, hint: str) -> tuple[QStackedWidget, QLabel]:
    """The right side of a list page: a stack of the picked item's pages, opening on ``hint``
    (what to tap) in its middle until something is picked."""
    stack = QStackedWidget(owner)
    stack.setObjectName(object_name)
    hint_page = caption(hint, owner)
    hint_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    stack.addWidget(hint_page)
    return stack, hint_page


def message_label(name: str, parent: QWidget) -> QLabel:
    """A field's message line, its room kept when empty so the form does not jump."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setProperty("fieldMessage", True)
    label.setWordWrap(True)
    label.setMinimumHeight(label.fontMetrics().height())
    return label


class TouchRows(QStyledItemDelegate):
    """Rows of a list at least a touch target tall, so a finger picks the row it means."""

    def __init__(self, row_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row_height = row_height

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), self._row_height))


def _touch_combo(combo: QComboBox, name: str, accessible: str) -> int:
    name_widget(combo, name, accessible)
    target = touch_target_px(combo)
    combo.setMinimumHeight(target + 2 * COMBO_FRAME_PX)
    # The arrow that opens the list is a target too: Qt sizes it only on a combo it styles
    # whole, which then needs its own arrow.
    combo.setStyleSheet(
        "QComboBox { border: 2px solid #8a94a1; border-radius: 10px; background: #ffffff;"
        " padding-left: 4px; }"
        f" QComboBox::drop-down {{ width: {target}px; border-left: 1px solid #8a94a1; }}"
        f" QComboBox::down-arrow {{ image: url({ARROW_PATH.as_posix()}); }}"
    )
    view = combo.view()
    name_widget(view, f"{name}List", f"{accessible}: choices")
    enable_finger_scroll(view)
    return target


def pick_combo(name: str, accessible: str, parent: QWidget) -> QComboBox:
    """A list to pick one of (a category), every part a finger's size, its rows too; each
    item's data is the value picked."""
    combo = QComboBox(parent)
    target = _touch_combo(combo, name, accessible)
    combo.setItemDelegate(TouchRows(target, combo))
    combo.setMaxVisibleItems(8)
    return combo


def typed_combo(name: str, accessible: str, items: Sequence[str], parent: QWidget) -> QComboBox:
    """A list to pick from that takes another value typed, every part a finger's size."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(items))
    _touch_combo(combo, name, accessible)
    line_edit = combo.lineEdit()
    if line_edit is not None:
        name_widget(line_edit, f"{name}Text", f"{accessible}, typed")
        make_touchable(line_edit)
    return combo


class _BoldRoom(QObject):
    """Keeps a toggle wide enough for its text in bold (the theme's checked look), measured
    once the theme has given it its font: checking it then cuts nothing."""

    def __init__(self, button: QAbstractButton) -> None:
        super().__init__(button)
        self._button = button
        button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._button and event.type() in (
            QEvent.Type.Polish,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            font = QFont(self._button.font())
            font.setBold(True)
            width = QFontMetrics(font).horizontalAdvance(self._button.text())
            self._button.setMinimumWidth(width + TOGGLE_PADDING_PX)
        return False


def keep_bold_room(button: QAbstractButton) -> None:
    """``button``, a toggle the theme shows bold when checked, never cuts its text then."""
    _BoldRoom(button)
