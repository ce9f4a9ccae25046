"""DeductionService over a scripted stand-in for the server client: keys, retries, refusals;
and the card search kinds of CardLookupService."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from pos_desktop.contracts import (
    ActivityOut,
    CardList,
    CardOut,
    DeductionChallengeOut,
    EmployeeRef,
    MoneyBody,
    MoneyOut,
    RedemptionOut,
)
from pos_desktop.domain.card_number import luhn_check_digit
from pos_desktop.domain.card_search import SearchKind
from pos_desktop.domain.deduction import AmountOverBalance, CardNotSent, InvalidCode
from pos_desktop.domain.errors import CodeCancelled, CodeExpired, WrongCode
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import PaymentState, TenderRefused
from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.deductions import DeductionService
from pos_desktop.services.payments import PaymentService
from pos_desktop.services.results import (
    CardSummary,
    CodeRateLimited,
    CodeSent,
    DeductionRequest,
    DeductionUnanswered,
    PaymentUnsettled,
    VerifyRequest,
)
from pos_desktop.sync.client import ServerClient
from pos_desktop.sync.errors import ServerError, ServerUnreachable
from tests.fixtures.checkout import CheckoutWorld, utc_now

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
NUMBER = "400000000000000" + str(luhn_check_digit("400000000000000"))


def _usd(minor: int) -> MoneyOut:
    return MoneyOut(amount=minor, currency="USD")


def _card(
    status: str = "active", balance: int = 50_00, card_id: uuid.UUID | None = None
) -> CardOut:
    return CardOut(
        id=card_id or uuid.uuid4(),
        number_masked=f"•••• {NUMBER[-4:]}",
        last4=NUMBER[-4:],
        status=status,  # type: ignore[arg-type]
        balance=_usd(balance),
        initial_amount=_usd(50_00),
        buyer_email="buyer@example.com",
        recipient_email="pat@example.com",
        recipient_name="Pat",
        created_at=NOW,
        sent_at=NOW,
    )


def _challenge() -> DeductionChallengeOut:
    return DeductionChallengeOut(
        challenge_id=uuid.uuid4(),
        expires_at=NOW + timedelta(minutes=10),
        sent_to="b•••@example.com",
        attempts_left=3,
        resend_after=NOW + timedelta(seconds=60),
    )


def _redemption(amount: int, after: int) -> RedemptionOut:
    activity = ActivityOut(
        id=uuid.uuid4(),
        kind="deduct_by_code",
        amount=_usd(amount),
        tip=_usd(0),
        balance_after=_usd(after),
        employee=EmployeeRef(id=uuid.uuid4(), name="Casey Cashier"),
        register=None,
        ticket_id=None,
        created_at=NOW,
    )
    return RedemptionOut(
        activity=activity, redeemed=_usd(amount), tip_covered=_usd(0), balance_after=_usd(after)
    )


class ScriptedClient:
    """Answers with the next scripted outcome (a value, or an exception to raise)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.outcomes: list[object] = []

    def _next(self, name: str, *args: Any) -> Any:
        self.calls.append((name, args))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def request_deduction_code(
        self, card_id: uuid.UUID, amount: MoneyBody, key: str, **_: object
    ) -> DeductionChallengeOut:
        return cast(DeductionChallengeOut, self._next("request", card_id, amount.amount, key))

    def resend_deduction_code(self, challenge_id: uuid.UUID, key: str) -> DeductionChallengeOut:
        return cast(DeductionChallengeOut, self._next("resend", challenge_id, key))

    def verify_deduction_code(self, challenge_id: uuid.UUID, code: str, key: str) -> RedemptionOut:
        return cast(RedemptionOut, self._next("verify", challenge_id, code, key))

    def redeem(self, card_id: uuid.UUID, *args: object) -> RedemptionOut:
        return cast(RedemptionOut, self._next("redeem", card_id, *args))

    def search_cards(self, email: str) -> CardList:
        return cast(CardList, self._next("recipient", email))

    def search_cards_by_buyer(self, email: str) -> CardList:
        return cast(CardList, self._next("buyer", email))

    def search_cards_by_last4(self, last4: str) -> CardList:
        return cast(CardList, self._next("last4", last4))

    def lookup_card(self, number: str) -> CardOut:
        return cast(CardOut, self._next("number", number))


@pytest.fixture
def client() -> ScriptedClient:
    return ScriptedClient()


@pytest.fixture
def service(client: ScriptedClient) -> DeductionService:
    return DeductionService(cast(ServerClient, client), lambda: NOW)


def _summary(status: str = "active", balance: int = 50_00) -> CardSummary:
    return CardSummary.from_wire(_card(status, balance))


def test_deduction_prepare_refuses_a_pending_card(service: DeductionService) -> None:
    """A pending card is refused before any request: it has not been sent yet."""
    with pytest.raises(CardNotSent):
        service.prepare(_summary("pending"), Money(10_00, "USD"))


def test_deduction_prepare_refuses_more_than_the_balance(service: DeductionService) -> None:
    with pytest.raises(AmountOverBalance):
        service.prepare(_summary(balance=3_75), Money(4_00, "USD"))


def test_deduction_request_retried_after_timeout_reuses_its_key(
    service: DeductionService, client: ScriptedClient
) -> None:
    """A request that got no answer goes again with the same key, never a new one."""
    request = service.prepare(_summary(), Money(10_00, "USD"))
    client.outcomes = [ServerUnreachable(), _challenge()]
    with pytest.raises(DeductionUnanswered):
        service.request_code(request)
    sent = service.request_code(request)
    keys = [args[2] for _, args in client.calls]
    assert keys == [request.idempotency_key, request.idempotency_key]
    assert sent.attempts_left == 3 and sent.amount == Money(10_00, "USD")


def test_deduction_verify_retry_reuses_the_key_and_new_code_gets_a_new_one(
    service: DeductionService, client: ScriptedClient
) -> None:
    """The same verify asked again keeps its key; a different code typed is a new request."""
    client.outcomes = [_challenge()]
    sent = service.request_code(service.prepare(_summary(), Money(10_00, "USD")))
    first = service.verify_request(sent, "123456")
    client.outcomes = [ServerError(502, "http_502", "bad gateway"), _redemption(10_00, 40_00)]
    with pytest.raises(DeductionUnanswered):
        service.verify(first)
    done = service.verify(first)
    assert done.balance_after == Money(40_00, "USD")
    other = service.verify_request(sent, "654321")
    verify_keys = [args[2] for name, args in client.calls if name == "verify"]
    assert verify_keys == [first.idempotency_key, first.idempotency_key]
    assert other.idempotency_key != first.idempotency_key


def test_deduction_verify_request_refuses_a_short_code(
    service: DeductionService, client: ScriptedClient
) -> None:
    """A code that is not six digits never reaches the server (it would cost an attempt)."""
    client.outcomes = [_challenge()]
    sent = service.request_code(service.prepare(_summary(), Money(10_00, "USD")))
    with pytest.raises(InvalidCode):
        service.verify_request(sent, "12345")
    assert [name for name, _ in client.calls] == ["request"]


@pytest.mark.parametrize(
    ("error", "expected", "check"),
    [
        (
            ServerError(422, "wrong_code", "no", details={"attempts_left": 2}),
            WrongCode,
            lambda e: e.attempts_left == 2,
        ),
        (
            ServerError(410, "code_cancelled", "third", details={"attempts_left": 0}),
            CodeCancelled,
            lambda e: e.too_many_wrong,
        ),
        (
            ServerError(410, "code_cancelled", "A newer code was sent"),
            CodeCancelled,
            lambda e: not e.too_many_wrong,
        ),
        (
            ServerError(410, "code_expired", "expired"),
            CodeExpired,
            lambda e: e.message == "expired",
        ),
        (
            ServerError(429, "rate_limited", "wait", retry_after=42),
            CodeRateLimited,
            lambda e: e.retry_after == 42,
        ),
    ],
)
def test_deduction_verify_refusals_are_specific_errors(
    service: DeductionService,
    client: ScriptedClient,
    error: ServerError,
    expected: type[Exception],
    check: Callable[[Any], bool],
) -> None:
    """Each refusal of the server is its own exception class carrying its data."""
    client.outcomes = [_challenge()]
    sent = service.request_code(service.prepare(_summary(), Money(10_00, "USD")))
    client.outcomes = [error]
    with pytest.raises(expected) as raised:
        service.verify(service.verify_request(sent, "123456"))
    assert check(raised.value)
    assert raised.value.__cause__ is error


def test_card_search_email_asks_recipient_and_buyer_and_lists_each_card_once(
    client: ScriptedClient,
) -> None:
    """An e-mail is searched as recipient and as buyer; a card in both answers shows once."""
    lookup = CardLookupService(cast(ServerClient, client))
    shared, other = _card(), _card()
    client.outcomes = [CardList(items=[shared]), CardList(items=[shared, other])]
    found = lookup.search(lookup.classify("pat@example.com"))
    assert [name for name, _ in client.calls] == ["recipient", "buyer"]
    assert [card.id for card in found.cards] == [shared.id, other.id]


def test_card_search_last4_and_number(client: ScriptedClient) -> None:
    """Four digits search by last 4; a whole number looks the card up; unknown is empty."""
    lookup = CardLookupService(cast(ServerClient, client))
    client.outcomes = [
        CardList(items=[_card()]),
        ServerError(404, "card_not_found", "No gift card has this number."),
    ]
    assert len(lookup.search(lookup.classify(NUMBER[-4:])).cards) == 1
    query = lookup.classify(NUMBER)
    assert query.kind is SearchKind.NUMBER
    assert lookup.search(query).cards == ()
    assert [name for name, _ in client.calls] == ["last4", "number"]


def _code_payment(w: CheckoutWorld, client: ScriptedClient) -> tuple[PaymentService, VerifyRequest]:
    """A ticket, and the verify of a $2.00 code deduction paying part of it."""
    payments = PaymentService(w.database, cast(ServerClient, client), utc_now)
    sale = w.checkout.add_product(w.cashier, w.product("Cappuccino").id)
    request = DeductionRequest(_summary(), Money(2_00, "USD"), ticket_id=sale.id)
    challenge = _challenge()
    sent = CodeSent(
        request=request,
        challenge_id=challenge.challenge_id,
        sent_to=challenge.sent_to,
        expires_at=challenge.expires_at,
        resend_after=challenge.resend_after,
        attempts_left=challenge.attempts_left,
    )
    return payments, VerifyRequest(sent, "123456")


def test_pay_by_code_settled_then_tried_again_is_not_asked_again(
    checkout_world: CheckoutWorld, client: ScriptedClient
) -> None:
    """A lost answer is settled with the stored key and code; Try again with the same verify
    then returns that payment and asks the server nothing more."""
    payments, verify = _code_payment(checkout_world, client)
    sale_id = verify.sent.request.ticket_id
    assert sale_id is not None
    client.outcomes = [ServerUnreachable(), _redemption(2_00, 48_00)]
    with pytest.raises(PaymentUnsettled):
        payments.pay_by_code(sale_id, verify)
    settled = payments.settle(sale_id)
    assert [p.state for p in settled.payments] == [PaymentState.APPROVED]

    again = payments.pay_by_code(sale_id, verify)

    assert again.payment.id == settled.payments[0].id
    assert again.payment.state is PaymentState.APPROVED
    sent = (verify.sent.challenge_id, "123456", verify.idempotency_key)
    assert client.calls == [("verify", sent), ("verify", sent)]


def test_pay_by_code_refused_then_tried_again_is_refused_without_a_call(
    checkout_world: CheckoutWorld, client: ScriptedClient
) -> None:
    """A code the server refused stays refused: the same verify again pays nothing and asks
    nothing (the code is not kept)."""
    payments, verify = _code_payment(checkout_world, client)
    sale_id = verify.sent.request.ticket_id
    assert sale_id is not None
    client.outcomes = [ServerError(422, "wrong_code", "no", details={"attempts_left": 2})]
    with pytest.raises(ServerError):
        payments.pay_by_code(sale_id, verify)

    with pytest.raises(TenderRefused):
        payments.pay_by_code(sale_id, verify)

    assert [name for name, _ in client.calls] == ["verify"]
    assert [p.state for p in payments.load(sale_id).payments] == [PaymentState.FAILED]
