"""Deduct Funds paying the open ticket: a customer who has only the e-mail pays at checkout.

The same steps as the Gift Cards window (``DeductionService``), with two differences: the
amount follows seed 004 (the ticket first, then the tip from what the card holds beyond it,
never more than the balance), and the verify goes through the ticket's payments, so the
payment and its key are stored before the server is asked and a lost answer is settled with
them, like any gift-card tender.
Blocking (network and SQLite): presenters call it on their worker.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pos_desktop.domain.deduction import check_deduct_amount, ensure_deductible
from pos_desktop.domain.money import Money
from pos_desktop.services.deductions import DeductionService
from pos_desktop.services.payments import PaymentService
from pos_desktop.services.results import (
    CardSummary,
    CodeSent,
    Deducted,
    DeductionRequest,
    DeductionUnanswered,
    PaymentUnsettled,
    ResendRequest,
    TicketDeducted,
    VerifyRequest,
)
from pos_desktop.sync.errors import ServerError, ServerUnreachable


class TicketDeductions:
    def __init__(
        self, deductions: DeductionService, payments: PaymentService, sale_id: uuid.UUID
    ) -> None:
        self._deductions = deductions
        self._payments = payments
        self._sale_id = sale_id

    def now(self) -> datetime:
        return self._deductions.now()

    def prepare(
        self, card: CardSummary, amount: Money | None, locale: str = "en_US"
    ) -> DeductionRequest:
        """The entered amount, split into what pays the ticket and what pays its tip."""
        ensure_deductible(card.status)
        entered = check_deduct_amount(amount, card.balance, locale)
        _, plan = self._payments.plan_gift_card(self._sale_id, card, entered)
        return DeductionRequest(card, plan.redeemed, tip=plan.tip_covered, ticket_id=self._sale_id)

    def request_code(self, request: DeductionRequest) -> CodeSent:
        return self._deductions.request_code(request)

    def resend_request(self, sent: CodeSent) -> ResendRequest:
        return self._deductions.resend_request(sent)

    def resend(self, resend: ResendRequest) -> CodeSent:
        return self._deductions.resend(resend)

    def verify_request(self, sent: CodeSent, code_text: str) -> VerifyRequest:
        return self._deductions.verify_request(sent, code_text)

    def verify(self, verify: VerifyRequest) -> Deducted:
        try:
            paid = self._payments.pay_by_code(self._sale_id, verify)
        except PaymentUnsettled as exc:
            # The payment is kept with its key and code: Try again asks about it again.
            raise DeductionUnanswered(exc.message) from exc
        except (ServerError, ServerUnreachable) as exc:
            raise DeductionService.refusal(exc, verify.sent) from exc
        payment = paid.payment
        return TicketDeducted(
            card=verify.sent.card,
            amount=payment.covered,
            balance_after=payment.balance_after or verify.sent.card.balance - payment.covered,
            activity=None,
            paid=paid,
        )
