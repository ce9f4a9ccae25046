"""Deduct Funds by e-mailed code (seed 000): the steps, the countdown and the cashier's words.

The countdown is a QTimer on the GUI thread that compares the server's ``expires_at`` with
the register's clock; it never waits on anything. Requests run on the worker. After a request
got no answer, only "Try again" is offered, and it sends the very same request (same
idempotency key): the server then answers as it did the first time, so a code is never sent
twice by accident and a deduction never happens twice.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from pos_desktop.domain.deduction import (
    CardNotSent,
    countdown_text,
    seconds_until,
)
from pos_desktop.domain.errors import (
    CardNotRedeemable,
    CodeAlreadyUsed,
    CodeCancelled,
    CodeExpired,
    DomainError,
    InsufficientBalance,
    NoCodeAddress,
    WrongCode,
)
from pos_desktop.domain.money import Money
from pos_desktop.services.results import (
    CardSummary,
    CodeRateLimited,
    CodeSent,
    Deducted,
    DeductionRequest,
    DeductionUnanswered,
)
from ui.presenters.background import EmployeePresenter
from ui.presenters.error_text import ends_session

if TYPE_CHECKING:
    from pos_desktop.services.deductions import DeductionSteps

TICK_MS = 250

T = TypeVar("T")

NOTHING_DEDUCTED = "Nothing was deducted."
EXPIRED_MESSAGE = f"The code expired, so the transaction is cancelled. {NOTHING_DEDUCTED}"
TOO_MANY_WRONG_MESSAGE = (
    f"The code was entered wrong 3 times, so the transaction is cancelled. {NOTHING_DEDUCTED}"
)
REPLACED_MESSAGE = (
    "A newer code was requested for this card, so this transaction is cancelled. "
    f"{NOTHING_DEDUCTED}"
)
UNANSWERED_MESSAGE = (
    "No answer from the server. Tap Try again: the same request is sent again, "
    "so nothing happens twice."
)
NO_ADDRESS_MESSAGE = (
    "This card has no e-mail address to send a code to, so funds cannot be deducted by code."
)


def attempts_text(attempts_left: int) -> str:
    return f"{attempts_left} attempt{'s' if attempts_left != 1 else ''} left"


def wrong_code_message(attempts_left: int) -> str:
    return f"Wrong code. {attempts_text(attempts_left)}."


def wait_text(seconds: int) -> str:
    if seconds >= 120:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class Step(StrEnum):
    AMOUNT = "amount"  # step 1: the amount on the keypad
    CODE = "code"  # steps 2-3: a code is out; the cashier types what the customer reads
    DONE = "done"  # step 4: deducted
    ENDED = "ended"  # cancelled or expired: nothing deducted; start over


class DeductionPresenter(EmployeePresenter):
    step_changed = Signal(str)  # Step
    code_sent = Signal(object)  # CodeSent (first code or a resent one)
    deducted = Signal(object)  # Deducted
    refused = Signal(str)  # the step stays; the text says what to change
    wrong_code = Signal(str, int)  # message, attempts left
    ended = Signal(str)  # the transaction is over and nothing was deducted; says which way
    unanswered = Signal(str)  # no answer: offer Try again (same request)
    countdown_changed = Signal(str, bool, int)  # "mm:ss", expired, seconds until Resend
    card_changed = Signal()  # the card's balance may have changed: load it again

    def __init__(
        self,
        service: DeductionSteps,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._step = Step.AMOUNT
        self._sent: CodeSent | None = None
        self._retry: Callable[[], None] | None = None
        self._verify_unsettled = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    # -- state ---------------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self._step

    @property
    def sent(self) -> CodeSent | None:
        return self._sent

    @property
    def can_retry(self) -> bool:
        return self._retry is not None

    @property
    def outcome_unknown(self) -> bool:
        """A verify got no answer: the money may have moved, so the flow may not be left."""
        return self._verify_unsettled

    def _go(self, step: Step) -> None:
        self._step = step
        if step is not Step.CODE:
            self._timer.stop()
        self.step_changed.emit(step.value)

    # -- step 1 -> 2 ---------------------------------------------------------------------------

    def request_code(self, card: CardSummary, amount: Money | None, locale: str) -> None:
        if self.busy or self._step is not Step.AMOUNT:
            return
        # Prepared on the worker too: at checkout, preparing reads the ticket from the
        # register's database. Prepared once: Try again sends the very same request (its key).
        prepared: list[DeductionRequest] = []

        def prepare_and_send() -> CodeSent:
            if not prepared:
                prepared.append(self._service.prepare(card, amount, locale))
            return self._service.request_code(prepared[0])

        self._send(prepare_and_send, self._on_code_sent, self._on_request_failed)

    def _send(
        self,
        call: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[Exception, Callable[[], None]], None],
    ) -> None:
        """Run ``call`` on the worker; a failure is handed ``again``, which sends the very
        same request (same idempotency key) when the cashier taps Try again."""

        def send() -> None:
            self._retry = None
            self._worker.submit(call, on_success, lambda error: on_failure(error, send))

        send()

    def _on_code_sent(self, sent: CodeSent) -> None:
        self._sent = sent
        self._retry = None
        if self._step is not Step.CODE:
            self._go(Step.CODE)
        self.code_sent.emit(sent)
        self._timer.start()
        self.tick()

    def _on_request_failed(self, error: Exception, again: Callable[[], None]) -> None:
        if isinstance(error, DeductionUnanswered):
            self._retry = again
            self.unanswered.emit(UNANSWERED_MESSAGE)
        elif isinstance(error, CodeRateLimited):
            wait = error.retry_after
            self.refused.emit(
                "Too many codes were sent for this card. "
                + (f"Try again in {wait_text(wait)}." if wait else "Try again later.")
            )
        elif isinstance(error, NoCodeAddress):
            self.refused.emit(NO_ADDRESS_MESSAGE)
        elif isinstance(error, CardNotSent | CardNotRedeemable | InsufficientBalance):
            self.refused.emit(error.message)
        else:
            self._on_failed(error, self.refused.emit)

    # -- step 2: resend ------------------------------------------------------------------------

    def resend(self) -> None:
        sent = self._sent
        if sent is None or self.busy or self._step is not Step.CODE:
            return
        wait = seconds_until(sent.resend_after, self._service.now())
        if wait > 0:
            self.refused.emit(f"The code can be sent again in {wait_text(wait)}.")
            return
        resend = self._service.resend_request(sent)
        self._send(lambda: self._service.resend(resend), self._on_code_sent, self._on_resend_failed)

    def _on_resend_failed(self, error: Exception, again: Callable[[], None]) -> None:
        if isinstance(error, CodeRateLimited):
            wait = error.retry_after
            self.refused.emit(
                f"The code can be sent again in {wait_text(wait)}."
                if wait
                else "Too many codes were sent for this card. Try again later."
            )
        elif isinstance(error, CodeExpired | CodeCancelled):
            self._end(error)
        else:
            self._on_request_failed(error, again)

    # -- step 3 -> 4: verify -------------------------------------------------------------------

    def verify(self, code_text: str) -> None:
        sent = self._sent
        if sent is None or self.busy or self._step is not Step.CODE:
            return
        try:
            verify = self._service.verify_request(sent, code_text)
        except DomainError as exc:
            self.refused.emit(exc.message)
            return
        self._send(lambda: self._service.verify(verify), self._on_deducted, self._on_verify_failed)

    def _on_deducted(self, done: Deducted) -> None:
        self._verify_unsettled = False
        self._retry = None
        self._sent = None
        self._go(Step.DONE)
        self.deducted.emit(done)

    def _on_verify_failed(self, error: Exception, again: Callable[[], None]) -> None:
        if isinstance(error, DeductionUnanswered):
            self._verify_unsettled = True
            self._retry = again
            self.unanswered.emit(UNANSWERED_MESSAGE)
            return
        self._verify_unsettled = False
        if isinstance(error, WrongCode):
            if self._sent is not None:
                self._sent = dataclasses.replace(self._sent, attempts_left=error.attempts_left)
            self.wrong_code.emit(wrong_code_message(error.attempts_left), error.attempts_left)
        elif isinstance(
            error,
            CodeCancelled | CodeExpired | CodeAlreadyUsed | InsufficientBalance | CardNotRedeemable,
        ):
            self._end(error)
        else:
            self._on_failed(error, self.refused.emit)

    # -- retry, cancel, countdown ----------------------------------------------------------------

    def try_again(self) -> None:
        """Send the request that got no answer again, with its own key."""
        again = self._retry
        if again is None or self.busy:
            return
        again()

    def cancel(self) -> None:
        """Leave the flow (not while a verify's outcome is unknown); the server's code simply
        expires, and nothing was deducted."""
        if self._verify_unsettled:
            return
        self._worker.forget_pending()
        self._sent = None
        self._retry = None
        self._go(Step.AMOUNT)

    def reset(self) -> None:
        """The register is being locked or another card chosen: forget everything."""
        self._worker.forget_pending()
        self._verify_unsettled = False
        self._sent = None
        self._retry = None
        self._go(Step.AMOUNT)

    def tick(self) -> None:
        sent = self._sent
        if sent is None:
            self._timer.stop()
            return
        now = self._service.now()
        left = seconds_until(sent.expires_at, now)
        resend_wait = seconds_until(sent.resend_after, now)
        self.countdown_changed.emit(countdown_text(sent.expires_at, now), left == 0, resend_wait)
        # An unanswered verify may have deducted: only the server's answer may end the flow.
        if left == 0 and not self._verify_unsettled and not self.busy:
            self._timer.stop()
            self._end(CodeExpired(EXPIRED_MESSAGE))

    def _end(self, error: DomainError) -> None:
        self._sent = None
        self._retry = None
        if isinstance(error, CodeExpired):
            message = EXPIRED_MESSAGE
        elif isinstance(error, CodeCancelled):
            message = TOO_MANY_WRONG_MESSAGE if error.too_many_wrong else REPLACED_MESSAGE
        elif isinstance(error, CodeAlreadyUsed):
            message = error.message  # the money did move: the history shows it
        else:
            message = f"{error.message} {NOTHING_DEDUCTED}"
        self._go(Step.ENDED)
        self.ended.emit(message)
        # The card may have changed meanwhile (that is often why it ended): show it afresh.
        self.card_changed.emit()

    def _on_failed(self, error: Exception, say: Callable[[str], None]) -> None:
        if ends_session(error):
            self.reset()  # nothing of this deduction outlives the session
        super()._on_failed(error, say)
