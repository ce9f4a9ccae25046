"""Deduct Funds by e-mailed code (seed 000), the register's side.

1. ``prepare`` checks the card and the amount (no network) and makes the request's
   idempotency key. 2. ``request_code``: the server e-mails a 6-digit code. 3. The cashier types
   the code the customer reads out: ``verify``. 4. The right code deducts at once; the third
   wrong code, or the end of its validity, cancels the transaction and nothing is deducted.

Every POST carries an idempotency key that is made once, with the request object, and kept by
the caller: after a timeout the caller sends the *same* request object again, so the server
replays its first answer instead of sending another code or deducting twice.
Blocking (network): presenters call it on their worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from pos_desktop import contracts as c
from pos_desktop.domain.deduction import (
    AmountOverBalance,
    CardNotSent,
    check_deduct_amount,
    ensure_deductible,
    normalize_code,
)
from pos_desktop.domain.errors import (
    CardNotRedeemable,
    CodeAlreadyUsed,
    CodeCancelled,
    CodeExpired,
    ErrorCode,
    InsufficientBalance,
    NoCodeAddress,
    WrongCode,
)
from pos_desktop.domain.money import Money
from pos_desktop.services.results import (
    CardActivity,
    CardSummary,
    CodeRateLimited,
    CodeSent,
    Deducted,
    DeductionRequest,
    DeductionUnanswered,
    ResendRequest,
    VerifyRequest,
)
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DeductionSteps(Protocol):
    """What the Deduct Funds screens drive: ``DeductionService`` in the Gift Cards window,
    ``TicketDeductions`` when the deduction pays the open ticket at checkout."""

    def now(self) -> datetime: ...

    def prepare(
        self, card: CardSummary, amount: Money | None, locale: str = "en_US"
    ) -> DeductionRequest: ...

    def request_code(self, request: DeductionRequest) -> CodeSent: ...

    def resend_request(self, sent: CodeSent) -> ResendRequest: ...

    def resend(self, resend: ResendRequest) -> CodeSent: ...

    def verify_request(self, sent: CodeSent, code_text: str) -> VerifyRequest: ...

    def verify(self, verify: VerifyRequest) -> Deducted: ...


class DeductionService:
    def __init__(self, client: ServerClient, clock: Callable[[], datetime] = _utc_now) -> None:
        self._client = client
        self._clock = clock

    def now(self) -> datetime:
        """The register's clock (aware UTC): the countdown compares it with ``expires_at``."""
        return self._clock()

    # -- no network ----------------------------------------------------------------------------

    @staticmethod
    def prepare(card: CardSummary, amount: Money | None, locale: str = "en_US") -> DeductionRequest:
        """Step 1: ``CardNotSent`` for a pending card, ``CardNotRedeemable`` for a blocked or
        voided one, ``InvalidAmount`` / ``AmountOverBalance`` for the amount."""
        ensure_deductible(card.status)
        return DeductionRequest(card, check_deduct_amount(amount, card.balance, locale))

    @staticmethod
    def resend_request(sent: CodeSent) -> ResendRequest:
        return ResendRequest(sent)

    @staticmethod
    def verify_request(sent: CodeSent, code_text: str) -> VerifyRequest:
        """``InvalidCode`` for anything but six digits: it never costs the customer an attempt."""
        return VerifyRequest(sent, normalize_code(code_text))

    # -- network -------------------------------------------------------------------------------

    def request_code(self, request: DeductionRequest) -> CodeSent:
        try:
            challenge = self._client.request_deduction_code(
                request.card.id,
                c.MoneyBody.of(request.amount),
                request.idempotency_key,
                tip=c.MoneyBody.tip(request.tip),
                ticket_id=request.ticket_id,
            )
        except (ServerError, ServerUnreachable) as exc:
            raise self.refusal(exc, None) from exc
        return self._sent(request, challenge)

    def resend(self, resend: ResendRequest) -> CodeSent:
        sent = resend.sent
        try:
            challenge = self._client.resend_deduction_code(
                sent.challenge_id, resend.idempotency_key
            )
        except (ServerError, ServerUnreachable) as exc:
            raise self.refusal(exc, sent) from exc
        return self._sent(sent.request, challenge)

    def verify(self, verify: VerifyRequest) -> Deducted:
        sent = verify.sent
        try:
            done = self._client.verify_deduction_code(
                sent.challenge_id, verify.code, verify.idempotency_key
            )
        except (ServerError, ServerUnreachable) as exc:
            raise self.refusal(exc, sent) from exc
        return Deducted(
            card=sent.card,
            amount=done.redeemed.to_money(),
            balance_after=done.balance_after.to_money(),
            activity=CardActivity.from_wire(done.activity),
        )

    # -- answers -------------------------------------------------------------------------------

    @staticmethod
    def _sent(request: DeductionRequest, challenge: c.DeductionChallengeOut) -> CodeSent:
        return CodeSent(
            request=request,
            challenge_id=challenge.challenge_id,
            sent_to=challenge.sent_to,
            expires_at=challenge.expires_at,
            resend_after=challenge.resend_after,
            attempts_left=challenge.attempts_left,
        )

    @staticmethod
    def refusal(exc: ServerError | ServerUnreachable, sent: CodeSent | None) -> Exception:
        """The domain error a server answer means; other errors (401, 5xx words) pass as is."""
        if isinstance(exc, ServerUnreachable) or exc.outcome_unknown:
            log.warning("deduction request unanswered; it may be asked again: %s", exc)
            return DeductionUnanswered(exc.message)
        details = exc.details
        if exc.code == ErrorCode.WRONG_CODE:
            left = details.get("attempts_left")
            return WrongCode(exc.message, left if isinstance(left, int) else 0)
        if exc.code == ErrorCode.CODE_CANCELLED:
            # The third wrong code says attempts_left 0; a code replaced by a newer one does not.
            return CodeCancelled(exc.message, details.get("attempts_left") == 0)
        if exc.code == ErrorCode.CODE_USED:
            return CodeAlreadyUsed(exc.message)
        if exc.code == ErrorCode.CODE_EXPIRED:
            return CodeExpired(exc.message)
        if exc.code == ErrorCode.CARD_NOT_SENT:
            return CardNotSent()
        if exc.code == ErrorCode.CARD_NOT_REDEEMABLE:
            return CardNotRedeemable(exc.message)
        if exc.code == ErrorCode.NO_CODE_ADDRESS:
            return NoCodeAddress(exc.message)
        if exc.code == ErrorCode.RATE_LIMITED:
            return CodeRateLimited(exc.message, exc.retry_after)
        if exc.code == ErrorCode.INSUFFICIENT_BALANCE:
            if sent is not None:
                return AmountOverBalance(sent.card.balance, exc.message)
            return InsufficientBalance(exc.message)
        return exc
