"""Gift-card numbers: 16 random digits whose last is a Luhn check digit.

The check digit lets the register catch a mistyped digit (and most swapped neighbours)
before any network call; the randomness from ``secrets`` keeps numbers unguessable, so a
number seen on one card says nothing about the next one sold.
"""

from __future__ import annotations

import re
import secrets

from pos_desktop.domain.errors import InvalidCardNumber

CARD_NUMBER_LENGTH = 16
# Payment card numbers (ISO/IEC 7812) have 13 to 19 digits; masking in free text covers them all.
ANY_CARD_NUMBER_LENGTHS = range(13, 20)
MASK = "••••"
NOT_A_NUMBER = "This card number is not valid. Check the digits and try again."


def luhn_check_digit(payload: str) -> int:
    """The digit that, appended to ``payload``, makes the Luhn sum a multiple of 10."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # these digits are doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def has_valid_check_digit(digits: str) -> bool:
    """Whether the last of ``digits`` is the Luhn check digit of the others."""
    return len(digits) > 1 and luhn_check_digit(digits[:-1]) == int(digits[-1])


def generate_card_number() -> str:
    """A fresh card number; the first digit is never 0 so it survives spreadsheets."""
    first = str(secrets.randbelow(9) + 1)
    rest = "".join(str(secrets.randbelow(10)) for _ in range(CARD_NUMBER_LENGTH - 2))
    payload = first + rest
    return payload + str(luhn_check_digit(payload))


def normalize_card_number(text: str) -> str:
    """Strip the spaces and dashes people and printed cards put between digit groups."""
    return "".join(ch for ch in text if ch not in " -\t")


def validate_card_number(text: str) -> str:
    """Return the normalized number, or raise ``InvalidCardNumber`` saying what is wrong."""
    number = normalize_card_number(text)
    if not number:
        raise InvalidCardNumber("Enter or scan the card number.")
    if not number.isascii() or not number.isdigit():
        raise InvalidCardNumber("A card number has digits only.")
    if len(number) != CARD_NUMBER_LENGTH:
        raise InvalidCardNumber(
            f"A card number has {CARD_NUMBER_LENGTH} digits; this one has {len(number)}."
        )
    if not has_valid_check_digit(number):
        raise InvalidCardNumber(NOT_A_NUMBER)
    return number


def is_valid_card_number(text: str) -> bool:
    try:
        validate_card_number(text)
    except InvalidCardNumber:
        return False
    return True


def mask_card_number(number_or_last4: str) -> str:
    """``•••• 4321``: the only form a card number takes on screens, paper and e-mail."""
    return f"{MASK} {number_or_last4[-4:]}"


_DIGIT_RUN = re.compile(r"[0-9]{13,}")  # runs long enough to hold a card number


def holds_card_number(digits: str) -> bool:
    """Whether 13 to 19 consecutive of ``digits`` end in their Luhn check digit."""
    return any(
        has_valid_check_digit(digits[start : start + length])
        for length in ANY_CARD_NUMBER_LENGTHS
        for start in range(len(digits) - length + 1)
    )


def mask_card_numbers_in(text: str) -> str:
    r"""``text`` with every card number in it masked, all else as it was (``\x02``, ``\r``).

    A card number is 13 to 19 ASCII digits that pass the Luhn check. The whole run of digits
    holding one becomes ``•••• 1234`` (its last four), so a number glued to other digits, as
    from a scanner that sends no terminator, is masked too; other runs stay as they are.
    """

    def mask(run: re.Match[str]) -> str:
        digits = run[0]
        return mask_card_number(digits) if holds_card_number(digits) else digits

    return _DIGIT_RUN.sub(mask, text)
