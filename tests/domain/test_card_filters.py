"""The card list's filters, as the Gift Cards page and the server both check them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pos_desktop.domain.card_filters import PERIOD_REVERSED, card_filter, issued_days
from pos_desktop.domain.card_search import InvalidSearch


def test_issued_days_are_the_stores_midnights() -> None:
    """Days picked in New York are New York's midnights, the last day included."""
    start, end = issued_days(date(2026, 11, 1), date(2026, 11, 2), "America/New_York")

    assert start == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # still summer time
    assert end == datetime(2026, 11, 3, 5, 0, tzinfo=UTC)


def test_issued_days_reversed_are_refused() -> None:
    """A last day before the first is refused with the sentence the manager reads."""
    with pytest.raises(InvalidSearch, match=PERIOD_REVERSED):
        issued_days(date(2026, 11, 2), date(2026, 11, 1), "UTC")


def test_card_filter_blank_fields_filter_nothing() -> None:
    """Blank e-mail and last 4 are no filter; an e-mail is compared lower-cased."""
    assert card_filter(email="  ", last4="").email is None
    assert card_filter(email=" Pat@Example.COM ").email == "pat@example.com"


@pytest.mark.parametrize("last4", ["123", "12345", "12a4", "١٢٣٤"])
def test_card_filter_last4_must_be_four_digits(last4: str) -> None:
    """Anything but four ASCII digits is refused."""
    with pytest.raises(InvalidSearch):
        card_filter(last4=last4)
