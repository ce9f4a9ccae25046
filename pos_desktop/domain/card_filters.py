"""The managers' card list's filters: checked the same way by the Gift Cards page (before it
asks) and by the server (whatever a register sends), each refusal a sentence a manager reads.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_desktop.domain.card_search import LAST4_LENGTH, InvalidSearch, normalize_email
from pos_desktop.domain.giftcard import CardStatus

# A page of the list: enough rows for a screen, never the whole store at once.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

PERIOD_REVERSED = "The end of the issued period is before its start."
NOT_LAST4 = "Enter the last 4 digits of the card number."
NAIVE_TIME = "A time in the issued period needs its time zone."


@dataclass(frozen=True, slots=True)
class CardFilter:
    """Which cards to list. ``issued_from`` is inclusive, ``issued_until`` exclusive, so a
    day picked on screen is [its midnight, the next midnight) in the store's time zone."""

    status: CardStatus | None = None
    with_balance: bool = False  # only cards whose balance is above zero
    issued_from: datetime | None = None
    issued_until: datetime | None = None
    email: str | None = None  # the recipient's or the buyer's, whole, any case
    last4: str | None = None


def card_filter(
    *,
    status: CardStatus | None = None,
    with_balance: bool = False,
    issued_from: datetime | None = None,
    issued_until: datetime | None = None,
    email: str | None = None,
    last4: str | None = None,
) -> CardFilter:
    """The filter, normalised (e-mail lower-cased, blanks as no filter), or ``InvalidSearch``
    naming what is wrong."""
    for instant in (issued_from, issued_until):
        if instant is not None and instant.tzinfo is None:
            raise InvalidSearch(NAIVE_TIME)
    if issued_from is not None and issued_until is not None and issued_until < issued_from:
        raise InvalidSearch(PERIOD_REVERSED)
    address = (email or "").strip()
    digits = (last4 or "").strip()
    if digits and not (len(digits) == LAST4_LENGTH and digits.isascii() and digits.isdigit()):
        raise InvalidSearch(NOT_LAST4)
    return CardFilter(
        status=status,
        with_balance=with_balance,
        issued_from=issued_from,
        issued_until=issued_until,
        email=normalize_email(address).lower() if address else None,
        last4=digits or None,
    )


def _midnight(day: date, timezone: str) -> datetime:
    zone: tzinfo = UTC
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(timezone)  # a mistyped zone in the settings: UTC, as receipts do
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def issued_days(
    first: date | None, last: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """The days a manager picked, both included, as the instants the list filters by: the
    first day's midnight and the midnight after the last day, on the store's clock."""
    if first is not None and last is not None and last < first:
        raise InvalidSearch(PERIOD_REVERSED)
    start = _midnight(first, timezone) if first is not None else None
    end = _midnight(last + timedelta(days=1), timezone) if last is not None else None
    return start, end
