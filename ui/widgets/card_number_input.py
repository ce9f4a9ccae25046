"""The input a gift card number is scanned or typed into (shown in full only while typed).

The number shows grouped in fours as printed on the card, "6034 9312 0000 0001", however it
arrives: a keypad's digits, a keyboard, a scanner's ``setText``. A validator does the grouping,
since Qt runs every change of a line edit's text through it (``setText`` included) and lets it
rewrite the text and place the cursor. The services strip the spaces again
(``pos_desktop.domain.card_number.normalize_card_number``), so they get the digits unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.widgets.touch import make_touchable, name_widget

# 19 digits (the longest payment card number) in groups of four, and the spaces between.
MAX_CARD_NUMBER_LENGTH = 23
GROUP = 4
# What people and printed cards put between groups; the domain strips the same.
SEPARATORS = frozenset(" -\t")


def grouped(text: str, cursor: int) -> tuple[str, int]:
    """``text`` with its separators replaced by one space every four characters, and where
    ``cursor`` goes in it: after as many characters as were before it."""
    before = sum(1 for char in text[:cursor] if char not in SEPARATORS)
    kept = "".join(char for char in text if char not in SEPARATORS)
    shown = " ".join(kept[start : start + GROUP] for start in range(0, len(kept), GROUP))
    # After the n-th character: one space for every full group before it.
    return shown, before + max(before - 1, 0) // GROUP


class _Grouping(QValidator):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        shown, cursor = grouped(text, pos)
        return QValidator.State.Acceptable, shown, cursor


class CardNumberInput(QLineEdit):
    """Deleting next to a group's space deletes the digit beyond it: the space is only shown,
    and taking it away alone would bring it straight back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(_Grouping(self))

    def backspace(self) -> None:
        if not self.hasSelectedText() and self.text()[: self.cursorPosition()].endswith(" "):
            self.cursorBackward(False)
        super().backspace()

    def del_(self) -> None:
        if not self.hasSelectedText() and self.text()[self.cursorPosition() :].startswith(" "):
            self.cursorForward(False)
        super().del_()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if event.key() == Qt.Key.Key_Backspace:
                self.backspace()
                return
            if event.key() == Qt.Key.Key_Delete:
                self.del_()
                return
        super().keyPressEvent(event)


def card_number_input(parent: QWidget, object_name: str) -> CardNumberInput:
    field = CardNumberInput(parent)
    name_widget(field, object_name, "Gift card number")
    field.setPlaceholderText("Card number")
    field.setMaxLength(MAX_CARD_NUMBER_LENGTH)
    # Digits only, as an input method reads it: the keypad beside every card number input is
    # its on-screen keyboard (ui.widgets.onscreen_keyboard leaves such fields to their keypad).
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    make_touchable(field, 1.25)
    return field
