"""Every presenter's failure path: one road from a failed call to the cashier's words, and a
session the server no longer accepts ends instead of being said. Services are stand-ins that
refuse; no server, no widgets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from PySide6.QtCore import QObject, QThreadPool
from pytestqt.qtbot import QtBot

from pos_desktop.domain.errors import InvalidAmount
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.services.results import CardSummary
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from ui.presenters.card_lookup import BalanceCheckPresenter
from ui.presenters.deduction import DeductionPresenter, Step
from ui.presenters.error_text import UNEXPECTED_MESSAGE
from ui.presenters.sale import SalePresenter
from ui.presenters.session import SessionPresenter

EXPIRED = ServerError(401, "unauthorized", "Your session has expired. Log in with your PIN again.")
NUMBER = "6035718492055184"


class Refusing:
    """Any service: the checks of typed input (no I/O) pass it through; every other call
    raises ``error``, as the server or the register database would."""

    CHECKS = frozenset({"check_number", "check_pin"})

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        if name in self.CHECKS:
            return lambda text: text

        def refuse(*_args: object, **_kwargs: object) -> object:
            raise self.error

        return refuse


@pytest.fixture
def owner() -> Iterator[QObject]:
    """The presenters' parent, as the window is: a job's closure may hold the last Python
    reference to its presenter and drop it on the pool's thread, where a parentless QObject
    (and its timers) would be destroyed."""
    made = QObject()
    yield made
    for pool in made.findChildren(QThreadPool):
        pool.waitForDone(5_000)


@pytest.fixture
def pool(owner: QObject) -> QThreadPool:
    return QThreadPool(owner)


def balance_check(error: Exception, owner: QObject, pool: QThreadPool) -> BalanceCheckPresenter:
    return BalanceCheckPresenter(cast(Any, Refusing(error)), owner, pool)


def test_presenter_failure_ends_a_session_the_server_no_longer_accepts(
    qtbot: QtBot, owner: QObject, pool: QThreadPool
) -> None:
    """A 401 on an employee's call ends the session with the server's words; nothing is said
    on the screen that made the call."""
    presenter = balance_check(EXPIRED, owner, pool)
    said: list[str] = []
    presenter.failed.connect(said.append)
    with qtbot.waitSignal(presenter.session_ended) as ended:
        presenter.check(NUMBER)
    assert ended.args == [EXPIRED.message]
    assert said == []


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (ServerError(409, "card_not_redeemable", "This card is blocked."), "This card is blocked."),
        (ServerUnreachable(), "No connection to the server."),
        (InvalidAmount("Enter an amount."), "Enter an amount."),
        (RuntimeError("disk I/O error"), UNEXPECTED_MESSAGE),
    ],
)
def test_presenter_failure_says_a_refusal_in_the_cashiers_words(
    qtbot: QtBot, owner: QObject, pool: QThreadPool, error: Exception, words: str
) -> None:
    """A refusal is said as the server or the rule wrote it; anything unexpected in words a
    cashier can act on, never the exception's own text."""
    presenter = balance_check(error, owner, pool)
    with qtbot.waitSignal(presenter.failed) as failed:
        presenter.check(NUMBER)
    assert failed.args == [words]


def test_presenter_failure_at_log_in_is_said_not_a_lost_session(
    qtbot: QtBot, owner: QObject, pool: QThreadPool
) -> None:
    """A wrong PIN is a 401 too, but there is no session to end: the login screen says it."""
    wrong = ServerError(401, "wrong_pin", "Wrong PIN. Try again.")
    presenter = SessionPresenter(cast(Any, Refusing(wrong)), owner, pool)
    with qtbot.waitSignal(presenter.failed) as failed:
        presenter.log_in("1234")
    assert failed.args == ["Wrong PIN. Try again."]


def test_presenter_failure_ends_the_session_from_the_sale(qtbot: QtBot, owner: QObject) -> None:
    """The ticket's calls end a session the server no longer accepts, and nothing is said on
    the ticket."""
    refusing = cast(Any, Refusing(EXPIRED))
    presenter = SalePresenter(refusing, refusing, refusing, owner)
    said: list[str] = []
    presenter.failed.connect(said.append)
    employee = cast(Any, object())
    with qtbot.waitSignal(presenter.session_ended) as ended:
        presenter.start(employee)
    assert ended.args == [EXPIRED.message]
    presenter.pool.waitForDone(5_000)
    assert said == []


def test_presenter_failure_ends_the_session_and_forgets_the_deduction(
    qtbot: QtBot, owner: QObject, pool: QThreadPool
) -> None:
    """Deduct Funds whose request the server answers with a lost session: the session ends and
    the flow is back at its first step, nothing of it kept."""
    presenter = DeductionPresenter(cast(Any, Refusing(EXPIRED)), owner, pool)
    refused: list[str] = []
    presenter.refused.connect(refused.append)
    fifty = Money(50_00, "USD")
    card = CardSummary(
        id=uuid.uuid4(),
        number_masked="•••• 5184",
        last4="5184",
        status=CardStatus.ACTIVE,
        balance=fifty,
        initial_amount=fifty,
        buyer_email="buyer@example.com",
        recipient_email="jordan@example.com",
        recipient_name="Jordan",
        created_at=datetime(2024, 5, 1, tzinfo=UTC),
        sent_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    with qtbot.waitSignal(presenter.session_ended) as ended:
        presenter.request_code(card, Money(10_00, "USD"), "en_US")
    assert ended.args == [EXPIRED.message]
    assert presenter.step is Step.AMOUNT and not presenter.can_retry
    assert refused == []
