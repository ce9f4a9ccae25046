"""What a cashier typed into the Gift Cards search: an e-mail, a card's last 4 digits, or a
whole card number; decided before any network call, and said plainly when it is none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_desktop.domain.card_number import (
    NOT_A_NUMBER,
    has_valid_check_digit,
    normalize_card_number,
)
from pos_desktop.domain.errors import DomainError, ErrorCode

MAX_EMAIL_LENGTH = 254
LAST4_LENGTH = 4
# Card numbers in the wild (ISO/IEC 7812) are 12 to 19 digits; this store's are 16.
MIN_NUMBER_LENGTH = 12
MAX_NUMBER_LENGTH = 19

EMPTY_SEARCH = "Enter an e-mail address, a card number or the card's last 4 digits."
INCOMPLETE_EMAIL = "Enter the full e-mail address, like name@example.com."


class InvalidSearch(DomainError):
    code = ErrorCode.INVALID_SEARCH


class SearchKind(StrEnum):
    EMAIL = "email"  # recipient's or buyer's
    LAST4 = "last4"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    kind: SearchKind
    value: str  # the e-mail as typed (trimmed), the 4 digits, or the digits of the number


def normalize_email(text: str) -> str:
    """The e-mail to search for, or ``InvalidSearch`` saying what is missing."""
    email = text.strip()
    if not email:
        raise InvalidSearch("Enter the recipient's e-mail address.")
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain or " " in email or len(email) > MAX_EMAIL_LENGTH:
        raise InvalidSearch(INCOMPLETE_EMAIL)
    return email


def classify_search(text: str) -> SearchQuery:
    """``@`` -> e-mail; 4 digits -> last 4; 12-19 digits passing Luhn -> card number."""
    shown = text.strip()
    if not shown:
        raise InvalidSearch(EMPTY_SEARCH)
    if "@" in shown:
        return SearchQuery(SearchKind.EMAIL, normalize_email(shown))
    digits = normalize_card_number(shown)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidSearch(INCOMPLETE_EMAIL)
    if len(digits) == LAST4_LENGTH:
        return SearchQuery(SearchKind.LAST4, digits)
    if MIN_NUMBER_LENGTH <= len(digits) <= MAX_NUMBER_LENGTH:
        if not has_valid_check_digit(digits):
            raise InvalidSearch(NOT_A_NUMBER)
        return SearchQuery(SearchKind.NUMBER, digits)
    raise InvalidSearch(
        f"Type the card's last {LAST4_LENGTH} digits or its whole number; "
        f"{len(digits)} digit{'s' if len(digits) != 1 else ''} is neither."
    )
