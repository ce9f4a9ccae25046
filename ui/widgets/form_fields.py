"""Form parts the set-up screens share: a field's message line, and a list to pick from that
also takes a value typed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ui.widgets.touch import enable_finger_scroll, make_touchable, name_widget, touch_target_px

COMBO_FRAME_PX = 2  # the style's frame around a typed combo's field
ARROW_PATH = Path(__file__).resolve().parents[2] / "resources" / "combo-arrow.svg"


def message_label(name: str, parent: QWidget) -> QLabel:
    """A field's message line, its room kept when empty so the form does not jump."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setProperty("fieldMessage", True)
    label.setWordWrap(True)
    label.setMinimumHeight(label.fontMetrics().height())
    return label


def typed_combo(name: str, accessible: str, items: list[str], parent: QWidget) -> QComboBox:
    """A list to pick from that takes another value typed, every part a finger's size."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(items)
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
    line_edit = combo.lineEdit()
    if line_edit is not None:
        name_widget(line_edit, f"{name}Text", f"{accessible}, typed")
        make_touchable(line_edit)
    return combo
