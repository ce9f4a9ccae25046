"""Main window: header, Lock, idle lock, and what a lock leaves on screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QTabBar, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.demo import DEMO_STORE_NAME, DemoCard
from pos_desktop.server.models import Store
from pos_desktop.server.provisioning import next_sync_version
from pos_desktop.sync.catalog_sync import CatalogSync
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server
from tests.ui.support import MakeWindow
from ui.main_window import SCAN_ON_GIFT_CARDS_TAB, MainWindow
from ui.tab_frame import BALANCE_TAB, GIFT_CARDS_TAB
from ui.widgets.touch import touch_target_px

Tap = Callable[[QtBot, QWidget, str], None]


def test_main_window_starts_on_login(window: MainWindow) -> None:
    """A new window shows the login screen, nobody logged in."""
    assert window.stack.currentWidget() is window.login_view
    assert window.session.employee is None


def test_main_window_header_shows_store_name(
    qtbot: QtBot, window: MainWindow, log_in: Callable[..., None]
) -> None:
    """The header names the store from the server's settings."""
    log_in(window)
    qtbot.waitUntil(lambda: window.tab_frame.store_label.text() == DEMO_STORE_NAME)


def test_main_window_has_checkout_gift_cards_and_balance_tabs(
    window: MainWindow, log_in: Callable[..., None]
) -> None:
    """After a cashier's login the tabs are Checkout, Gift Cards and Balance, Checkout first
    (Settings is a manager's)."""
    log_in(window)
    tabs = window.tab_frame.tabs
    shown = [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    assert shown == ["Checkout", "Gift Cards", "Balance"]
    assert tabs.currentIndex() == 0


def test_main_window_lock_button_returns_to_login(
    qtbot: QtBot, window: MainWindow, log_in: Callable[..., None], tap: Tap
) -> None:
    """Lock ends the session and shows the login screen again."""
    log_in(window)
    tap(qtbot, window.tab_frame, "lockButton")
    assert window.stack.currentWidget() is window.login_view
    assert window.session.employee is None
    assert not window.login_view.banner.isVisible()


def test_main_window_lock_leaves_no_card_on_screen(
    qtbot: QtBot, window: MainWindow, log_in: Callable[..., None], tap: Tap, active_card: DemoCard
) -> None:
    """The next employee does not see the card the previous one looked up."""
    log_in(window)
    window.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    view = window.tab_frame.balance_view
    qtbot.keyClicks(view.number_input, active_card.number)
    tap(qtbot, view, "checkBalanceButton")
    qtbot.waitUntil(view.result.isVisible)
    tap(qtbot, window.tab_frame, "lockButton")
    log_in(window, "9999")
    assert not view.result.isVisible()
    assert view.number_input.text() == ""


def test_main_window_idle_lock_returns_to_login(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    tap_pin: Callable[..., None],
) -> None:
    """Without input for idle_lock_seconds the window locks and says why."""
    window = make_window(register_client, idle_lock_seconds=0.5)
    # The log-in itself, not the logged-in state: on a loaded machine the lock may come
    # before anyone looks, and the window is never seen logged in.
    with qtbot.waitSignal(window.session.logged_in):
        tap_pin(window, "1111")
    qtbot.waitUntil(lambda: not window.logged_in)
    assert window.session.employee is None
    assert window.login_view.banner.text().startswith("Locked after")


def test_main_window_input_postpones_idle_lock(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A key press restarts the idle countdown."""
    window = make_window(register_client, idle_lock_seconds=3)
    log_in(window)
    window.tab_frame.tabs.setCurrentIndex(BALANCE_TAB)
    qtbot.waitUntil(lambda: 0 < window.idle_lock.remaining_ms < 2_000)
    qtbot.keyClick(window.tab_frame.balance_view.number_input, Qt.Key.Key_5)
    # The key reaches the field (and the idle lock) once the scan detector has seen it is
    # no scan, a few milliseconds later.
    qtbot.waitUntil(lambda: window.idle_lock.remaining_ms > 2_000, timeout=1_000)
    qtbot.waitUntil(lambda: not window.logged_in)


def test_main_window_scan_postpones_idle_lock(
    qtbot: QtBot,
    make_window: MakeWindow,
    register_client: ServerClient,
    log_in: Callable[..., None],
) -> None:
    """A scan is use of the register too, though its keys never reach a widget."""
    window = make_window(register_client, idle_lock_seconds=3)
    log_in(window)
    search = window.tab_frame.checkout_view.search
    search.setFocus()
    qtbot.waitUntil(lambda: 0 < window.idle_lock.remaining_ms < 2_000)
    with qtbot.waitSignal(window.scanner.scanned):
        qtbot.keyClicks(search, "0012345000017")
        qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.idle_lock.remaining_ms > 2_000


def test_main_window_idle_lock_does_not_run_on_login_screen(
    qtbot: QtBot, make_window: MakeWindow, register_client: ServerClient
) -> None:
    """Nobody is logged in on the login screen, so there is nothing to lock."""
    window = make_window(register_client, idle_lock_seconds=0.2)
    assert not window.idle_lock.running
    with qtbot.assertNotEmitted(window.idle_lock.timed_out, wait=400):
        pass
    assert not window.login_view.banner.isVisible()


def test_main_window_interactive_widgets_are_named_and_touch_sized(
    window: MainWindow, log_in: Callable[..., None]
) -> None:
    """Every button, input, list and tab has objectName, accessibleName and a touch-sized target."""
    log_in(window)
    target = touch_target_px(window)
    interactive = (QAbstractButton, QLineEdit, QAbstractItemView, QTabBar)
    problems = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, interactive) or isinstance(widget.parent(), QTabBar):
            continue  # a tab bar's own scroll arrows are off (usesScrollButtons is False)
        if not widget.objectName() or not widget.accessibleName():
            problems.append(f"{type(widget).__name__} {widget.objectName()!r} unnamed")
        if isinstance(widget, QAbstractButton | QLineEdit):
            size = widget.minimumSizeHint().expandedTo(widget.minimumSize())
            if size.height() < target or size.width() < target:
                problems.append(
                    f"{widget.objectName()} is {size.width()}x{size.height()} < {target}"
                )
    tab_bar = window.tab_frame.tabs.tabBar()
    for index in range(tab_bar.count()):
        if tab_bar.tabSizeHint(index).height() < target:
            problems.append(f"tab {tab_bar.tabText(index)} shorter than {target}")
    assert problems == []


def test_main_window_scan_on_gift_cards_tab_says_where_scans_go(
    qtbot: QtBot, window: MainWindow, log_in: Callable[..., None]
) -> None:
    """A scan the Gift Cards tab cannot use is not dropped silently: the tab says where to go,
    and no item is rung up behind the cashier's back."""
    log_in(window)
    # The login loads the cashier's open ticket (none here): let that answer arrive first.
    qtbot.waitUntil(lambda: not window.sale.busy)
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    field = window.tab_frame.gift_cards_view.email_input
    field.setFocus()
    with (
        qtbot.assertNotEmitted(window.sale.sale_changed, wait=500),
        qtbot.waitSignal(window.scanner.scanned),
    ):
        qtbot.keyClicks(field, "0012345000017")
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.tab_frame.gift_cards_view.banner.text() == SCAN_ON_GIFT_CARDS_TAB
    assert field.text() == ""


def test_main_window_store_name_follows_a_renamed_store(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    """A store renamed on the server shows its new name once the register has pulled it."""
    server = start_server(tmp_path / "store.sqlite3")
    try:
        enrolled = server.enroll_local_register("Rename register")
        with ServerClient(server.base_url, enrolled.token) as client:
            window = make_window(client, data_dir=tmp_path / "register")
            qtbot.waitUntil(lambda: window.login_view.store_name.text() == DEMO_STORE_NAME)
            with make_session_factory(server.engine)() as db:
                store = db.execute(select(Store)).scalars().one()
                store.name = "Harbour Street"
                store.sync_version = next_sync_version(db)
                db.commit()
            database = RegisterDatabase.in_folder(tmp_path / "register")
            CatalogSync(database, client).pull_once()
            database.close()
            window.catalog_changed.emit()
            qtbot.waitUntil(lambda: window.login_view.store_name.text() == "Harbour Street")
            window.close()
    finally:
        server.stop()
