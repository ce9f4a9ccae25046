"""The input a gift card number is scanned or typed into (shown in full only while typed)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ui.widgets.touch import make_touchable, name_widget

# 16 digits plus the spaces or dashes printed cards group them with.
MAX_CARD_NUMBER_LENGTH = 23


def card_number_input(parent: QWidget, object_name: str) -> QLineEdit:
    field = QLineEdit(parent)
    name_widget(field, object_name, "Gift card number")
    field.setPlaceholderText("Card number")
    field.setMaxLength(MAX_CARD_NUMBER_LENGTH)
    make_touchable(field, 1.25)
    return field
