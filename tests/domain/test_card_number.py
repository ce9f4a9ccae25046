"""Gift-card numbers: 16 random digits ending in a Luhn check digit, shown masked."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.card_number import (
    generate_card_number,
    is_valid_card_number,
    luhn_check_digit,
    mask_card_number,
    mask_card_numbers_in,
    normalize_card_number,
    validate_card_number,
)
from pos_desktop.domain.errors import InvalidCardNumber

GENERATED_COUNT = 1000
# Real card numbers are ~9e15 apart at random; two consecutive ones this close would mean a
# counter, not randomness (the chance by luck is about 2e-7 over the whole sample).
SEQUENTIAL_GAP = 10**6


def reference_luhn_is_valid(number: str) -> bool:
    """Luhn as the textbook states it, written independently of the code under test."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def complete_with_check_digit(payload: str) -> str:
    """The one number ``payload + d`` that passes the reference Luhn check."""
    (number,) = [payload + str(d) for d in range(10) if reference_luhn_is_valid(payload + str(d))]
    return number


def fullwidth(digits: str) -> str:
    """The same digits as full-width characters, which ``str.isdigit`` also calls digits."""
    return "".join(chr(0xFF10 + int(d)) for d in digits)


payloads = st.text(alphabet="0123456789", min_size=15, max_size=15)
valid_numbers = payloads.map(complete_with_check_digit)


@pytest.fixture(scope="module")
def generated() -> list[str]:
    """A thousand freshly generated numbers, in the order they were generated."""
    return [generate_card_number() for _ in range(GENERATED_COUNT)]


# --- Luhn ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "check_digit"),
    [("411111111111111", 1), ("555555555555444", 4), ("401288888888188", 1), ("7992739871", 3)],
)
def test_luhn_check_digit_matches_published_examples(payload: str, check_digit: int) -> None:
    """The check digit of well-known test numbers is the published one."""
    # given the payload of a published Luhn example
    # when its check digit is computed
    # then it is the published check digit
    assert luhn_check_digit(payload) == check_digit


@given(payload=payloads)
def test_luhn_check_digit_completes_a_valid_number(payload: str) -> None:
    """Appending the computed check digit always passes the textbook Luhn check."""
    # given any 15-digit payload
    # when its check digit is appended
    number = payload + str(luhn_check_digit(payload))
    # then the textbook check passes
    assert reference_luhn_is_valid(number)


@given(
    number=valid_numbers,
    position=st.integers(min_value=0, max_value=15),
    shift=st.integers(min_value=1, max_value=9),
)
def test_validate_card_number_catches_every_single_digit_error(
    number: str, position: int, shift: int
) -> None:
    """Changing any one digit of a valid number makes it invalid."""
    # given a valid number with one digit replaced by a different digit
    wrong_digit = str((int(number[position]) + shift) % 10)
    mistyped = number[:position] + wrong_digit + number[position + 1 :]
    # when it is checked
    # then the check digit gives it away
    assert not is_valid_card_number(mistyped)


# --- generate --------------------------------------------------------------------------------


def test_generate_card_number_makes_sixteen_ascii_digits(generated: list[str]) -> None:
    """Every generated number is exactly 16 ASCII digits."""
    # given a thousand generated numbers
    # then each is 16 ASCII digits
    assert all(len(n) == 16 and n.isascii() and n.isdigit() for n in generated)


def test_generate_card_number_passes_luhn(generated: list[str]) -> None:
    """Every generated number passes the Luhn check and the register's validation."""
    # given a thousand generated numbers
    # then each passes the textbook check and validates to itself
    assert all(reference_luhn_is_valid(n) for n in generated)
    assert all(validate_card_number(n) == n for n in generated)


def test_generate_card_number_never_starts_with_zero(generated: list[str]) -> None:
    """No generated number starts with 0, so spreadsheets cannot strip it."""
    # given a thousand generated numbers
    # then none starts with 0
    assert not [n for n in generated if n.startswith("0")]


def test_generate_card_number_makes_distinct_numbers(generated: list[str]) -> None:
    """A thousand generated numbers are all different."""
    # given a thousand generated numbers
    # then no number repeats
    assert len(set(generated)) == GENERATED_COUNT


def test_generate_card_number_is_not_sequential(generated: list[str]) -> None:
    """Consecutive numbers are far apart and not a fixed step, so one says nothing of the next."""
    # given a thousand numbers in the order they were generated
    values = [int(n) for n in generated]
    steps = [later - earlier for earlier, later in itertools.pairwise(values)]
    # then no two consecutive numbers are close
    assert min(abs(step) for step in steps) > SEQUENTIAL_GAP
    # and the steps between them are not one constant
    assert len(set(steps)) > 1


def test_generate_card_number_uses_every_first_digit(generated: list[str]) -> None:
    """The first digit varies over 1-9, so the number space is not narrowed."""
    # given a thousand generated numbers
    # then all nine non-zero first digits occur
    assert {n[0] for n in generated} == set("123456789")


# --- validate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111\t1111 1111-1111", " 4111111111111111 "],
)
def test_validate_card_number_normalizes_spaces_and_dashes(typed: str) -> None:
    """Spaces, dashes and tabs between digit groups are removed."""
    # given a valid number typed with group separators
    # when it is validated
    number = validate_card_number(typed)
    # then the plain 16 digits come back
    assert number == "4111111111111111"


def test_normalize_card_number_keeps_only_what_is_not_a_separator() -> None:
    """Normalizing removes separators and leaves everything else for validation to judge."""
    # given text with separators and a letter
    # when it is normalized
    # then only the separators are gone
    assert normalize_card_number("41-11 A1\t1") == "4111A11"


@pytest.mark.parametrize(("typed", "length"), [("411111111111111", 15), ("41111111111111111", 17)])
def test_validate_card_number_names_the_wrong_length(typed: str, length: int) -> None:
    """A number of the wrong length is refused, saying how many digits it has."""
    # given a number one digit short or long
    # when it is validated
    with pytest.raises(InvalidCardNumber) as refused:
        validate_card_number(typed)
    # then the message gives the expected and actual lengths
    assert refused.value.message == f"A card number has 16 digits; this one has {length}."


@pytest.mark.parametrize(
    "typed",
    ["4111 1111 1111 111A", "gift-card", fullwidth("4111111111111111"), "4111.1111.1111.1111"],
)
def test_validate_card_number_refuses_anything_but_ascii_digits(typed: str) -> None:
    """Letters, punctuation and non-ASCII digits are refused as not digits."""
    # given text with something other than ASCII digits and separators
    # when it is validated
    with pytest.raises(InvalidCardNumber) as refused:
        validate_card_number(typed)
    # then the cashier is told a card number has digits only
    assert refused.value.message == "A card number has digits only."


@pytest.mark.parametrize("typed", ["", "   ", " - "])
def test_validate_card_number_asks_for_a_number_when_empty(typed: str) -> None:
    """Nothing but separators asks the cashier to enter or scan the number."""
    # given empty text
    # when it is validated
    with pytest.raises(InvalidCardNumber) as refused:
        validate_card_number(typed)
    # then the cashier is asked for the number
    assert refused.value.message == "Enter or scan the card number."


def test_validate_card_number_refuses_a_wrong_check_digit() -> None:
    """Sixteen digits with the wrong check digit are refused as not valid."""
    # given a valid number with its last digit changed
    # when it is validated
    with pytest.raises(InvalidCardNumber) as refused:
        validate_card_number("4111111111111112")
    # then the cashier is asked to check the digits
    assert refused.value.message == "This card number is not valid. Check the digits and try again."


# --- mask ------------------------------------------------------------------------------------


def test_mask_card_number_shows_only_the_last_four() -> None:
    """A full number is shown as four bullets, a space and its last four digits."""
    # given a full card number
    # when it is masked
    # then only the last four digits remain
    assert mask_card_number("4111111111114321") == "•••• 4321"


def test_mask_card_number_accepts_just_the_last_four() -> None:
    """The last four digits alone mask the same way as the full number."""
    # given only the last four digits, as stored for receipts
    # when they are masked
    # then the result is the same as for the full number
    assert mask_card_number("4321") == "•••• 4321"


@given(number=valid_numbers)
def test_mask_card_number_never_reveals_more_than_four_digits(number: str) -> None:
    """Any masked number has exactly four digits in it."""
    # given any valid number
    # when it is masked
    masked = mask_card_number(number)
    # then it is bullets plus the last four digits, and nothing more
    assert masked == "•••• " + number[-4:]
    assert sum(ch.isdigit() for ch in masked) == 4


# --- mask in free text ------------------------------------------------------------------------


def test_mask_card_numbers_in_masks_a_number_between_framing_bytes() -> None:
    """A card number scanned between STX and CR is masked; the framing bytes stay."""
    # given a scan as a serial scanner frames it
    # when the card numbers in it are masked
    # then the number shows as its last four, between the same framing bytes
    assert mask_card_numbers_in("\x026035718492055184\r") == "\x02•••• 5184\r"


@pytest.mark.parametrize("payload", ["401288888888", "401288888888188812"])
def test_mask_card_numbers_in_masks_13_and_19_digit_numbers(payload: str) -> None:
    """The shortest and the longest card numbers (13 and 19 digits) passing Luhn are masked."""
    # given a 13- or 19-digit number that passes the Luhn check
    number = complete_with_check_digit(payload)
    # when the card numbers in it are masked
    # then only its last four digits show
    assert mask_card_numbers_in(f"[{number}]") == f"[•••• {number[-4:]}]"


def test_mask_card_numbers_in_leaves_a_number_failing_luhn() -> None:
    """A product barcode of 13 digits that fails the Luhn check is shown as it is."""
    # given an EAN-13 whose digits fail the Luhn check
    # when the card numbers in it are masked
    # then it is unchanged
    assert mask_card_numbers_in("0012345000024\r") == "0012345000024\r"


def test_mask_card_numbers_in_leaves_runs_shorter_than_13_digits() -> None:
    """Twelve digits that pass the Luhn check are no card number and stay as they are."""
    # given 12 digits passing the Luhn check
    short = complete_with_check_digit("40128888888")
    # when the card numbers in it are masked
    # then it is unchanged
    assert mask_card_numbers_in(short) == short


def test_mask_card_numbers_in_masks_a_number_glued_to_other_digits() -> None:
    """A card number run together with other digits (no terminator between scans) is masked
    with the run it is in."""
    # given a card number with a barcode's digits straight after it
    glued = "6035718492055184" + "0012345000024"
    # when the card numbers in it are masked
    masked = mask_card_numbers_in(glued + "\n")
    # then no digit of the card number but the run's last four is left
    assert masked == "•••• 0024\n"


@given(number=valid_numbers, before=st.text(), after=st.text())
def test_mask_card_numbers_in_never_shows_a_whole_card_number(
    number: str, before: str, after: str
) -> None:
    """Whatever surrounds a valid card number, the masked text does not contain it."""
    # given any text with a valid card number in it
    # when the card numbers in it are masked
    masked = mask_card_numbers_in(before + number + after)
    # then the number is not in the result
    assert number not in masked
