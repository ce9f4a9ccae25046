"""What a Gift Cards search text is: e-mail, last 4 digits, or a card number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.card_number import luhn_check_digit
from pos_desktop.domain.card_search import (
    EMPTY_SEARCH,
    INCOMPLETE_EMAIL,
    NOT_A_NUMBER,
    InvalidSearch,
    SearchKind,
    classify_search,
)

NUMBER = "603571849205518"
NUMBER += str(luhn_check_digit(NUMBER))


def test_classify_search_text_with_at_is_an_email() -> None:
    """Anything with an @ is an e-mail, trimmed."""
    query = classify_search("  Alex.Morgan@example.com ")
    assert (query.kind, query.value) == (SearchKind.EMAIL, "Alex.Morgan@example.com")


def test_classify_search_four_digits_are_the_last4() -> None:
    """Four digits are the end of a card number."""
    assert classify_search("5518").kind is SearchKind.LAST4


def test_classify_search_grouped_number_is_a_number() -> None:
    """A printed number with spaces and dashes is the number, digits only."""
    query = classify_search(f"{NUMBER[:4]} {NUMBER[4:8]}-{NUMBER[8:]}")
    assert (query.kind, query.value) == (SearchKind.NUMBER, NUMBER)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", EMPTY_SEARCH),
        ("   ", EMPTY_SEARCH),
        ("alex.morgan", INCOMPLETE_EMAIL),
        ("pat@", INCOMPLETE_EMAIL),
        (NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10), NOT_A_NUMBER),
    ],
)
def test_classify_search_says_what_is_wrong(text: str, message: str) -> None:
    """Empty, half an e-mail, or a mistyped number: refused with what to fix."""
    with pytest.raises(InvalidSearch) as refused:
        classify_search(text)
    assert refused.value.message == message


@pytest.mark.parametrize("digits", ["1", "123", "12345", "12345678901", "1" * 20])
def test_classify_search_digit_counts_that_are_neither(digits: str) -> None:
    """Digits that are neither 4 nor a card number's length name the count."""
    with pytest.raises(InvalidSearch, match=f"{len(digits)} digit"):
        classify_search(digits)


@given(st.text(max_size=40))
def test_classify_search_never_fails_otherwise(text: str) -> None:
    """Any text is a query or an InvalidSearch; nothing else escapes."""
    try:
        query = classify_search(text)
    except InvalidSearch:
        return
    assert query.value
