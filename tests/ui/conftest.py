"""Screens against the real embedded server (uvicorn on loopback, SQLite in tmp), offscreen."""

from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import DEMO_CARDS, DemoCard
from pos_desktop.services.register_services import RegisterServices
from pos_desktop.sync.client import ServerClient
from tests.ui.support import MakeWindow, button
from ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[MakeWindow]:
    made: list[MainWindow] = []

    def make(
        client: ServerClient, *, demo: bool = True, idle_lock_seconds: float = 300
    ) -> MainWindow:
        window = MainWindow(
            RegisterServices.over(client), demo=demo, idle_lock_seconds=idle_lock_seconds
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    # Close before the client closes, so no request of the window outlives it.
    for window in made:
        window.close()


@pytest.fixture
def window(make_window: MakeWindow, register_client: ServerClient) -> MainWindow:
    return make_window(register_client)


@pytest.fixture
def active_card() -> DemoCard:
    return next(card for card in DEMO_CARDS if card.state == "active")


@pytest.fixture
def tap() -> Callable[[QtBot, QWidget, str], None]:
    """Tap the button with this objectName inside a widget, as a finger would."""

    def do(qtbot: QtBot, parent: QWidget, name: str) -> None:
        qtbot.mouseClick(button(parent, name), Qt.MouseButton.LeftButton)

    return do


@pytest.fixture
def tap_pin(qtbot: QtBot) -> Callable[..., None]:
    def do(window: MainWindow, pin: str, *, submit: bool = True) -> None:
        pad = window.login_view.pin_pad
        for digit in pin:
            qtbot.mouseClick(button(pad, f"keypadKey{digit}"), Qt.MouseButton.LeftButton)
        if submit:
            qtbot.mouseClick(button(pad, "keypadEnter"), Qt.MouseButton.LeftButton)

    return do


@pytest.fixture
def log_in(qtbot: QtBot, tap_pin: Callable[..., None]) -> Callable[..., None]:
    def do(window: MainWindow, pin: str = "1111") -> None:
        tap_pin(window, pin)
        qtbot.waitUntil(lambda: window.logged_in, timeout=10_000)

    return do
