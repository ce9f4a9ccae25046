"""Login screen: PIN pad, server answers, demo hint, server down."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from pos_desktop.server.config import ServerConfig
from pos_desktop.services.session import NO_VERIFIERS
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import MakeWindow
from ui.main_window import MainWindow
from ui.widgets.pin_pad import FILLED_DOT


def test_login_tapping_cashier_pin_shows_tab_frame_with_name(
    qtbot: QtBot, window: MainWindow, tap_pin: Callable[..., None]
) -> None:
    """Tapping 1 1 1 1 and Log in on the pin pad opens the tabs with the cashier's name."""
    tap_pin(window, "1111")
    qtbot.waitUntil(lambda: window.logged_in)
    assert window.tab_frame.employee_label.text() == "Casey Cashier · Cashier"


def test_login_keyboard_digits_and_enter_log_in(qtbot: QtBot, window: MainWindow) -> None:
    """A physical keyboard's digits and Enter work on the pin pad too."""
    pad = window.login_view.pin_pad
    qtbot.keyClicks(pad, "9999")
    qtbot.keyClick(pad, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.logged_in)
    assert window.tab_frame.employee_label.text() == "Morgan Manager · Manager"


def test_login_pin_pad_shows_dots_never_digits(
    window: MainWindow, tap_pin: Callable[..., None]
) -> None:
    """Typed PIN digits appear as dots only."""
    tap_pin(window, "1234", submit=False)
    dots = window.login_view.pin_pad.dots_text()
    assert dots.count(FILLED_DOT) == 4
    assert not any(ch.isdigit() for ch in dots)


def test_login_wrong_pin_shows_server_message_in_error_banner(
    qtbot: QtBot, window: MainWindow, tap_pin: Callable[..., None]
) -> None:
    """A wrong PIN keeps the login screen and shows the server's message in errorBanner."""
    tap_pin(window, "4321")
    banner = window.login_view.banner
    qtbot.waitUntil(banner.isVisible)
    assert banner.objectName() == "errorBanner"
    assert banner.text() == "Wrong PIN. Try again."
    assert not window.logged_in
    assert window.login_view.pin_pad.digit_count == 0


def test_login_short_pin_is_refused_without_asking_the_server(
    window: MainWindow, tap_pin: Callable[..., None]
) -> None:
    """A PIN shorter than the policy allows is refused at once, no request made."""
    tap_pin(window, "12")
    assert window.login_view.banner.text() == "A PIN has 4 to 8 digits."
    assert not window.session.busy


def test_login_too_many_wrong_pins_shows_retry_message(
    qtbot: QtBot, tmp_path: Path, make_window: MakeWindow, tap_pin: Callable[..., None]
) -> None:
    """After the server's wrong-PIN limit, its 429 message (when to try again) is shown."""
    server = start_server(tmp_path / "server.sqlite3", config=ServerConfig(wrong_pin_limit=2))
    try:
        enrolled = server.enroll_local_register("Limited register")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(client)
            banner = window.login_view.banner
            for _ in range(2):
                tap_pin(window, "4321")
                qtbot.waitUntil(lambda: banner.text() == "Wrong PIN. Try again.")
                banner.clear()
            tap_pin(window, "1111")
            qtbot.waitUntil(lambda: banner.text().startswith("Too many wrong PINs"))
            assert "Try again in" in banner.text()
            assert not window.logged_in
            window.close()
    finally:
        server.stop()


def test_login_demo_hint_shows_in_demo_mode(window: MainWindow) -> None:
    """Demo mode tells the demo PINs on the login screen."""
    hint = window.login_view.demo_hint
    assert hint.isVisible()
    assert hint.text() == "Demo: cashier PIN 1111, manager PIN 9999"


def test_login_demo_hint_hidden_outside_demo_mode(
    make_window: MakeWindow, register_client: ServerClient
) -> None:
    """A store's real register never shows the demo PINs."""
    window = make_window(register_client, demo=False)
    assert not window.login_view.demo_hint.isVisible()


def test_login_server_refusing_connections_says_no_connection(
    qtbot: QtBot, make_window: MakeWindow, unused_port_url: str, tap_pin: Callable[..., None]
) -> None:
    """With nothing listening at the server's address, and no employees on the register yet to
    check the PIN against, the banner says there is no connection."""
    with ServerClient(unused_port_url, "token", timeout=2) as client:
        window = make_window(client)
        tap_pin(window, "1111")
        banner = window.login_view.banner
        qtbot.waitUntil(banner.isVisible)
        assert banner.text() == NO_VERIFIERS
        window.close()


def test_login_silent_server_keeps_window_responsive_then_says_no_connection(
    qtbot: QtBot, make_window: MakeWindow, silent_server_url: str, tap_pin: Callable[..., None]
) -> None:
    """While the server does not answer, the GUI thread keeps running; then the banner says so
    (this register has no employees of its own yet to check the PIN against)."""
    with ServerClient(silent_server_url, "token", timeout=1.5) as client:
        window = make_window(client)
        ticks: list[int] = []
        heartbeat = QTimer(window)
        heartbeat.setInterval(20)
        heartbeat.timeout.connect(lambda: ticks.append(1))
        heartbeat.start()
        tap_pin(window, "1111")
        assert window.login_view.busy_label.isVisibleTo(window)
        assert not window.login_view.pin_pad.isEnabled()
        qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=1_000)
        assert window.session.busy  # the event loop ran while the request was still waiting
        banner = window.login_view.banner
        qtbot.waitUntil(banner.isVisible)
        assert banner.text() == NO_VERIFIERS
        assert window.login_view.pin_pad.isEnabled()
        heartbeat.stop()
        window.close()
