"""Helpers the UI tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
W = TypeVar("W", bound=QWidget)


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r}"
    return found


def named_button(parent: QWidget, object_name: str, accessible_name: str) -> QPushButton:
    """One of several buttons sharing an objectName (product buttons, line buttons), by the
    name a screen reader announces."""
    for found in parent.findChildren(QPushButton, object_name):
        if found.accessibleName() == accessible_name and found.isVisible():
            return found
    raise AssertionError(f"no visible {object_name!r} button named {accessible_name!r}")


def child(parent: QWidget, kind: type[W], name: str) -> W:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} {name!r}"
    return found


def tap_named(qtbot: QtBot, parent: QWidget, object_name: str, accessible_name: str) -> None:
    """Tap a shared-name button once it is shown: a row added to a visible screen is shown by
    Qt on the next pass of the event loop, not at once."""

    def shown() -> bool:
        try:
            named_button(parent, object_name, accessible_name)
        except AssertionError:
            return False
        return True

    qtbot.waitUntil(shown)
    qtbot.mouseClick(named_button(parent, object_name, accessible_name), Qt.MouseButton.LeftButton)
