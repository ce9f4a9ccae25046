"""The wire models: strict about requests, lenient about answers."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from pos_desktop import contracts as c


def test_contracts_answer_ignores_fields_a_newer_server_adds() -> None:
    """A register keeps working when the server adds a field to a response."""
    body = {"register_id": str(uuid.uuid4()), "token": "t", "added_later": {"x": 1}}

    parsed = c.EnrollResponse.model_validate(body)

    assert parsed.token == "t"


def test_contracts_request_refuses_unknown_fields() -> None:
    """A request with a field the contract does not know is refused, not half-read."""
    with pytest.raises(ValidationError):
        c.RedeemRequest.model_validate({"amount": {"amount": 100}, "amout": 5})


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U$D"])
def test_contracts_money_currency_is_an_iso_code(currency: str) -> None:
    """Currencies are three capital letters."""
    with pytest.raises(ValidationError):
        c.MoneyBody.model_validate({"amount": 100, "currency": currency})


def test_contracts_refuse_nul_in_text() -> None:
    """NUL characters never reach the database."""
    with pytest.raises(ValidationError):
        c.CreateEmployeeRequest.model_validate({"name": "a\x00b", "role": "cashier", "pin": "1234"})
