"""The Qt binding keeps Python's None alive: a register calls void Qt methods (setText,
setEnabled…) millions of times a day, and a binding that drops a reference to None on each
crashes the register ("deallocating None") within hours."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 1000


def test_qt_void_calls_keep_none_alive(qtbot: QtBot) -> None:
    """A thousand setText and setEnabled calls leave None's reference count where it was."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
        label.setEnabled(True)
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, f"{lost} references to None lost in {2 * CALLS} Qt calls"
