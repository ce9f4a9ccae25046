"""Employee PIN policy: 4 to 8 ASCII digits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import InvalidPin
from pos_desktop.domain.pin import validate_pin

LENGTH_MESSAGE = "A PIN has 4 to 8 digits."
DIGITS_MESSAGE = "A PIN has digits only."
VALID_PIN = re.compile(r"[0-9]{4,8}")


def fullwidth(digits: str) -> str:
    """The same digits as full-width characters, which ``str.isdigit`` also calls digits."""
    return "".join(chr(0xFF10 + int(d)) for d in digits)


@given(pin=st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_validate_pin_accepts_four_to_eight_digits(pin: str) -> None:
    """Any PIN of 4 to 8 digits is accepted and returned unchanged."""
    # given a PIN of 4 to 8 digits
    # when it is validated
    # then it comes back as it was, leading zeros kept
    assert validate_pin(pin) == pin


@given(
    pin=st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=3),
        st.text(alphabet="0123456789", min_size=9, max_size=20),
    )
)
def test_validate_pin_refuses_too_few_or_too_many_digits(pin: str) -> None:
    """A PIN of 1-3 or more than 8 digits is refused for its length."""
    # given a PIN of digits, too short or too long
    # when it is validated
    with pytest.raises(InvalidPin) as refused:
        validate_pin(pin)
    # then the employee is told the allowed length
    assert refused.value.message == LENGTH_MESSAGE


@pytest.mark.parametrize(
    "pin",
    ["", "12a4", "12 34", " 1234", "1234\n", "-1234", "12.34", "١٢٣٤", fullwidth("1234"), "²³⁴⁵"],
)
def test_validate_pin_refuses_anything_but_ascii_digits(pin: str) -> None:
    """Empty text, letters, spaces, signs and non-ASCII digits are refused."""
    # given a PIN with something other than ASCII digits, or nothing
    # when it is validated
    with pytest.raises(InvalidPin) as refused:
        validate_pin(pin)
    # then the employee is told a PIN has digits only
    assert refused.value.message == DIGITS_MESSAGE


@given(pin=st.text(max_size=12))
def test_validate_pin_accepts_exactly_four_to_eight_ascii_digits(pin: str) -> None:
    """For any text, validation passes if and only if it is 4 to 8 ASCII digits."""
    # given any text
    # when it is validated
    try:
        validate_pin(pin)
    except InvalidPin:
        accepted = False
    else:
        accepted = True
    # then it was accepted exactly when it is a valid PIN
    assert accepted == bool(VALID_PIN.fullmatch(pin))
