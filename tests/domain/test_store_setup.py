"""The first start's form rules (a new store and a join) and the store's tax rates and tip
buttons as a manager types them, each wrong field named."""

from __future__ import annotations

from typing import Any

import pytest

from pos_desktop.domain.store_setup import (
    ADDRESS_TOO_LONG,
    COMMON_TIMEZONES,
    NAME_TOO_LONG,
    NO_CODE,
    NO_MANAGER_NAME,
    NO_RATE_NAME,
    NO_RATE_PERCENT,
    NO_STORE_NAME,
    NO_TIP_PRESET,
    NOT_A_PHONE,
    NOT_A_TIP,
    NOT_A_URL,
    PIN_LENGTH,
    PINS_DIFFER,
    RATE_NAME_TOO_LONG,
    TOO_MANY_RATES,
    UNKNOWN_CURRENCY,
    UNKNOWN_LOCALE,
    UNKNOWN_TIMEZONE,
    JoinServer,
    NewStore,
    SetupInvalid,
    join_server,
    known_timezone,
    new_store,
    rate_name_twice,
    tax_rates,
    timezone_choices,
    tip_presets,
    tip_twice,
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


def test_new_store_takes_an_optional_tax_rate() -> None:
    """A name and a percentage make the store's first rate; neither, no rate."""
    assert new_store(**GOOD, tax_rate_name=" Sales tax ", tax_rate_percent="8.25").tax_rates == (
        ("Sales tax", 825),
    )
    assert new_store(**GOOD, tax_rate_name=" ", tax_rate_percent="").tax_rates == ()


@pytest.mark.parametrize(
    ("name", "percent", "message"),
    [
        ("", "8.25", NO_RATE_NAME),
        ("VAT", "", NO_RATE_PERCENT),
        ("VAT", "120", "Tax rate: a rate cannot be over 100 %."),
        ("VAT", "eight", "Tax rate: “eight” is not a percentage."),
    ],
)
def test_new_store_refuses_a_half_or_bad_tax_rate(name: str, percent: str, message: str) -> None:
    """A rate without a name, without a percentage, or over 100 % is said beside it."""
    assert errors_of(tax_rate_name=name, tax_rate_percent=percent) == {"tax_rate": message}


def test_tax_rates_as_typed_become_basis_points() -> None:
    """Each row's name (spaces tidied) and percentage ("8.25 %", "0") in basis points."""
    rows = [("  Standard  rate ", "8.25 %"), ("Food", "0"), ("Luxury", "100")]
    assert tax_rates(rows) == (("Standard rate", 825), ("Food", 0), ("Luxury", 10_000))


def test_tax_rates_name_each_bad_row() -> None:
    """Every bad row is named by its place, so its message shows next to it."""
    rows = [
        ("Standard", "8.25"),
        ("", "5"),
        ("standard", "7"),
        ("Luxury", "100.5"),
        ("x" * 41, "1"),
        ("Reduced", ""),
    ]
    with pytest.raises(SetupInvalid) as caught:
        tax_rates(rows)
    assert caught.value.errors == {
        "tax_rates.1": NO_RATE_NAME,
        "tax_rates.2": rate_name_twice("standard"),
        "tax_rates.3": "Tax rate: a rate cannot be over 100 %.",
        "tax_rates.4": RATE_NAME_TOO_LONG,
        "tax_rates.5": NO_RATE_PERCENT,
    }


def test_tax_rates_at_most_ten() -> None:
    with pytest.raises(SetupInvalid) as caught:
        tax_rates([(f"Rate {n}", "1") for n in range(11)])
    assert caught.value.errors == {"tax_rates": TOO_MANY_RATES}


def test_tip_presets_skip_blanks_and_come_smallest_first() -> None:
    assert tip_presets(["20", "", " 5 %", "12"]) == (5, 12, 20)


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["", " "], NO_TIP_PRESET),
        (["0"], NOT_A_TIP),
        (["101"], NOT_A_TIP),
        (["12.5"], NOT_A_TIP),
        (["-5"], NOT_A_TIP),
        (["15", "10", "15"], tip_twice(15)),
    ],
)
def test_tip_presets_refuse_what_is_not_a_button(texts: list[str], message: str) -> None:
    with pytest.raises(SetupInvalid) as caught:
        tip_presets(texts)
    assert caught.value.errors == {"tip_presets": message}


def test_store_setup_timezone_choices_put_common_zones_first_once() -> None:
    """The picker lists the common zones first and every zone once; each is a known zone."""
    choices = timezone_choices()

    assert choices[: len(COMMON_TIMEZONES)] == COMMON_TIMEZONES
    assert len(set(choices)) == len(choices)
    assert "Pacific/Auckland" in choices and all(known_timezone(z) for z in choices[:20])
    assert timezone_choices() is choices  # read from the zone database once
