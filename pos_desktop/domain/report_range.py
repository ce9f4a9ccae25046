"""The span of days a report covers: the store's calendar days, both ends included, and the
instants they run between in the store's time zone (DST-correct: a day is 23 or 25 hours when
the clocks change)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pos_desktop.domain.errors import InvalidRange

# A year, leap day included: "this month last year" and a whole year both fit.
MAX_REPORT_DAYS = 366
# Reports cover days of this product's life; far dates (year 1, year 9999) have no midnight
# that UTC can hold, and no sale.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


@dataclass(frozen=True, slots=True)
class ReportDays:
    start: date
    end: date
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        """The first instant of ``start`` in the store's zone, as UTC."""
        return day_start(self.start, self.zone)

    @property
    def end_at(self) -> datetime:
        """The first instant after ``end`` (the next day's start), as UTC: not included."""
        return day_start(self.end + timedelta(days=1), self.zone)

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of ``day`` in ``zone``, as UTC. Where a zone skips midnight (a DST change at
    00:00), the day starts at the first instant that exists."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def check_days(start: date, end: date) -> int:
    """How many days ``start`` to ``end`` covers; ``InvalidRange`` saying what to fix when
    the range runs backwards, is longer than ``MAX_REPORT_DAYS`` or leaves ``FIRST_DAY`` to
    ``LAST_DAY``. The register checks a manager's pick with it before asking the server."""
    for day in (start, end):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidRange(
                f"{day.isoformat()} is outside the days a report covers "
                f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})."
            )
    if end < start:
        raise InvalidRange(
            f"The range ends ({end.isoformat()}) before it starts ({start.isoformat()}). "
            "Pick an end on or after the start."
        )
    days = (end - start).days + 1
    if days > MAX_REPORT_DAYS:
        raise InvalidRange(
            f"A report covers at most {MAX_REPORT_DAYS} days; this range has {days}. "
            "Pick a shorter range."
        )
    return days


def report_days(start: date, end: date, zone: ZoneInfo) -> ReportDays:
    """The range ``start`` to ``end`` in ``zone``, once ``check_days`` passes it."""
    check_days(start, end)
    return ReportDays(start, end, zone)


def months_before(instant: datetime, months: int, zone: ZoneInfo) -> datetime:
    """``instant`` moved back ``months`` calendar months on the store's clock (the 31st goes to
    the month's last day when the month is shorter), as UTC."""
    local = instant.astimezone(zone)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    moved = local.replace(year=year, month=month, day=min(local.day, last_day), tzinfo=None)
    return moved.replace(tzinfo=zone).astimezone(UTC)
