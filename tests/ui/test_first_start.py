"""Issue 13, first start: a register with an empty data folder asks what it is, by taps on the
on-screen keyboard and the PIN pad, and every later start goes straight to the login screen."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import main
from pos_desktop.domain.store_setup import (
    NO_RATE_PERCENT,
    NO_STORE_NAME,
    PIN_LENGTH,
    PINS_DIFFER,
    UNKNOWN_CURRENCY,
    JoinServer,
    NewStore,
)
from pos_desktop.server.database import make_engine, make_session_factory
from pos_desktop.server.demo import DEMO_STORE_NAME, MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.server.models import GiftCard, Product, Store
from pos_desktop.server.provisioning import create_enroll_code, the_store
from pos_desktop.services.first_start import CHOICE_FILE, code_refused, no_answer
from tests.fixtures.register import start_server
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, button, clear_field, tap_pin, type_into
from ui.checkout_view import NO_PRODUCTS_YET
from ui.first_start_view import SETTING_UP, FirstStartView
from ui.main_window import MainWindow
from ui.presenters.first_start import SETUP_FAILED, FirstStartPresenter
from ui.tab_frame import DEMO_MARK

STARTED_MS = 30_000

Build = Callable[[], MainWindow]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "register"
    monkeypatch.setenv("POS_DATA_DIR", str(folder))
    for name in ("POS_SERVER_URL", "POS_ENROLL_CODE", "POS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def build(qtbot: QtBot, data_dir: Path) -> Iterator[Build]:
    windows: list[MainWindow] = []

    def do() -> MainWindow:
        window = main.build()
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1024, 768)
        window.show()
        return window

    yield do
    for window in windows:
        window.close()


def asked(qtbot: QtBot, window: MainWindow) -> FirstStartView:
    qtbot.waitUntil(
        lambda: isinstance(window.stack.currentWidget(), FirstStartView), timeout=STARTED_MS
    )
    view = window.stack.currentWidget()
    assert isinstance(view, FirstStartView)
    return view


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, TAP)


def enter_pin_twice(qtbot: QtBot, view: FirstStartView, first: str, second: str) -> None:
    pad = view.pin.pad
    for pin in (first, second):
        for digit in pin:
            tap(qtbot, button(pad, f"keypadKey{digit}"))
        tap(qtbot, button(pad, "keypadEnter"))


def log_in(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    tap_pin(qtbot, window, pin)
    qtbot.waitUntil(lambda: window.logged_in)


def fill_new_store(qtbot: QtBot, window: MainWindow, view: FirstStartView) -> None:
    tap(qtbot, button(view, "newStoreButton"))
    type_into(qtbot, window, view.store_name, "corner shop")
    type_into(qtbot, window, view.address, "12 main st")
    type_into(qtbot, window, view.phone, "555-0199")
    type_into(qtbot, window, view.manager_name, "dana")
    tap(qtbot, view.tax_included)
    type_into(qtbot, window, view.tax_rate_name, "sales tax")
    type_into(qtbot, window, view.tax_rate_percent, "8.25")
    enter_pin_twice(qtbot, view, "4821", "4821")


def test_first_start_new_store_opens_its_login_with_no_demo_data(
    qtbot: QtBot, build: Build, data_dir: Path
) -> None:
    """Set up a new store by taps: its login screen follows, its manager's PIN logs in, and
    neither demo products nor demo cards nor the demo PINs exist in it."""
    window = build()
    view = asked(qtbot, window)
    fill_new_store(qtbot, window, view)
    tap(qtbot, button(view, "createStoreButton"))
    # Created on a worker: the screen says so and takes no second tap meanwhile.
    assert view.store_status.text() == SETTING_UP
    assert not view.pages.isEnabled()
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    assert window.stack.currentWidget() is window.login_view
    qtbot.waitUntil(lambda: window.login_view.store_name.text() == "corner shop")
    assert not window.login_view.demo_hint.isVisible()
    tap_pin(qtbot, window, MANAGER_PIN)  # the demo's manager does not exist here
    qtbot.waitUntil(lambda: window.login_view.banner.text() != "")
    assert not window.logged_in
    log_in(qtbot, window, "4821")
    assert window.tab_frame.store_label.text() == "corner shop"
    assert not window.tab_frame.demo_badge.isVisible()
    assert window.tab_frame.settings_shown  # a manager
    # An empty grid says where the products come from.
    empty = window.tab_frame.checkout_view.empty_products
    qtbot.waitUntil(lambda: empty.text() == NO_PRODUCTS_YET)
    assert json.loads((data_dir / CHOICE_FILE).read_text())["kind"] == "new"
    engine = make_engine(f"sqlite:///{data_dir / 'server.sqlite3'}")
    try:
        with make_session_factory(engine)() as db:
            stores = db.execute(select(Store)).scalars().all()
            assert [(s.name, s.address, s.phone, s.prices_include_tax) for s in stores] == [
                ("corner shop", "12 main st", "555-0199", True)
            ]
            assert stores[0].tax_rates == [{"name": "sales tax", "rate_bp": 825}]
            assert db.scalar(select(func.count()).select_from(Product)) == 0
            assert db.scalar(select(func.count()).select_from(GiftCard)) == 0
    finally:
        engine.dispose()


def test_first_start_second_start_skips_the_question(
    qtbot: QtBot, build: Build, data_dir: Path
) -> None:
    """Once the store is set up, the next start goes straight to its login screen."""
    window = build()
    view = asked(qtbot, window)
    fill_new_store(qtbot, window, view)
    tap(qtbot, button(view, "createStoreButton"))
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    window.close()
    again = build()
    qtbot.waitUntil(lambda: again.is_ready, timeout=STARTED_MS)
    assert again.findChild(FirstStartView) is None
    log_in(qtbot, again, "4821")


def test_first_start_new_store_says_what_is_wrong_next_to_each_field(
    qtbot: QtBot, build: Build, data_dir: Path
) -> None:
    """An empty name, an unknown currency, a tax rate over 100 % and PINs that differ are each
    said beside their field; nothing is created; fixed, the store is created."""
    window = build()
    view = asked(qtbot, window)
    tap(qtbot, button(view, "newStoreButton"))
    type_into(qtbot, window, view.manager_name, "dana")
    line_edit = view.currency.lineEdit()
    assert line_edit is not None
    clear_field(qtbot, window, line_edit)
    type_into(qtbot, window, line_edit, "xqz")
    type_into(qtbot, window, view.tax_rate_name, "vat")
    type_into(qtbot, window, view.tax_rate_percent, "120")
    enter_pin_twice(qtbot, view, "4821", "4822")
    tap(qtbot, button(view, "createStoreButton"))
    assert view.store_messages["name"].text() == NO_STORE_NAME
    assert view.store_messages["currency"].text() == UNKNOWN_CURRENCY
    assert view.store_messages["tax_rate"].text() == "Tax rate: a rate cannot be over 100 %."
    assert view.pin.message.text() == PINS_DIFFER
    assert view.store_messages["manager_name"].text() == ""
    assert not (data_dir / CHOICE_FILE).exists()
    assert not (data_dir / "server.sqlite3").exists()
    enter_pin_twice(qtbot, view, "12", "12")
    type_into(qtbot, window, view.store_name, "kiosk")
    tap(qtbot, button(view, "createStoreButton"))
    assert view.pin.message.text() == PIN_LENGTH
    assert view.store_messages["name"].text() == ""
    clear_field(qtbot, window, view.tax_rate_percent)  # a name alone is half a rate
    tap(qtbot, button(view, "createStoreButton"))
    assert view.store_messages["tax_rate"].text() == NO_RATE_PERCENT
    clear_field(qtbot, window, view.tax_rate_name)  # neither: the store starts with no rate
    clear_field(qtbot, window, line_edit)
    type_into(qtbot, window, line_edit, "eur")
    enter_pin_twice(qtbot, view, "4821", "4821")
    tap(qtbot, button(view, "createStoreButton"))
    log_in(qtbot, window, "4821")


@pytest.fixture
def store_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    server = start_server(tmp_path / "store-server.sqlite3")
    yield server
    server.stop()


def join(qtbot: QtBot, window: MainWindow, view: FirstStartView, url: str, code: str) -> None:
    tap(qtbot, button(view, "joinServerButton"))
    clear_field(qtbot, window, view.server_url)
    type_into(qtbot, window, view.server_url, url)
    clear_field(qtbot, window, view.enroll_code)
    type_into(qtbot, window, view.enroll_code, code)
    tap(qtbot, button(view, "joinButton"))


def test_first_start_join_with_a_wrong_code_says_so_and_saves_nothing(
    qtbot: QtBot, build: Build, data_dir: Path, store_server: EmbeddedServer
) -> None:
    """A code the server refuses is said beside the code; no token, no answer is saved."""
    window = build()
    view = asked(qtbot, window)
    join(qtbot, window, view, store_server.base_url, "wrongcode")
    message = view.join_messages["code"]
    qtbot.waitUntil(lambda: message.text().startswith(code_refused("")))
    assert view.join_messages["server_url"].text() == ""
    assert not (data_dir / CHOICE_FILE).exists()
    assert not (data_dir / "register.json").exists()
    assert not window.is_ready


def test_first_start_join_an_unreachable_server_says_so_beside_the_address(
    qtbot: QtBot, build: Build, data_dir: Path, unused_port_url: str
) -> None:
    """No answer at the address is said beside the address, and nothing is saved."""
    window = build()
    view = asked(qtbot, window)
    join(qtbot, window, view, unused_port_url, "abcd")
    message = view.join_messages["server_url"]
    qtbot.waitUntil(lambda: message.text() == no_answer(unused_port_url))
    assert not (data_dir / CHOICE_FILE).exists()


def test_first_start_join_with_a_real_code_logs_in_on_the_store_server(
    qtbot: QtBot, build: Build, data_dir: Path, store_server: EmbeddedServer
) -> None:
    """A code made on the store server enrolls this register; its manager logs in, and the
    next start reuses the token."""
    with make_session_factory(store_server.engine)() as db:
        now = store_server.clock.now()
        code, _ = create_enroll_code(db, the_store(db).id, None, now, timedelta(hours=1))
        db.commit()
    window = build()
    view = asked(qtbot, window)
    join(qtbot, window, view, store_server.base_url, code.lower())
    log_in(qtbot, window, MANAGER_PIN)
    assert json.loads((data_dir / CHOICE_FILE).read_text()) == {
        "kind": "server",
        "server_url": store_server.base_url,
    }
    window.close()
    log_in(qtbot, build(), MANAGER_PIN)


def test_first_start_demo_opens_the_demo_store_marked_demo(qtbot: QtBot, build: Build) -> None:
    """Try the demo store: one tap, the demo's login; the header says DEMO."""
    window = build()
    view = asked(qtbot, window)
    tap(qtbot, button(view, "demoStoreButton"))
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    assert window.login_view.demo_hint.isVisible()
    log_in(qtbot, window, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.tab_frame.store_label.text() == DEMO_STORE_NAME)
    assert window.tab_frame.demo_badge.isVisible()
    assert window.tab_frame.demo_badge.text() == DEMO_MARK


def test_first_start_pos_demo_skips_the_question(
    qtbot: QtBot, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POS_DEMO=1 opens the demo store without asking."""
    monkeypatch.setenv("POS_DEMO", "1")
    window = build()
    qtbot.waitUntil(lambda: window.is_ready, timeout=STARTED_MS)
    assert window.findChild(FirstStartView) is None
    assert window.login_view.demo_hint.isVisible()


class _FolderNotWritable:
    """First start actions on a data folder the register may not write to."""

    def create_store(self, store: NewStore) -> None:
        raise PermissionError("read-only folder")

    def join(self, join: JoinServer) -> None:
        raise PermissionError("read-only folder")

    def try_demo(self) -> None:
        raise PermissionError("read-only folder")


def test_first_start_failure_no_field_can_fix_is_said_and_the_screen_stays(
    qtbot: QtBot,
) -> None:
    """A setup that fails for a reason no field can fix (the folder is read-only) says so on
    the screen, which stays usable for another try."""
    presenter = FirstStartPresenter(_FolderNotWritable())
    view = FirstStartView(presenter)
    qtbot.addWidget(view)
    view.show()
    tap(qtbot, button(view, "demoStoreButton"))
    qtbot.waitUntil(lambda: view.choice_status.text() == SETUP_FAILED)
    assert view.pages.isEnabled()
    assert not presenter.busy


@pytest.mark.parametrize("size", [QSize(1024, 768), QSize(1280, 800)], ids=str)
def test_first_start_every_page_fits_the_screen(qtbot: QtBot, build: Build, size: QSize) -> None:
    """The question, the new store's form with every message and the keyboard up, and the join
    form fit the screen, nothing clipped, every target a fingertip's size."""
    window = build()
    window.resize(size)
    view = asked(qtbot, window)
    problems: dict[str, list[str]] = {}

    def look(step: str) -> None:
        qtbot.wait(50)  # a layout pass
        problems[step] = layout_problems(window, size)

    look("question")
    tap(qtbot, button(view, "newStoreButton"))
    tap(qtbot, button(view, "createStoreButton"))  # everything empty: every message shows
    look("new store, messages")
    tap(qtbot, view.manager_name)
    look("new store, keyboard")
    enter_pin_twice(qtbot, view, "4821", "4821")
    look("new store, PIN entered")
    tap(qtbot, button(view, "createStoreButtonBack"))
    tap(qtbot, button(view, "joinServerButton"))
    tap(qtbot, view.enroll_code)
    look("join, keyboard")
    assert {step: found for step, found in problems.items() if found} == {}
