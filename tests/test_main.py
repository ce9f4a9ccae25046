"""main.build(): the composition root, embedded and remote, and the saved register token."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QMainWindow, QPushButton, QWidget
from pytestqt.qtbot import QtBot

import main
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from ui.login_view import STARTING_TEXT
from ui.main_window import MainWindow, fit_to_screen

BuildFn = Callable[..., MainWindow]
STARTED_MS = 30_000


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path))
    # The demo store, as before the first start asked (tests/ui/test_first_start.py asks).
    monkeypatch.setenv("POS_DEMO", "1")
    monkeypatch.delenv("POS_SERVER_URL", raising=False)
    monkeypatch.delenv("POS_ENROLL_CODE", raising=False)
    return tmp_path


@pytest.fixture
def started_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EmbeddedServer]]:
    """Every EmbeddedServer build() starts, so tests can see them and nothing leaks."""
    started: list[EmbeddedServer] = []
    real_start = EmbeddedServer.start

    def start(self: EmbeddedServer) -> None:
        real_start(self)
        started.append(self)

    monkeypatch.setattr(EmbeddedServer, "start", start)
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def build(qtbot: QtBot, started_servers: list[EmbeddedServer]) -> Iterator[BuildFn]:
    windows: list[QMainWindow] = []

    def do(*, started: bool = True) -> MainWindow:
        """build(); with ``started``, once the register behind the window is connected."""
        window = main.build()
        qtbot.addWidget(window)
        windows.append(window)
        if started:
            qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
        return window

    yield do
    for window in windows:
        window.close()


def _token(data_dir: Path) -> str:
    return str(json.loads((data_dir / "register.json").read_text())["token"])


def _log_in(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    for digit in pin:
        key = window.login_view.pin_pad.findChild(QPushButton, f"keypadKey{digit}")
        qtbot.mouseClick(key, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        window.login_view.pin_pad.findChild(QPushButton, "keypadEnter"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: window.logged_in)


def test_build_returns_main_window_showing_login(
    qtbot: QtBot, data_dir: Path, build: BuildFn
) -> None:
    """Without POS_SERVER_URL, build() starts the embedded demo and shows the login screen."""
    window = build()
    window.show()
    qtbot.waitExposed(window)
    assert window.stack.currentWidget() is window.login_view
    assert window.login_view.demo_hint.isVisible()
    assert window.login_view.pin_pad.isEnabled()


def test_build_shows_login_screen_before_the_register_has_started(
    qtbot: QtBot, data_dir: Path, build: BuildFn
) -> None:
    """The login screen is there at once, its pad waiting and saying so; it opens once the
    register has connected."""
    window = build(started=False)
    window.show()
    assert not window.is_ready
    assert window.stack.currentWidget() is window.login_view
    assert window.login_view.busy_label.text() == STARTING_TEXT
    assert not window.login_view.pin_pad.isEnabled()
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    _log_in(qtbot, window, MANAGER_PIN)


def test_build_saves_register_token_owner_only(data_dir: Path, build: BuildFn) -> None:
    """The embedded register's token is saved in the data folder as register.json, mode 0600."""
    build()
    path = data_dir / "register.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert _token(data_dir)


def test_build_second_start_reuses_saved_token(
    qtbot: QtBot, data_dir: Path, build: BuildFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next start uses the saved token instead of enrolling again, and it still works."""
    build().close()
    first_token = _token(data_dir)
    enrolls: list[str] = []
    real_enroll = EmbeddedServer.enroll_local_register

    def enroll(self: EmbeddedServer, name: str) -> object:
        enrolls.append(name)
        return real_enroll(self, name)

    monkeypatch.setattr(EmbeddedServer, "enroll_local_register", enroll)
    window = build()
    _log_in(qtbot, window, MANAGER_PIN)
    assert enrolls == []
    assert _token(data_dir) == first_token


def test_build_enrolls_again_when_the_database_was_replaced(data_dir: Path, build: BuildFn) -> None:
    """A token from a deleted embedded database is not reused; a fresh one is saved."""
    build().close()
    first_token = _token(data_dir)
    for leftover in data_dir.glob("server.sqlite3*"):
        leftover.unlink()
    build()
    assert _token(data_dir) != first_token


def test_build_closing_window_stops_embedded_server(
    data_dir: Path, build: BuildFn, started_servers: list[EmbeddedServer]
) -> None:
    """Closing the window stops the embedded server it started."""
    window = build()
    base_url = started_servers[-1].base_url
    window.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base_url}/api/v1/health", timeout=2)


def test_build_remote_server_without_enroll_code_explains_what_to_do(
    qtbot: QtBot, data_dir: Path, build: BuildFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With POS_SERVER_URL but no token and no POS_ENROLL_CODE, the login screen says how to
    enroll, and its pad stays off."""
    monkeypatch.setenv("POS_SERVER_URL", "http://127.0.0.1:9")
    window = build(started=False)
    banner = window.login_view.banner
    qtbot.waitUntil(lambda: "POS_ENROLL_CODE" in banner.text(), timeout=STARTED_MS)
    assert not window.is_ready
    assert not window.login_view.pin_pad.isEnabled()


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """The collector paused as main() pauses it; afterwards, as before the test."""
    main.pause_collector()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@pytest.mark.usefixtures("collector_paused")
def test_main_collector_paused_for_the_start_runs_again_once_the_register_is_up(
    data_dir: Path, build: BuildFn
) -> None:
    """main() pauses the garbage collector while the register starts (it frees nothing then);
    the window getting its register turns it back on."""
    assert not gc.isenabled()
    build()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_paused")
def test_main_collector_runs_again_when_the_register_cannot_start(
    qtbot: QtBot, data_dir: Path, build: BuildFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start that ends in a message on screen turns the collector back on too."""
    monkeypatch.setenv("POS_SERVER_URL", "http://127.0.0.1:9")
    window = build(started=False)
    qtbot.waitUntil(
        lambda: "POS_ENROLL_CODE" in window.login_view.banner.text(), timeout=STARTED_MS
    )
    assert gc.isenabled()


def test_build_remote_server_enrolls_with_code_then_reuses_token(
    qtbot: QtBot, tmp_path: Path, data_dir: Path, build: BuildFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POS_SERVER_URL + POS_ENROLL_CODE enrolls once; the saved token serves the next start."""
    server = EmbeddedServer(f"sqlite:///{tmp_path / 'chain.sqlite3'}")
    server.start()
    try:
        with ServerClient(server.base_url, server.enroll_local_register("Office").token) as office:
            office.open_session(MANAGER_PIN)
            code = office.create_enroll_code().code
        monkeypatch.setenv("POS_SERVER_URL", server.base_url)
        monkeypatch.setenv("POS_ENROLL_CODE", code)
        first = build()
        first.show()
        qtbot.waitExposed(first)
        assert not first.login_view.demo_hint.isVisible()
        first.close()
        saved = json.loads((data_dir / "register.json").read_text())
        assert saved["server"] == server.base_url
        # The code works once: a second start succeeds only by reusing the token.
        _log_in(qtbot, build(), MANAGER_PIN)
    finally:
        server.stop()


def test_main_window_fits_a_1024_by_768_screen(qtbot: QtBot) -> None:
    """On a register's 1024x768 screen the window takes the screen, not 1280x800 off its edge;
    on a larger screen it keeps its size."""
    small, large = QWidget(), QWidget()
    for widget in (small, large):
        qtbot.addWidget(widget)
        widget.resize(1280, 800)

    fit_to_screen(small, QRect(0, 0, 1024, 768))
    fit_to_screen(large, QRect(0, 0, 1920, 1080))

    assert small.geometry() == QRect(0, 0, 1024, 768)
    assert large.size().toTuple() == (1280, 800)
