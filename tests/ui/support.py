"""Helpers the UI tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QWidget

from pos_desktop.server.config import ServerConfig
from pos_desktop.server.embedded import EmbeddedServer
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def start_server(path: Path, config: ServerConfig | None = None) -> EmbeddedServer:
    server = EmbeddedServer(f"sqlite:///{path}", config=config)
    server.start()
    return server


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r}"
    return found
