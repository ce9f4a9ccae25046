"""The Back Office's Registers page, by taps as a manager against the real embedded server:
the list with this register's version and another's tickets waiting, a new enrollment code
as text and QR code that enrolls a register, rename, revoke after a confirm step; and each
bad outcome said where the manager looks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import segno
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import APP_VERSION, ServerClient
from pos_desktop.sync.errors import ServerError
from pos_desktop.sync.relay import OutboxRelay
from tests.fixtures.clock import FakeClock
from tests.fixtures.register import start_server
from tests.fixtures.sales import store
from tests.sync.test_outbox_relay import enqueue, make_ticket
from tests.ui.back_office_support import WAIT_MS, tap
from tests.ui.layout_checks import layout_problems
from tests.ui.support import TAP, MakeWindow, button, child, clear_field, type_into
from ui.main_window import MainWindow
from ui.presenters.registers import UNREACHABLE, when_text
from ui.registers_page import IN_USE_NOTE, RegistersPage
from ui.widgets.banner import Banner
from ui.widgets.confirm import ConfirmDialog
from ui.widgets.qr_code import QUIET_ZONE

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
ENROLL_CODE_TTL = timedelta(seconds=ServerConfig().enroll_code_ttl_seconds)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.registers.busy, timeout=WAIT_MS)


def open_registers(qtbot: QtBot, window: MainWindow) -> RegistersPage:
    frame = window.tab_frame
    assert frame.back_office_view is not None and frame.back_office_shown
    frame.tabs.setCurrentWidget(frame.back_office_view)
    frame.back_office_view.show_page("Registers")
    page = child(frame.back_office_view, RegistersPage, "registersPage")
    qtbot.waitUntil(
        lambda: page.register_list.count() > 0 and not window.registers.busy, timeout=WAIT_MS
    )
    return page


def rows(page: RegistersPage) -> list[str]:
    return [page.register_list.item(i).text() for i in range(page.register_list.count())]


def row_of(page: RegistersPage, name: str) -> str:
    found = [text for text in rows(page) if text.split("\n", 1)[0] == name]
    assert len(found) == 1, (name, rows(page))
    return found[0]


def pick(qtbot: QtBot, page: RegistersPage, name: str) -> None:
    """Tap the row of the register called ``name`` (as its first line reads)."""
    index = next(i for i, text in enumerate(rows(page)) if text.split("\n", 1)[0] == name)
    item = page.register_list.item(index)
    page.register_list.scrollToItem(item)
    tap_at = page.register_list.visualItemRect(item).center()
    qtbot.mouseClick(page.register_list.viewport(), TAP, pos=tap_at)
    qtbot.waitUntil(lambda: page.details.currentWidget() is page.edit_page, timeout=WAIT_MS)


def refresh(qtbot: QtBot, window: MainWindow, page: RegistersPage) -> None:
    tap(qtbot, page.refresh_button)
    wait_idle(qtbot, window)


def banner_text(page: RegistersPage) -> str:
    return child(page, Banner, "registersBanner").text()


def new_code(qtbot: QtBot, window: MainWindow, page: RegistersPage) -> str:
    """Tap "Add a register"; the code as the page shows it in text."""
    tap(qtbot, page.new_code_button)
    qtbot.waitUntil(lambda: page.details.currentWidget() is page.code_page, timeout=WAIT_MS)
    return page.code_text.text()


def confirm_revoke(qtbot: QtBot, page: RegistersPage) -> None:
    tap(qtbot, page.revoke_button)
    qtbot.waitUntil(lambda: page.findChild(ConfirmDialog) is not None, timeout=WAIT_MS)
    dialog = page.findChild(ConfirmDialog)
    assert dialog is not None
    tap(qtbot, dialog.yes_button)


def qr_modules(image: QImage) -> list[list[bool]]:
    """The dark and light modules of a QR code image, read at each module's centre, with the
    module size taken from the image (a square of whole modules and the quiet zone)."""
    version_1_side = 21 + 2 * QUIET_ZONE
    module = image.width() // version_1_side
    assert image.width() == module * version_1_side, "not a version 1 symbol drawn whole"
    centre = module // 2
    return [
        [
            image.pixelColor(x * module + centre, y * module + centre).lightness() < 128
            for x in range(version_1_side)
        ]
        for y in range(version_1_side)
    ]


@pytest.fixture
def manager(
    make_window: MakeWindow, register_client: ServerClient, log_in: Callable[..., None]
) -> MainWindow:
    window = make_window(register_client)
    window.resize(1024, 768)
    log_in(window, MANAGER_PIN)
    return window


@pytest.fixture
def enroll(demo_server: EmbeddedServer) -> Iterator[Callable[[str, str], ServerClient]]:
    """Enroll another register with a code, as the new register's Join step does."""
    made: list[ServerClient] = []

    def do(code: str, name: str) -> ServerClient:
        client = ServerClient(demo_server.base_url)
        made.append(client)
        client.enroll(code, name)
        return client

    yield do
    for client in made:
        client.close()


def test_registers_page_lists_this_register_with_its_version(
    qtbot: QtBot, manager: MainWindow
) -> None:
    """This register is listed as such, seen just now, with the app version it runs; it cannot
    be revoked from itself, and the page says why."""
    page = open_registers(qtbot, manager)

    mine = next(text for text in rows(page) if "(this register)" in text.split("\n", 1)[0])
    name = mine.split("\n", 1)[0]
    pick(qtbot, page, name)

    assert f"App {APP_VERSION}" in mine.split("\n")
    assert mine.split("\n")[1].startswith("Last seen ")
    assert not page.revoke_button.isEnabled()
    assert page.revoke_note.text() == IN_USE_NOTE


def test_registers_page_new_code_shows_text_and_qr_that_enroll_a_register(
    qtbot: QtBot,
    manager: MainWindow,
    enroll: Callable[[str, str], ServerClient],
    tmp_path: Path,
) -> None:
    """The new code shows as text and as a QR code of the same code, with when it stops
    working on the store's clock; the text enrolls a register, which then shows in the list
    with its version and the tickets it has not pushed yet."""
    page = open_registers(qtbot, manager)
    before = datetime.now(UTC)
    shown = new_code(qtbot, manager, page)
    after = datetime.now(UTC)

    pixmap = page.qr.pixmap()
    assert not pixmap.isNull() and min(pixmap.width(), pixmap.height()) >= 200
    expected = segno.make(shown.replace("-", ""), micro=False)
    assert qr_modules(pixmap.toImage()) == [
        [bool(dark) for dark in row] for row in expected.matrix_iter(border=QUIET_ZONE)
    ]
    new_york = store(timezone="America/New_York", locale="en_US")  # the demo store's clock
    assert page.code_expires.text() in {
        f"Works once, until {when_text(moment + ENROLL_CODE_TTL, new_york)}"
        for moment in (before, after)
    }

    other = enroll(shown, "Back counter")
    database = RegisterDatabase.in_folder(tmp_path / "back-counter")
    try:
        for _ in range(2):
            enqueue(database, make_ticket(), FakeClock())
        OutboxRelay(database, other, FakeClock().now).waiting()  # as its sync loop does
        other.pull()
    finally:
        database.close()
    refresh(qtbot, manager, page)

    lines = row_of(page, "Back counter").split("\n")
    assert lines[1].startswith("Last seen ")
    assert lines[2:] == [f"App {APP_VERSION}", "2 tickets waiting"]


def test_registers_page_renames_a_register_and_refuses_an_empty_name(
    qtbot: QtBot, manager: MainWindow, enroll: Callable[[str, str], ServerClient]
) -> None:
    """An empty name is refused next to the field before asking the server; a name typed on
    the on-screen keyboard is saved and listed."""
    page = open_registers(qtbot, manager)
    enroll(new_code(qtbot, manager, page), "Side till")
    refresh(qtbot, manager, page)
    pick(qtbot, page, "Side till")

    clear_field(qtbot, manager, page.name_input)
    tap(qtbot, page.save_name_button)
    wait_idle(qtbot, manager)
    refused = page.name_message.text()
    type_into(qtbot, manager, page.name_input, "patio")
    tap(qtbot, page.save_name_button)
    wait_idle(qtbot, manager)

    assert refused == "Enter a name for the register."
    assert banner_text(page) == "Name saved: patio."
    assert page.title.text() == "patio"
    qtbot.waitUntil(lambda: "patio" in [t.split("\n", 1)[0] for t in rows(page)])
    assert "Side till" not in [text.split("\n", 1)[0] for text in rows(page)]


def test_registers_page_revoked_register_is_refused_at_its_next_request(
    qtbot: QtBot, manager: MainWindow, enroll: Callable[[str, str], ServerClient]
) -> None:
    """Revoke asks first; "Keep it" changes nothing, "Revoke" does: the register's next
    request is refused, saying it was revoked, and the list shows it revoked."""
    page = open_registers(qtbot, manager)
    other = enroll(new_code(qtbot, manager, page), "Kiosk")
    other.pull()
    refresh(qtbot, manager, page)
    pick(qtbot, page, "Kiosk")

    tap(qtbot, page.revoke_button)
    qtbot.waitUntil(lambda: page.findChild(ConfirmDialog) is not None, timeout=WAIT_MS)
    kept = page.findChild(ConfirmDialog)
    assert kept is not None and "Revoke Kiosk?" in kept.findChild(QLabel, "confirmQuestion").text()
    tap(qtbot, kept.no_button)
    other.pull()  # still enrolled
    qtbot.waitUntil(lambda: page.findChild(ConfirmDialog) is None, timeout=WAIT_MS)
    confirm_revoke(qtbot, page)
    wait_idle(qtbot, manager)

    assert banner_text(page) == "Kiosk is revoked: the server refuses its next request."
    with pytest.raises(ServerError) as refused:
        other.pull()
    assert refused.value.status == 401 and "revoked" in refused.value.message
    qtbot.waitUntil(lambda: row_of(page, "Kiosk").split("\n")[1].startswith("Revoked "))
    assert not page.revoke_button.isEnabled() and not page.name_input.isEnabled()


def test_registers_page_says_a_register_is_already_revoked(
    qtbot: QtBot,
    manager: MainWindow,
    register_client: ServerClient,
    enroll: Callable[[str, str], ServerClient],
) -> None:
    """A register another manager revoked while this page showed it: revoking it again says it
    already is, and the list shows it revoked."""
    page = open_registers(qtbot, manager)
    enroll(new_code(qtbot, manager, page), "Pop-up stand")
    refresh(qtbot, manager, page)
    pick(qtbot, page, "Pop-up stand")
    stand = next(
        info for info in register_client.list_registers().items if info.name == "Pop-up stand"
    )
    register_client.revoke_register(stand.id)  # elsewhere, meanwhile

    confirm_revoke(qtbot, page)
    wait_idle(qtbot, manager)

    assert banner_text(page) == "Pop-up stand is already revoked."
    qtbot.waitUntil(lambda: row_of(page, "Pop-up stand").split("\n")[1].startswith("Revoked "))


def test_registers_page_code_goes_at_lock(
    qtbot: QtBot, manager: MainWindow, log_in: Callable[..., None]
) -> None:
    """An enrollment code on screen goes when the register locks: the next person to log in
    does not find it (nor the list) there."""
    page = open_registers(qtbot, manager)
    new_code(qtbot, manager, page)

    manager.session.lock()
    qtbot.waitUntil(lambda: not manager.logged_in, timeout=WAIT_MS)

    assert page.code_text.text() == "" and page.qr.pixmap().isNull()
    assert page.register_list.count() == 0
    assert page.details.currentWidget() is page.hint_page


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A server of this test's own, to stop under the page."""
    server = start_server(tmp_path / "own.sqlite3")
    yield server
    server.stop()


def test_registers_page_says_when_the_server_is_unreachable(
    qtbot: QtBot,
    make_window: MakeWindow,
    own_server: EmbeddedServer,
    log_in: Callable[..., None],
) -> None:
    """With the server gone, listing and making a code each say so in the message room."""
    enrolled = own_server.enroll_local_register("Till")
    with ServerClient(own_server.base_url, enrolled.token) as client:
        window = make_window(client)
        log_in(window, MANAGER_PIN)
        page = open_registers(qtbot, window)
        own_server.stop()

        refresh(qtbot, window, page)
        listing = banner_text(page)
        tap(qtbot, button(page, "registersBannerDismiss"))
        tap(qtbot, page.new_code_button)
        wait_idle(qtbot, window)

        assert listing == UNREACHABLE
        assert banner_text(page) == UNREACHABLE
        assert page.details.currentWidget() is not page.code_page
        window.close()


def test_registers_page_fits_1024_by_768_with_a_register_and_a_code(
    qtbot: QtBot, manager: MainWindow
) -> None:
    """A register picked, then a code shown: the window stays 1024x768 and nothing is cut,
    the code's text included."""
    page = open_registers(qtbot, manager)
    pick(qtbot, page, next(text.split("\n", 1)[0] for text in rows(page)))
    picked = layout_problems(manager, QSize(1024, 768))
    new_code(qtbot, manager, page)
    qtbot.waitUntil(lambda: page.qr.isVisible() and page.code_text.isVisible())

    assert picked == []
    assert layout_problems(manager, QSize(1024, 768)) == []
