"""The first start's form rules: a new store and a join, each wrong field named."""

from __future__ import annotations

from typing import Any

import pytest

from pos_desktop.domain.store_setup import (
    ADDRESS_TOO_LONG,
    NAME_TOO_LONG,
    NO_CODE,
    NO_MANAGER_NAME,
    NO_STORE_NAME,
    NOT_A_PHONE,
    NOT_A_URL,
    PIN_LENGTH,
    PINS_DIFFER,
    UNKNOWN_CURRENCY,
    UNKNOWN_LOCALE,
    UNKNOWN_TIMEZONE,
    JoinServer,
    NewStore,
    SetupInvalid,
    join_server,
    new_store,
)

GOOD: dict[str, Any] = {
    "name": " Corner Shop ",
    "address": " 12 Main St, Springfield ",
    "phone": "+1 (555) 010-0199",
    "currency": "eur",
    "locale": "fr_FR",
    "timezone": "Europe/Paris",
    "prices_include_tax": True,
    "manager_name": "Dana",
    "pin": "4821",
    "pin_again": "4821",
}


def errors_of(**changes: Any) -> dict[str, str]:
    with pytest.raises(SetupInvalid) as caught:
        new_store(**(GOOD | changes))
    return caught.value.errors


def test_new_store_trims_and_upper_cases_a_good_form() -> None:
    """A good form becomes a NewStore, names trimmed and the currency upper-cased."""
    assert new_store(**GOOD) == NewStore(
        "Corner Shop",
        "12 Main St, Springfield",
        "+1 (555) 010-0199",
        "EUR",
        "fr_FR",
        "Europe/Paris",
        True,
        "Dana",
        "4821",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", NO_STORE_NAME),
        ({"name": "x" * 101}, "name", NAME_TOO_LONG),
        ({"address": "x" * 501}, "address", ADDRESS_TOO_LONG),
        ({"phone": "call me"}, "phone", NOT_A_PHONE),
        ({"phone": "1" * 41}, "phone", NOT_A_PHONE),
        ({"currency": "EURO"}, "currency", UNKNOWN_CURRENCY),
        ({"currency": "XQZ"}, "currency", UNKNOWN_CURRENCY),
        ({"currency": ""}, "currency", UNKNOWN_CURRENCY),
        ({"locale": "zz_QQ"}, "locale", UNKNOWN_LOCALE),
        ({"timezone": "Mars/Olympus"}, "timezone", UNKNOWN_TIMEZONE),
        ({"timezone": "../../etc/passwd"}, "timezone", UNKNOWN_TIMEZONE),
        ({"manager_name": ""}, "manager_name", NO_MANAGER_NAME),
        ({"pin": "123", "pin_again": "123"}, "pin", PIN_LENGTH),
        ({"pin": "123456789", "pin_again": "123456789"}, "pin", PIN_LENGTH),
        ({"pin": "12a4", "pin_again": "12a4"}, "pin", PIN_LENGTH),
        ({"pin_again": "4822"}, "pin_again", PINS_DIFFER),
    ],
)
def test_new_store_refuses_each_bad_field_by_name(
    changes: dict[str, Any], field: str, message: str
) -> None:
    """Each bad field is refused with its own message, and only that field."""
    assert errors_of(**changes) == {field: message}


def test_new_store_names_every_bad_field_at_once() -> None:
    """Several bad fields are all named in one go, so the manager fixes them together."""
    errors = errors_of(name="", currency="?", pin="1")
    assert set(errors) == {"name", "currency", "pin"}


def test_join_server_trims_a_good_form() -> None:
    """A good join form becomes a JoinServer without the trailing slash."""
    assert join_server(server_url=" https://pos.example.com:8000/ ", code=" AB12 ") == JoinServer(
        "https://pos.example.com:8000", "AB12"
    )


@pytest.mark.parametrize(
    "url", ["", "pos.example.com", "ftp://pos.example.com", "http://", "http://[x"]
)
def test_join_server_refuses_an_address_that_is_not_http(url: str) -> None:
    """Only an http(s) address with a host is a server address."""
    with pytest.raises(SetupInvalid) as caught:
        join_server(server_url=url, code="AB12")
    assert caught.value.errors == {"server_url": NOT_A_URL}


def test_join_server_refuses_an_empty_code() -> None:
    """An enrollment code is required."""
    with pytest.raises(SetupInvalid) as caught:
        join_server(server_url="http://server:8000", code="  ")
    assert caught.value.errors == {"code": NO_CODE}
