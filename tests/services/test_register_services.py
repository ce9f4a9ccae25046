"""Session and card look-up services over a recording stand-in for the server client."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from pos_desktop.contracts import CardList, CardOut, EmployeeOut, MoneyOut, SessionResponse
from pos_desktop.domain.card_number import luhn_check_digit
from pos_desktop.domain.errors import InvalidCardNumber, InvalidPin
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.domain.money import Money
from pos_desktop.services.card_lookup import CardLookupService, InvalidSearch
from pos_desktop.services.session import SessionService
from pos_desktop.sync.client import ServerClient

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
VALID_NUMBER = "400000000000000" + str(luhn_check_digit("400000000000000"))


def _card(status: str = "active", balance: int = 50_00) -> CardOut:
    return CardOut(
        id=uuid.uuid4(),
        number_masked=f"•••• {VALID_NUMBER[-4:]}",
        last4=VALID_NUMBER[-4:],
        status=status,  # type: ignore[arg-type]
        balance=MoneyOut(amount=balance, currency="USD"),
        initial_amount=MoneyOut(amount=50_00, currency="USD"),
        buyer_email="buyer@example.com",
        recipient_email="pat@example.com",
        recipient_name="Pat",
        created_at=NOW,
        sent_at=NOW,
    )


class RecordingClient:
    """Answers like the server would and remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.forgotten = False

    def open_session(self, pin: str) -> SessionResponse:
        self.calls.append(("open_session", pin))
        employee = EmployeeOut(id=uuid.uuid4(), name="Casey Cashier", role="cashier")
        return SessionResponse(token="t", employee=employee, expires_at=NOW)

    def forget_session(self) -> None:
        self.forgotten = True

    def lookup_card(self, number: str) -> CardOut:
        self.calls.append(("lookup_card", number))
        return _card("used", 3_75)

    def search_cards(self, recipient_email: str) -> CardList:
        self.calls.append(("search_cards", recipient_email))
        return CardList(items=[_card()])


@pytest.fixture
def fake() -> RecordingClient:
    return RecordingClient()


@pytest.fixture
def cards(fake: RecordingClient) -> CardLookupService:
    return CardLookupService(cast(ServerClient, fake))


@pytest.fixture
def session(fake: RecordingClient) -> SessionService:
    return SessionService(cast(ServerClient, fake))


def test_card_lookup_invalid_number_never_reaches_the_client(
    cards: CardLookupService, fake: RecordingClient
) -> None:
    """A Luhn failure raises InvalidCardNumber before any call."""
    with pytest.raises(InvalidCardNumber):
        cards.check_balance(VALID_NUMBER[:-1] + str((int(VALID_NUMBER[-1]) + 1) % 10))
    assert fake.calls == []


def test_card_lookup_sends_the_normalized_number(
    cards: CardLookupService, fake: RecordingClient
) -> None:
    """Spaces and dashes are stripped before the number is sent."""
    cards.check_balance(f"{VALID_NUMBER[:4]} {VALID_NUMBER[4:8]}-{VALID_NUMBER[8:]}")
    assert fake.calls == [("lookup_card", VALID_NUMBER)]


def test_card_lookup_returns_typed_summary(cards: CardLookupService) -> None:
    """The answer is a CardSummary with a CardStatus and Money, not wire dicts."""
    card = cards.check_balance(VALID_NUMBER)
    assert card.status is CardStatus.USED
    assert card.balance == Money(3_75, "USD")


def test_card_search_strips_email_and_returns_summaries(
    cards: CardLookupService, fake: RecordingClient
) -> None:
    """Search trims the e-mail and returns a tuple of summaries."""
    found = cards.find_by_recipient("  pat@example.com ")
    assert fake.calls == [("search_cards", "pat@example.com")]
    assert [c.status for c in found] == [CardStatus.ACTIVE]


@pytest.mark.parametrize("text", ["", "   ", "pat", "@example.com", "pat@", "pat @example.com"])
def test_card_search_refuses_incomplete_email(
    cards: CardLookupService, fake: RecordingClient, text: str
) -> None:
    """An empty or partial e-mail is refused without a call."""
    with pytest.raises(InvalidSearch):
        cards.find_by_recipient(text)
    assert fake.calls == []


def test_session_log_in_keeps_employee_and_role(session: SessionService) -> None:
    """After log_in the service knows who is at the register and their role."""
    session.log_in("1111")
    assert session.employee is not None
    assert (session.employee.name, session.employee.role_label) == ("Casey Cashier", "Cashier")
    assert not session.employee.is_manager


def test_session_malformed_pin_never_reaches_the_client(
    session: SessionService, fake: RecordingClient
) -> None:
    """A PIN outside the 4-8 digit policy is refused without a call (and without a try used)."""
    with pytest.raises(InvalidPin):
        session.log_in("12a4")
    assert fake.calls == []


def test_session_lock_forgets_employee_and_token(
    session: SessionService, fake: RecordingClient
) -> None:
    """Lock clears the employee and the client's session token."""
    session.log_in("1111")
    session.lock()
    assert session.employee is None
    assert fake.forgotten
