"""The report range's presets, on the store's calendar: the store's today whatever the
register's or UTC's, weeks from the locale's first day, months and years turning over, and
DST days; a range picked by hand that ends before it starts is refused with what to fix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import ErrorCode, InvalidRange
from pos_desktop.domain.report_presets import (
    MONDAY,
    SUNDAY,
    DayRange,
    RangePreset,
    SkippedTime,
    day_range,
    preset_range,
    store_instant,
    store_today,
    week_start,
)

NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_today_is_the_stores_day_not_utcs() -> None:
    """At 03:30 UTC on 4 Nov it is still 3 Nov in New York, and already 4 Nov in Tokyo."""
    now = utc(2026, 11, 4, 3, 30)
    assert preset_range(RangePreset.TODAY, now, NEW_YORK) == DayRange(
        date(2026, 11, 3), date(2026, 11, 3)
    )
    assert preset_range(RangePreset.TODAY, now, TOKYO) == DayRange(
        date(2026, 11, 4), date(2026, 11, 4)
    )


def test_store_instant_reads_the_stores_clock_across_summer_time() -> None:
    """2:30 PM in New York is 18:30 UTC in summer and 19:30 in winter; 1:30 AM on the night
    summer time ends is its first showing (summer's); 3:00 AM on the night it starts is the
    first minute after the skip."""
    zone = "America/New_York"
    assert store_instant(date(2026, 7, 1), 14, 30, zone) == datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
    assert store_instant(date(2026, 11, 3), 14, 30, zone) == datetime(
        2026, 11, 3, 19, 30, tzinfo=UTC
    )
    assert store_instant(date(2026, 11, 1), 1, 30, zone) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert store_instant(date(2026, 3, 8), 1, 59, zone) == datetime(2026, 3, 8, 6, 59, tzinfo=UTC)
    assert store_instant(date(2026, 3, 8), 3, 0, zone) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_store_instant_refuses_a_time_the_clock_skipped() -> None:
    """2:30 AM on 8 Mar 2026 never showed in New York: said, not guessed."""
    with pytest.raises(SkippedTime, match="skipped 02:30 on 2026-03-08"):
        store_instant(date(2026, 3, 8), 2, 30, "America/New_York")


def test_store_instant_refuses_a_time_of_day_that_is_none() -> None:
    with pytest.raises(ValueError, match="no such time of day"):
        store_instant(date(2026, 7, 1), 24, 0, "UTC")


def test_yesterday_crosses_the_year() -> None:
    """On 1 January the store's yesterday is 31 December of the year before."""
    now = utc(2027, 1, 1, 12)
    assert preset_range(RangePreset.YESTERDAY, now, NEW_YORK) == DayRange(
        date(2026, 12, 31), date(2026, 12, 31)
    )


def test_this_week_starts_monday_and_runs_to_today() -> None:
    """Thursday 5 Nov 2026 with weeks from Monday: this week is Mon 2 to Thu 5 Nov."""
    now = utc(2026, 11, 5, 15)
    assert preset_range(RangePreset.THIS_WEEK, now, NEW_YORK, week_starts=MONDAY) == DayRange(
        date(2026, 11, 2), date(2026, 11, 5)
    )


def test_last_week_is_seven_whole_days_before_this_one() -> None:
    now = utc(2026, 11, 5, 15)
    assert preset_range(RangePreset.LAST_WEEK, now, NEW_YORK, week_starts=MONDAY) == DayRange(
        date(2026, 10, 26), date(2026, 11, 1)
    )


def test_a_us_store_starts_its_week_on_sunday() -> None:
    """en_US calendars start on Sunday: on Thursday 5 Nov the week began Sunday 1 Nov, and on
    the Sunday itself the week is that one day."""
    assert week_start("en_US") == SUNDAY
    thursday = utc(2026, 11, 5, 15)
    assert preset_range(RangePreset.THIS_WEEK, thursday, NEW_YORK, week_starts=SUNDAY) == (
        DayRange(date(2026, 11, 1), date(2026, 11, 5))
    )
    sunday = utc(2026, 11, 8, 15)
    assert preset_range(RangePreset.THIS_WEEK, sunday, NEW_YORK, week_starts=SUNDAY) == (
        DayRange(date(2026, 11, 8), date(2026, 11, 8))
    )
    assert preset_range(RangePreset.LAST_WEEK, sunday, NEW_YORK, week_starts=SUNDAY) == (
        DayRange(date(2026, 11, 1), date(2026, 11, 7))
    )


def test_week_start_follows_the_locale_and_falls_back_to_monday() -> None:
    assert week_start("de_DE") == MONDAY
    assert week_start("en_GB") == MONDAY
    assert week_start("ar_EG") == 5  # Saturday
    assert week_start("not a locale") == MONDAY


def test_last_week_crosses_the_year() -> None:
    """Friday 1 Jan 2027 (weeks from Monday): last week is 21 to 27 Dec 2026."""
    now = utc(2027, 1, 1, 18)
    assert preset_range(RangePreset.LAST_WEEK, now, NEW_YORK) == DayRange(
        date(2026, 12, 21), date(2026, 12, 27)
    )


def test_this_month_runs_from_the_first_to_today() -> None:
    now = utc(2026, 11, 17, 15)
    assert preset_range(RangePreset.THIS_MONTH, now, NEW_YORK) == DayRange(
        date(2026, 11, 1), date(2026, 11, 17)
    )


def test_last_month_in_january_is_last_december() -> None:
    now = utc(2027, 1, 10, 15)
    assert preset_range(RangePreset.LAST_MONTH, now, NEW_YORK) == DayRange(
        date(2026, 12, 1), date(2026, 12, 31)
    )


def test_last_month_knows_februarys_length() -> None:
    """In March 2028 (a leap year) last month is 1 to 29 February; in 2027, to the 28th."""
    assert preset_range(RangePreset.LAST_MONTH, utc(2028, 3, 31, 15), NEW_YORK) == DayRange(
        date(2028, 2, 1), date(2028, 2, 29)
    )
    assert preset_range(RangePreset.LAST_MONTH, utc(2027, 3, 1, 15), NEW_YORK) == DayRange(
        date(2027, 2, 1), date(2027, 2, 28)
    )


def test_the_first_of_the_month_in_utc_can_be_last_month_in_the_store() -> None:
    """At 02:00 UTC on 1 Dec it is 30 Nov, 9 pm, in New York: "this month" is November."""
    now = utc(2026, 12, 1, 2)
    assert preset_range(RangePreset.THIS_MONTH, now, NEW_YORK) == DayRange(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    assert preset_range(RangePreset.LAST_MONTH, now, NEW_YORK) == DayRange(
        date(2026, 10, 1), date(2026, 10, 31)
    )


@pytest.mark.parametrize(
    ("now", "today"),
    [
        # 8 Mar 2026, clocks spring forward at 2 am: 06:59 UTC is 1:59 EST, 07:00 is 3:00 EDT.
        (utc(2026, 3, 8, 6, 59), date(2026, 3, 8)),
        (utc(2026, 3, 8, 7, 0), date(2026, 3, 8)),
        # The day after: 04:30 UTC is 0:30 EDT on the 9th, though 23:30 "standard" on the 8th.
        (utc(2026, 3, 9, 4, 30), date(2026, 3, 9)),
        # 1 Nov 2026, clocks fall back: 04:30 UTC is 0:30 EDT on the 1st; 05:30 is 1:30 EDT,
        # 06:30 the second 1:30 (EST); 04:59 UTC on the 2nd is 23:59 EST on the 1st.
        (utc(2026, 11, 1, 4, 30), date(2026, 11, 1)),
        (utc(2026, 11, 1, 6, 30), date(2026, 11, 1)),
        (utc(2026, 11, 2, 4, 59), date(2026, 11, 1)),
        (utc(2026, 11, 2, 5, 0), date(2026, 11, 2)),
    ],
)
def test_today_across_dst_changes(now: datetime, today: date) -> None:
    """The store's day follows its clock through the spring and autumn changes."""
    assert store_today(now, NEW_YORK) == today


def test_an_unknown_zone_counts_days_in_utc() -> None:
    """A zone this machine does not know: UTC's days, as receipts fall back."""
    assert store_today(utc(2026, 11, 4, 23, 30), "Mars/Olympus") == date(2026, 11, 4)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store_today(datetime(2026, 11, 4, 12), NEW_YORK)


def test_a_custom_range_is_taken_as_picked() -> None:
    picked = day_range(date(2026, 11, 2), date(2026, 11, 8))
    assert picked == DayRange(date(2026, 11, 2), date(2026, 11, 8))
    assert picked.days == 7
    assert day_range(date(2026, 11, 2), date(2026, 11, 2)).days == 1


def test_a_range_ending_before_it_starts_is_refused_with_what_to_fix() -> None:
    with pytest.raises(InvalidRange) as refused:
        day_range(date(2026, 11, 8), date(2026, 11, 2))
    assert refused.value.code is ErrorCode.INVALID_RANGE
    assert refused.value.message == (
        "The range ends (2026-11-02) before it starts (2026-11-08). "
        "Pick an end on or after the start."
    )


def test_custom_is_no_preset_to_compute() -> None:
    with pytest.raises(ValueError, match="picked by hand"):
        preset_range(RangePreset.CUSTOM, utc(2026, 11, 4), NEW_YORK)


@given(
    now=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2090, 1, 1),
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from([NEW_YORK, TOKYO, "Europe/Berlin", "Australia/Lord_Howe", "UTC"]),
    starts=st.integers(min_value=0, max_value=6),
    preset=st.sampled_from([p for p in RangePreset if p is not RangePreset.CUSTOM]),
)
def test_every_preset_is_a_range_up_to_today(
    now: datetime, zone: str, starts: int, preset: RangePreset
) -> None:
    """Whatever the instant, zone and week start: the range is in order, never past today,
    a week at most 7 days from its first weekday, a month within one month."""
    picked = preset_range(preset, now, zone, week_starts=starts)
    today = store_today(now, zone)
    assert picked.start <= picked.end <= today
    if preset in (RangePreset.THIS_WEEK, RangePreset.LAST_WEEK):
        assert picked.start.weekday() == starts
        assert picked.days <= 7
        if preset is RangePreset.LAST_WEEK:
            assert picked.days == 7
            assert picked.end == today - timedelta(days=(today.weekday() - starts) % 7 + 1)
    if preset in (RangePreset.THIS_MONTH, RangePreset.LAST_MONTH):
        assert picked.start.day == 1
        assert (picked.start.year, picked.start.month) == (picked.end.year, picked.end.month)
