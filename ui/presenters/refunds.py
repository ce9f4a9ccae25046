"""Refunds of completed sales onto gift cards, and the cash-out of a small balance: the calls
run on a worker and answer by signal. A refund or cash-out left without an answer is asked
again (Try again) under its own stored key, never as a new one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.approvals import Approval
from pos_desktop.services.refund_results import CashOutOffer, RefundRequest, RefundUnsettled
from pos_desktop.services.results import Employee
from ui.presenters.background import EmployeePresenter

if TYPE_CHECKING:
    from pos_desktop.services.refunds import RefundService

NOBODY = "Log in to refund."


class RefundPresenter(EmployeePresenter):
    sales_listed = Signal(object)  # tuple[RefundableSale, ...], newest first
    sale_found = Signal(object)  # RefundableSale
    card_found = Signal(object)  # PresentedCard
    refunded = Signal(object)  # RefundDone
    refused = Signal(str)  # said as it is; what was entered stays
    unsettled = Signal(str)  # no answer: Try again asks again, with the same key
    cashed_out = Signal(object)  # CashedOut
    cash_out_refused = Signal(str)
    cash_out_unsettled = Signal(str)

    def __init__(
        self,
        service: RefundService,
        employee: Callable[[], Employee | None],
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        """``employee``: who is at the register now (None: nobody)."""
        super().__init__(parent, pool)
        self._service = service
        self._employee = employee
        self._waiting: uuid.UUID | None = None  # the refund whose answer never came
        self._cash_waiting: uuid.UUID | None = None

    @property
    def waiting(self) -> bool:
        """A refund is kept without an answer: the next tap asks about it again."""
        return self._waiting is not None

    def list_sales(self) -> None:
        self._worker.submit(
            self._service.recent_sales,
            self.sales_listed.emit,
            lambda error: self._on_failed(error, self.refused.emit),
        )

    def find_sale(self, number_text: str) -> None:
        self._worker.submit(
            lambda: self._service.find_sale(number_text),
            self.sale_found.emit,
            lambda error: self._on_failed(error, self.refused.emit),
        )

    def show_sale(self, sale_id: uuid.UUID) -> None:
        self._worker.submit(
            lambda: self._service.sale(sale_id),
            self.sale_found.emit,
            lambda error: self._on_failed(error, self.refused.emit),
        )

    def find_card(self, number_text: str) -> None:
        self._worker.submit(
            lambda: self._service.find_card(number_text),
            self.card_found.emit,
            lambda error: self._on_failed(error, self.refused.emit),
        )

    def refund(self, request: RefundRequest, approval: Approval | None) -> None:
        """Give the refund; while one waits for an answer, ask about that one instead."""
        if self.busy:
            return
        waiting = self._waiting
        if waiting is not None:
            self._ask(lambda: self._service.retry(waiting))
            return
        employee = self._employee()
        if employee is None:
            self.refused.emit(NOBODY)
            return
        self._ask(lambda: self._service.refund(employee, request, approval))

    def _ask(self, job: Callable[[], object]) -> None:
        def done(answer: object) -> None:
            self._waiting = None
            self.refunded.emit(answer)

        def failed(error: Exception) -> None:
            if isinstance(error, RefundUnsettled):
                self._waiting = error.payout_id
                self.unsettled.emit(error.message)
                return
            self._waiting = None
            self._on_failed(error, self.refused.emit)

        self._worker.submit(job, done, failed)

    def cash_out(self, offer: CashOutOffer) -> None:
        """Pay the card's balance out; a cash-out waiting for an answer is asked again."""
        if self.busy:
            return
        waiting = self._cash_waiting
        employee = self._employee()
        if waiting is not None:
            job: Callable[[], object] = lambda: self._service.retry_cash_out(waiting)  # noqa: E731
        elif employee is None:
            self.cash_out_refused.emit(NOBODY)
            return
        else:
            job = lambda: self._service.cash_out(employee, offer)  # noqa: E731

        def done(answer: object) -> None:
            self._cash_waiting = None
            self.cashed_out.emit(answer)

        def failed(error: Exception) -> None:
            if isinstance(error, RefundUnsettled):
                self._cash_waiting = error.payout_id
                self.cash_out_unsettled.emit(error.message)
                return
            self._cash_waiting = None
            self._on_failed(error, self.cash_out_refused.emit)

        self._worker.submit(job, done, failed)

    def forget(self) -> None:
        """Its screen closed: answers still coming are not heard. A refund or cash-out kept
        without an answer stays on the register's disk (the refund list asks about it)."""
        self._worker.forget_pending()
        self._waiting = None
        self._cash_waiting = None
