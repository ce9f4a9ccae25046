"""The days a report covers: the presets a manager taps (today, last week, ...) and a range
picked by hand, as the store's calendar days, both ends included (as the server takes them).

"Today" is the store's today, not the register's nor UTC's: a register in another zone, or a
manager closing at 11 pm in New York (already tomorrow in UTC), reads the store's day. A week
starts on the day the store's locale starts it (Monday in most of the world, Sunday in the
US, Saturday in much of the Middle East), as ``week_start`` reads it from the locale's data.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.report_range import check_days

MONDAY = 0  # date.weekday()'s numbering
SUNDAY = 6


class RangePreset(StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    CUSTOM = "custom"


PRESET_LABELS = {
    RangePreset.TODAY: "Today",
    RangePreset.YESTERDAY: "Yesterday",
    RangePreset.THIS_WEEK: "This week",
    RangePreset.LAST_WEEK: "Last week",
    RangePreset.THIS_MONTH: "This month",
    RangePreset.LAST_MONTH: "Last month",
    RangePreset.CUSTOM: "Custom",
}


@dataclass(frozen=True, slots=True)
class DayRange:
    """The store's days ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def day_range(start: date, end: date) -> DayRange:
    """A range picked by hand, checked as the server checks it (``check_days``): refused
    with ``InvalidRange`` saying what to fix, before any call."""
    check_days(start, end)
    return DayRange(start, end)


def week_start(locale: str) -> int:
    """The weekday (Monday 0) the store's locale starts a week on; Monday when unknown."""
    try:
        return int(Locale.parse(locale).first_week_day)
    except (UnknownLocaleError, ValueError, TypeError):
        return MONDAY


def store_zone(timezone: str) -> tzinfo:
    """The store's zone; UTC when the settings name none this machine knows (as receipts do)."""
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(timezone)
    return UTC


class SkippedTime(DomainError):
    """A time of day the store's clock never showed (the hour skipped when summer time
    starts): no instant to report at."""


def store_instant(day: date, hour: int, minute: int, timezone: str) -> datetime:
    """The instant (UTC) the store's clock read ``day`` ``hour``:``minute``. A time shown
    twice (the hour repeated when summer time ends) is its first showing; a time never shown
    is ``SkippedTime``, saying so, rather than an instant the manager did not mean."""
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"no such time of day: {hour}:{minute:02d}")
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=store_zone(timezone))
    instant = local.astimezone(UTC)
    if instant.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise SkippedTime(
            f"The store's clock skipped {hour:02d}:{minute:02d} on {day.isoformat()} "
            "(summer time began): pick a time before or after the skip."
        )
    return instant


def store_today(now: datetime, timezone: str) -> date:
    """The store's calendar day at the instant ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(store_zone(timezone)).date()


def preset_range(
    preset: RangePreset, now: datetime, timezone: str, *, week_starts: int = MONDAY
) -> DayRange:
    """The days ``preset`` means at the instant ``now``, on the store's calendar; the current
    week and month run up to today (the days to come have nothing to report yet)."""
    if preset is RangePreset.CUSTOM:
        raise ValueError("a custom range is picked by hand: day_range()")
    today = store_today(now, timezone)
    if preset is RangePreset.TODAY:
        return DayRange(today, today)
    if preset is RangePreset.YESTERDAY:
        yesterday = today - timedelta(days=1)
        return DayRange(yesterday, yesterday)
    if preset in (RangePreset.THIS_WEEK, RangePreset.LAST_WEEK):
        week_start = today - timedelta(days=(today.weekday() - week_starts) % 7)
        if preset is RangePreset.THIS_WEEK:
            return DayRange(week_start, today)
        return DayRange(week_start - timedelta(days=7), week_start - timedelta(days=1))
    month_start = today.replace(day=1)
    if preset is RangePreset.THIS_MONTH:
        return DayRange(month_start, today)
    last_month_end = month_start - timedelta(days=1)
    return DayRange(last_month_end.replace(day=1), last_month_end)
