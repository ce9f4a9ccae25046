"""DeductionPresenter with a scripted client and a held clock: no server, no widgets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import cast

import pytest
from PySide6.QtCore import QObject, QThreadPool
from pytestqt.qtbot import QtBot

from pos_desktop.domain.money import Money
from pos_desktop.services.deductions import DeductionService
from pos_desktop.services.results import CardSummary
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from tests.fixtures.clock import FakeClock
from tests.services.test_deductions import NOW, ScriptedClient, _card, _challenge, _redemption
from ui.presenters.deduction import (
    EXPIRED_MESSAGE,
    TOO_MANY_WRONG_MESSAGE,
    UNANSWERED_MESSAGE,
    DeductionPresenter,
    Step,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def client() -> ScriptedClient:
    return ScriptedClient()


@pytest.fixture
def presenter(client: ScriptedClient, clock: FakeClock) -> Iterator[DeductionPresenter]:
    # Parented, as in the window: a job's closure may drop the last Python reference to the
    # presenter on the pool's thread, which must not destroy it (and its timer) there.
    owner = QObject()
    pool = QThreadPool(owner)
    yield DeductionPresenter(DeductionService(cast(ServerClient, client), clock.now), owner, pool)
    pool.waitForDone(5_000)


CARD = CardSummary.from_wire(_card(balance=50_00, card_id=uuid.uuid4()))
TEN = Money(10_00, "USD")


def _code_out(qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient) -> None:
    client.outcomes = [_challenge()]
    with qtbot.waitSignal(presenter.code_sent):
        presenter.request_code(CARD, TEN, "en_US")


def test_deduction_presenter_try_again_sends_the_same_request(
    qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient
) -> None:
    """No answer offers Try again, and Try again repeats the request with its key."""
    client.outcomes = [ServerUnreachable(), _challenge()]
    with qtbot.waitSignal(presenter.unanswered) as unanswered:
        presenter.request_code(CARD, TEN, "en_US")
    assert unanswered.args == [UNANSWERED_MESSAGE]
    with qtbot.waitSignal(presenter.code_sent):
        presenter.try_again()
    keys = [args[2] for _, args in client.calls]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert presenter.step is Step.CODE


def test_deduction_presenter_unanswered_verify_cannot_be_left(
    qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient, clock: FakeClock
) -> None:
    """While a verify's outcome is unknown, Cancel and the local expiry do nothing; the
    retried verify (same key) brings the server's answer."""
    _code_out(qtbot, presenter, client)
    client.outcomes = [ServerError(504, "http_504", "gateway timeout")]
    with qtbot.waitSignal(presenter.unanswered):
        presenter.verify("123456")
    presenter.cancel()
    clock.advance(minutes=11)
    presenter.tick()
    assert presenter.step is Step.CODE and presenter.outcome_unknown
    client.outcomes = [_redemption(10_00, 40_00)]
    with qtbot.waitSignal(presenter.deducted) as deducted:
        presenter.try_again()
    assert deducted.args[0].balance_after == Money(40_00, "USD")
    verify_keys = [args[2] for name, args in client.calls if name == "verify"]
    assert verify_keys[0] == verify_keys[1]


def test_deduction_presenter_third_wrong_code_ends_saying_so(
    qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient
) -> None:
    """Wrong codes count down; the third ends the transaction with nothing deducted."""
    _code_out(qtbot, presenter, client)
    client.outcomes = [ServerError(422, "wrong_code", "no", details={"attempts_left": 2})]
    with qtbot.waitSignal(presenter.wrong_code) as wrong:
        presenter.verify("111111")
    assert wrong.args == ["Wrong code. 2 attempts left.", 2]
    client.outcomes = [ServerError(410, "code_cancelled", "third", details={"attempts_left": 0})]
    with qtbot.waitSignal(presenter.ended) as ended:
        presenter.verify("111111")
    assert ended.args == [TOO_MANY_WRONG_MESSAGE]
    assert presenter.step is Step.ENDED


def test_deduction_presenter_server_expiry_ends_the_transaction(
    qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient
) -> None:
    """The server saying the code expired ends it the same way as the countdown does."""
    _code_out(qtbot, presenter, client)
    client.outcomes = [ServerError(410, "code_expired", "expired")]
    with qtbot.waitSignal(presenter.ended) as ended:
        presenter.verify("123456")
    assert ended.args == [EXPIRED_MESSAGE]


def test_deduction_presenter_countdown_reads_the_clock(
    qtbot: QtBot, presenter: DeductionPresenter, client: ScriptedClient, clock: FakeClock
) -> None:
    """The countdown shows mm:ss and the seconds until Resend; at 0 the code has expired."""
    _code_out(qtbot, presenter, client)
    clock.advance(seconds=15)
    with qtbot.waitSignal(presenter.countdown_changed) as tick:
        presenter.tick()
    assert tick.args == ["09:45", False, 45]
    clock.advance(minutes=10)
    with qtbot.waitSignal(presenter.ended) as ended:
        presenter.tick()
    assert ended.args == [EXPIRED_MESSAGE]
    assert presenter.sent is None
