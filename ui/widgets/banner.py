"""A message strip above a form: errors in red, notices in blue; hidden when empty.

A dismissible banner has a ✕ the cashier taps to put the message away.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui.widgets.touch import name_widget, touch_button

BannerKind = Literal["error", "info"]


class Banner(QFrame):
    def __init__(
        self,
        object_name: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        dismissible: bool = False,
    ) -> None:
        super().__init__(parent)
        name_widget(self, object_name, accessible_name)
        self.setProperty("banner", True)
        self._label = QLabel(self)
        self._label.setObjectName(f"{object_name}Text")
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(self._label, 1)
        if dismissible:
            close = touch_button("✕", f"{object_name}Dismiss", "Dismiss message", self)
            close.setProperty("role", "secondary")
            close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            close.clicked.connect(self.clear)
            layout.setContentsMargins(18, 6, 6, 6)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def kind(self) -> str:
        return str(self.property("kind") or "")

    def show_message(self, text: str, kind: BannerKind = "error") -> None:
        self._label.setText(text)
        self.setAccessibleDescription(text)
        # The label carries the kind too: Qt re-evaluates a descendant selector only for the
        # widget that is re-polished, so "[kind] QLabel" would keep the previous colour.
        for widget in (self, self._label):
            widget.setProperty("kind", kind)
            # A dynamic property only restyles after the style is re-polished.
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.show()

    def clear(self) -> None:
        self._label.clear()
        self.setAccessibleDescription("")
        self.hide()
