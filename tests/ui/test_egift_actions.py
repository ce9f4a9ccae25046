"""Gift Cards window, a manager's Resend e-gift and Change e-mail, by taps on the on-screen
keyboard, against a real embedded server of the test's own (these tests send mail)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import DEMO_CARDS, MANAGER_PIN, RECIPIENT_EMAIL
from pos_desktop.server.embedded import EmbeddedServer
from pos_desktop.sync.client import ServerClient
from tests.fixtures.egift import delivered_egifts
from tests.fixtures.register import start_server
from tests.ui.gift_cards_support import TAP, WAIT_MS, open_card
from tests.ui.support import MakeWindow, button, type_into
from ui.egift_action_dialog import EgiftActionDialog
from ui.gift_cards_view import GiftCardsView
from ui.main_window import MainWindow
from ui.tab_frame import GIFT_CARDS_TAB

ACTIVE = next(card for card in DEMO_CARDS if card.state == "active")
NEW_ADDRESS = "sam@example.com"
# The demo cards sent when the server seeded its store: their e-gift mails.
SEEDED_MAILS = sum(card.sent for card in DEMO_CARDS)
# The server's mail sender looks at its outbox every 5 s.
MAIL_WAIT_MS = 15_000


@dataclass
class Store:
    server: EmbeddedServer
    mail_dir: Path
    client: ServerClient
    make: Callable[[], MainWindow]


@pytest.fixture
def store(tmp_path: Path, make_window: MakeWindow) -> Iterator[Store]:
    mail = tmp_path / "mail"
    server = start_server(tmp_path / "server.sqlite3", data_dir=mail)
    enrolled = server.enroll_local_register("E-gift register")
    with ServerClient(server.base_url, enrolled.token) as client:
        yield Store(server, mail, client, lambda: make_window(client, data_dir=tmp_path / "reg"))
    server.stop()


def gift_cards(window: MainWindow, log_in: Callable[..., None], pin: str) -> GiftCardsView:
    log_in(window, pin)
    window.tab_frame.tabs.setCurrentIndex(GIFT_CARDS_TAB)
    return window.tab_frame.gift_cards_view


def open_action(qtbot: QtBot, view: GiftCardsView, name: str) -> EgiftActionDialog:
    qtbot.mouseClick(button(view, name), TAP)
    dialog = view.findChild(EgiftActionDialog, "egiftActionDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def test_egift_actions_are_not_offered_to_a_cashier(
    qtbot: QtBot, store: Store, log_in: Callable[..., None]
) -> None:
    """A cashier sees the card with its recipient e-mail, but no Resend or Change e-mail."""
    view = gift_cards(store.make(), log_in, "1111")

    open_card(qtbot, view, ACTIVE.number[-4:])

    assert view.card_info.isVisible()
    assert not view.resend_button.isVisible()
    assert not view.change_email_button.isVisible()


def test_egift_resend_by_taps_sends_the_mail_again(
    qtbot: QtBot, store: Store, log_in: Callable[..., None]
) -> None:
    """A manager taps Resend e-gift, types a reason: the recipient gets the card's e-mail."""
    window = store.make()
    view = gift_cards(window, log_in, MANAGER_PIN)
    open_card(qtbot, view, ACTIVE.number[-4:])

    qtbot.waitUntil(
        lambda: len(delivered_egifts(store.mail_dir)) == SEEDED_MAILS, timeout=MAIL_WAIT_MS
    )
    before = set(delivered_egifts(store.mail_dir))

    dialog = open_action(qtbot, view, "resendEgiftButton")
    type_into(qtbot, window, dialog.reason_input, "lost in spam")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):  # closed (and deleted) once done
        qtbot.mouseClick(button(dialog, "egiftActionConfirm"), TAP)

    assert view.banner.text() == f"The e-gift is being sent again to {RECIPIENT_EMAIL}."
    qtbot.waitUntil(
        lambda: len(delivered_egifts(store.mail_dir)) == SEEDED_MAILS + 1, timeout=MAIL_WAIT_MS
    )
    (mail,) = (m for name, m in delivered_egifts(store.mail_dir).items() if name not in before)
    assert mail["To"] == RECIPIENT_EMAIL
    assert ACTIVE.number in str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_egift_resend_without_a_reason_asks_for_one(
    qtbot: QtBot, store: Store, log_in: Callable[..., None]
) -> None:
    """Resend with the reason left empty: the dialog says so and stays; nothing is sent."""
    view = gift_cards(store.make(), log_in, MANAGER_PIN)
    open_card(qtbot, view, ACTIVE.number[-4:])

    dialog = open_action(qtbot, view, "resendEgiftButton")
    qtbot.mouseClick(button(dialog, "egiftActionConfirm"), TAP)

    assert dialog.isVisible()
    assert dialog.banner.text() == "Enter a reason: it is kept in the audit log."


def test_egift_change_email_by_taps_shows_the_new_address(
    qtbot: QtBot, store: Store, log_in: Callable[..., None]
) -> None:
    """A manager changes the e-mail with a reason: the card shows the new address, and the
    window says the e-gift already went to the old one."""
    window = store.make()
    view = gift_cards(window, log_in, MANAGER_PIN)
    open_card(qtbot, view, ACTIVE.number[-4:])

    dialog = open_action(qtbot, view, "changeEmailButton")
    assert dialog.email_input is not None
    type_into(qtbot, window, dialog.email_input, NEW_ADDRESS)
    type_into(qtbot, window, dialog.reason_input, "typo")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):  # closed (and deleted) once done
        qtbot.mouseClick(button(dialog, "egiftActionConfirm"), TAP)

    assert view.banner.text().startswith(f"Recipient e-mail changed to {NEW_ADDRESS}.")
    assert "Resend e-gift" in view.banner.text()
    qtbot.waitUntil(lambda: NEW_ADDRESS in view.card_people.text(), timeout=WAIT_MS)
    card = store.client.search_cards(NEW_ADDRESS)
    assert [item.last4 for item in card.items] == [ACTIVE.number[-4:]]


def test_egift_change_email_refused_shows_the_server_word(
    qtbot: QtBot, store: Store, log_in: Callable[..., None]
) -> None:
    """The address the card already has: the server's refusal is shown in the dialog."""
    window = store.make()
    view = gift_cards(window, log_in, MANAGER_PIN)
    open_card(qtbot, view, ACTIVE.number[-4:])

    dialog = open_action(qtbot, view, "changeEmailButton")
    assert dialog.email_input is not None
    type_into(qtbot, window, dialog.email_input, RECIPIENT_EMAIL)
    type_into(qtbot, window, dialog.reason_input, "typo")
    qtbot.mouseClick(button(dialog, "egiftActionConfirm"), TAP)

    expected = f"This card's e-gift already goes to {RECIPIENT_EMAIL}."
    qtbot.waitUntil(lambda: dialog.banner.text() == expected, timeout=WAIT_MS)
    assert dialog.isVisible()
