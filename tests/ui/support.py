"""Helpers the UI tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r}"
    return found
