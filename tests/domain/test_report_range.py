"""A report's days: the store's midnights as UTC instants (23- and 25-hour days when the
clocks change), the checks on a range, and calendar months back on the store's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pos_desktop.domain.errors import InvalidRange
from pos_desktop.domain.report_range import MAX_REPORT_DAYS, months_before, report_days

NEW_YORK = ZoneInfo("America/New_York")


def test_report_days_run_midnight_to_midnight_store_time() -> None:
    """Nov 1 2026 is 25 hours in New York (the clocks go back); Mar 8 2026 is 23."""
    autumn = report_days(date(2026, 11, 1), date(2026, 11, 1), NEW_YORK)
    spring = report_days(date(2026, 3, 8), date(2026, 3, 8), NEW_YORK)

    assert autumn.start_at == datetime(2026, 11, 1, 4, tzinfo=UTC)
    assert autumn.end_at == datetime(2026, 11, 2, 5, tzinfo=UTC)
    assert spring.end_at - spring.start_at == datetime(2026, 3, 9, 4, tzinfo=UTC) - datetime(
        2026, 3, 8, 5, tzinfo=UTC
    )


def test_report_days_list_each_day_both_ends_included() -> None:
    days = report_days(date(2026, 2, 27), date(2026, 3, 1), NEW_YORK)

    assert list(days.each_day()) == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]


def test_report_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidRange, match="ends \\(2026-11-01\\) before it starts"):
        report_days(date(2026, 11, 2), date(2026, 11, 1), NEW_YORK)


def test_report_range_of_a_year_is_the_longest() -> None:
    longest = report_days(date(2024, 1, 1), date(2024, 12, 31), NEW_YORK)

    assert longest.days == MAX_REPORT_DAYS
    with pytest.raises(InvalidRange, match="at most 366 days; this range has 367"):
        report_days(date(2024, 1, 1), date(2025, 1, 1), NEW_YORK)


@pytest.mark.parametrize(
    ("start", "end"), [(date.min, date(2026, 1, 1)), (date(2026, 1, 1), date.max)]
)
def test_report_range_of_far_dates_is_refused(start: date, end: date) -> None:
    with pytest.raises(InvalidRange, match="outside the days a report covers"):
        report_days(start, end, NEW_YORK)


def test_one_day_is_a_range() -> None:
    assert report_days(date(2026, 11, 20), date(2026, 11, 20), NEW_YORK).days == 1


@pytest.mark.parametrize(
    ("instant", "months", "expected"),
    [
        # 2026-11-04 00:00 EST back 12 months: 2025-11-04 00:00 EST.
        (datetime(2026, 11, 4, 5, tzinfo=UTC), 12, datetime(2025, 11, 4, 5, tzinfo=UTC)),
        # Back across the clock change: 00:00 EDT on May 4.
        (datetime(2026, 11, 4, 5, tzinfo=UTC), 6, datetime(2026, 5, 4, 4, tzinfo=UTC)),
        # March 31 back one month is February's last day.
        (datetime(2026, 3, 31, 16, tzinfo=UTC), 1, datetime(2026, 2, 28, 17, tzinfo=UTC)),
        # January back two months is last year's November.
        (datetime(2026, 1, 15, 17, tzinfo=UTC), 2, datetime(2025, 11, 15, 17, tzinfo=UTC)),
    ],
)
def test_months_before_on_the_store_clock(
    instant: datetime, months: int, expected: datetime
) -> None:
    assert months_before(instant, months, NEW_YORK) == expected
