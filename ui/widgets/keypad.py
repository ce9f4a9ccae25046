"""A big numeric touch keypad: digits, Clear, Backspace and Enter.

Its keys never take keyboard focus, so tapping a key leaves the caret (and a barcode scanner
acting as a keyboard) in whatever input the keypad serves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from ui.widgets.touch import make_touchable, name_widget, touch_target_px

_DIGIT_ROWS = ("123", "456", "789")
BACKSPACE_GLYPH = "⌫"


class Keypad(QWidget):
    digit_pressed = Signal(str)
    clear_pressed = Signal()
    backspace_pressed = Signal()
    enter_pressed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        enter_label: str = "Enter",
        enter_accessible_name: str = "Enter",
        key_scale: float = 1.5,
        with_enter: bool = True,
        spacing: int = 10,
    ) -> None:
        """``with_enter=False`` leaves Enter out where the screen has its own action buttons;
        ``key_scale``: the keys' least height, in touch targets (they grow with the room)."""
        super().__init__(parent)
        name_widget(self, "keypad", "Keypad")
        self._key_scale = key_scale
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(spacing)
        for row, digits in enumerate(_DIGIT_ROWS):
            for column, digit in enumerate(digits):
                grid.addWidget(self._digit_key(digit), row, column)
        clear = self._key("Clear", "keypadClear", "Clear")
        clear.setProperty("role", "secondary")
        clear.clicked.connect(self.clear_pressed)
        backspace = self._key(BACKSPACE_GLYPH, "keypadBackspace", "Delete last digit")
        backspace.setProperty("role", "secondary")
        backspace.setAutoRepeat(True)
        backspace.clicked.connect(self.backspace_pressed)
        grid.addWidget(clear, 3, 0)
        grid.addWidget(self._digit_key("0"), 3, 1)
        grid.addWidget(backspace, 3, 2)
        enter = self._key(enter_label, "keypadEnter", enter_accessible_name)
        enter.setProperty("role", "primary")
        enter.clicked.connect(self.enter_pressed)
        if with_enter:
            grid.addWidget(enter, 4, 0, 1, 3)
        else:
            enter.hide()
        self.enter_key = enter
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self._grid = grid

    def showEvent(self, event: QShowEvent) -> None:
        # Equal columns however narrow: each as wide as the widest key ("Clear") needs once
        # the theme has set the keys' fonts, and never under a touch target.
        keys = [key for key in self.findChildren(QPushButton) if key is not self.enter_key]
        widest = max(touch_target_px(self), *(key.minimumSizeHint().width() for key in keys))
        for column in range(3):
            self._grid.setColumnMinimumWidth(column, widest)
        super().showEvent(event)

    def _digit_key(self, digit: str) -> QPushButton:
        key = self._key(digit, f"keypadKey{digit}", digit)
        key.clicked.connect(lambda: self.digit_pressed.emit(digit))
        return key

    def _key(self, text: str, object_name: str, accessible_name: str) -> QPushButton:
        key = QPushButton(text, self)
        name_widget(key, object_name, accessible_name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setProperty("keypadKey", True)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        make_touchable(key, self._key_scale)
        # A digit's own width is under a target; no key gets narrower than its column, which
        # is as wide as the widest key's text (see showEvent).
        key.setMinimumWidth(touch_target_px(key))
        return key
