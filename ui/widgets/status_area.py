"""Device messages (scanner away, receipts waiting, a short answer) in the header.

A register's screen is exactly as tall as the work area needs: a status bar below it would
push the Pay and Void buttons off an 800-px screen, so these lines share the header instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class StatusArea(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusArea")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.message = QLabel(self)
        self.add_status(self.message, "transientStatus", "Register message")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.message.hide)

    def add_status(self, label: QLabel, object_name: str, accessible_name: str) -> None:
        """A line that its owner shows while there is something to say, hidden otherwise."""
        label.setParent(self)
        label.setObjectName(object_name)
        label.setAccessibleName(accessible_name)
        label.setProperty("headerStatus", True)
        label.setWordWrap(True)
        label.hide()
        self._layout.addWidget(label)

    def show_message(self, text: str, milliseconds: int) -> None:
        self.message.setText(text)
        self.message.show()
        self._timer.start(milliseconds)
