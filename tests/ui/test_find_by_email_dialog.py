"""FindByEmailDialog over a scripted client: what may close it while money may have moved."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.deductions import DeductionService
from pos_desktop.services.results import DEFAULT_STORE_RULES
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerUnreachable
from tests.fixtures.clock import FakeClock
from tests.services.test_deductions import NOW, ScriptedClient
from tests.ui.test_deduction_presenter import CARD, TEN, _code_out
from ui.find_by_email_dialog import FindByEmailDialog
from ui.presenters.card_lookup import CardSearchPresenter
from ui.presenters.deduction import DeductionPresenter, Step


def test_find_by_email_dialog_unanswered_verify_closes_only_when_the_register_locks(
    qtbot: QtBot,
) -> None:
    """While a verify's answer is unknown, Close (or Esc) leaves the dialog open; locking the
    register closes it all the same (the ticket keeps the payment to settle) and forgets the
    flow, so no answer reaches the next cashier's screen."""
    client = ScriptedClient()
    clock = FakeClock(NOW)
    pool = QThreadPool()
    parent = QWidget()
    qtbot.addWidget(parent)
    presenter = DeductionPresenter(
        DeductionService(cast(ServerClient, client), clock.now), pool=pool
    )
    search = CardSearchPresenter(CardLookupService(cast(ServerClient, client)), pool=pool)
    dialog = FindByEmailDialog(search, presenter, TEN, DEFAULT_STORE_RULES, parent)
    for owned in (search, presenter):
        owned.setParent(dialog)  # as the window gives them to the dialog
    dialog.open()
    dialog.panel.show_card(CARD)
    dialog.pages.setCurrentWidget(dialog.panel)  # as tapping the card found does
    _code_out(qtbot, presenter, client)
    client.outcomes = [ServerUnreachable()]
    with qtbot.waitSignal(presenter.unanswered):
        presenter.verify("123456")
    assert not dialog.close_button.isVisible()

    dialog.reject()
    assert dialog.isVisible() and presenter.outcome_unknown

    dialog.abandon()
    assert not dialog.isVisible()
    assert not presenter.outcome_unknown and presenter.step is Step.AMOUNT
    pool.waitForDone(5_000)
