"""A manager's actions on a gift card (block, unblock, void, adjust, replace, cash out), shared by
the Back Office's Gift Cards page and the Gift Cards tab, and the mini-statement any employee
prints.

Each action runs on a worker; its answer comes back as ``done`` (a ``CardChanged``,
``CardReplaced`` or ``CashedOut``) or ``failed`` (what to fix, or the server's refusal in its
words). One action keeps one Idempotency-Key from its dialog's opening (``begin``) to its
close, so a second tap after "no answer" is the same request: never a second cash-out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.catalog import StoreRules
from pos_desktop.domain.money import Money
from pos_desktop.services.card_action_results import (
    CardAction,
    CardChanged,
    CardReplaced,
    CashedOut,
    StatementQueued,
)
from pos_desktop.services.results import DEFAULT_STORE_RULES, CardSummary
from ui.presenters.background import EmployeePresenter
from ui.workers import Worker

if TYPE_CHECKING:
    from pos_desktop.services.card_actions import CardActionService

ActionResult = CardChanged | CardReplaced | CashedOut
STATEMENT_PRINTING = "The statement is printing."
NO_PRINTER = "This register has no receipt printer: set one in Settings to print statements."


def changed_card(result: ActionResult) -> CardSummary:
    """The card the action was on, as it is now (a replaced card: the old one, voided)."""
    return result.old if isinstance(result, CardReplaced) else result.card


def done_message(result: ActionResult, rules: StoreRules) -> str:
    """What the screen says once the server accepted the action."""
    locale = rules.locale
    if isinstance(result, CashedOut):
        paid = result.paid_out.format(locale)
        drawer = "The drawer is opening." if result.drawer_opening else "Open the drawer."
        return f"Pay out {paid} in cash. {drawer}"
    if isinstance(result, CardReplaced):
        return (
            f"Card {result.old.number_masked} is voided; its balance is on the new card "
            f"{result.new.number_masked}."
        )
    card = result.card
    if result.action is CardAction.BLOCK:
        return f"Card {card.number_masked} is blocked: nothing leaves it until it is unblocked."
    if result.action is CardAction.UNBLOCK:
        return f"Card {card.number_masked} is unblocked."
    if result.action is CardAction.VOID:
        return f"Card {card.number_masked} is voided."
    return f"The balance of {card.number_masked} is now {card.balance.format(locale)}."


class CardActionsPresenter(EmployeePresenter):
    done = Signal(object)  # CardChanged | CardReplaced | CashedOut
    failed = Signal(str)
    statement_said = Signal(str, str)  # text, a banner's kind ("info", "error")

    def __init__(
        self,
        service: CardActionService,
        employee_name: Callable[[], str],
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        self._employee_name = employee_name
        self._rules: StoreRules = DEFAULT_STORE_RULES
        self._key = uuid.uuid4().hex
        # Its own worker: a statement printing never holds up a dialog's action.
        self._statements = Worker(self, pool)

    @property
    def rules(self) -> StoreRules:
        return self._rules

    def set_store(self, rules: StoreRules) -> None:
        self._rules = rules

    def begin(self) -> None:
        """A new action (a dialog opened): a new Idempotency-Key."""
        self._key = uuid.uuid4().hex

    def reset(self) -> None:
        """The employee left: no answer of theirs reaches the next one's screen."""
        self._worker.forget_pending()
        self._statements.forget_pending()

    # -- the actions ---------------------------------------------------------------------------

    def check_reason_here(self, reason: str) -> bool:
        """Whether the reason will do (Void asks its second question only then)."""
        return self._passes(lambda: self._service.check_reason(reason), self.failed.emit)

    def set_state(self, card_id: uuid.UUID, action: CardAction, reason: str) -> None:
        if not self._passes(lambda: self._service.check_reason(reason), self.failed.emit):
            return
        key = self._key
        self._submit(lambda: self._service.set_state(card_id, action, reason, key))

    def adjust(self, card_id: uuid.UUID, amount: Money | None, up: bool, reason: str) -> None:
        if not self._passes(lambda: self._service.check_adjustment(amount), self.failed.emit):
            return
        if not self._passes(lambda: self._service.check_reason(reason), self.failed.emit):
            return
        key = self._key
        self._submit(lambda: self._service.adjust(card_id, amount, up, reason, key))

    def replace(self, card_id: uuid.UUID, reason: str, number_text: str) -> None:
        if not self._passes(lambda: self._service.check_reason(reason), self.failed.emit):
            return
        if number_text.strip() and not self._passes(
            lambda: self._service.check_number(number_text), self.failed.emit
        ):
            return
        key = self._key
        self._submit(lambda: self._service.replace(card_id, reason, number_text, key))

    def cash_out(self, card: CardSummary, number_text: str, reason: str) -> None:
        if not self._passes(
            lambda: self._service.check_card_number(number_text, card.last4), self.failed.emit
        ):
            return
        key = self._key
        self._submit(lambda: self._service.cash_out(card, number_text, reason, key))

    def print_statement(self, card_id: uuid.UUID) -> None:
        rules, name = self._rules, self._employee_name()
        self._statements.submit(
            lambda: self._service.print_statement(card_id, rules, name),
            self._statement_queued,
            lambda error: self._on_failed(
                error, lambda text: self.statement_said.emit(text, "error")
            ),
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _submit(self, job: Callable[[], ActionResult]) -> None:
        if self.busy:
            return
        self._worker.submit(job, self.done.emit, self._action_failed)

    def _action_failed(self, error: Exception) -> None:
        self._on_failed(error, self.failed.emit)

    def _statement_queued(self, queued: StatementQueued) -> None:
        if queued.queued:
            self.statement_said.emit(STATEMENT_PRINTING, "info")
        else:
            self.statement_said.emit(NO_PRINTER, "error")
