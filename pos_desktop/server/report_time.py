"""A report's days and hours in SQL: each instant's place on the store's clock, computed by
the database from UTC, on PostgreSQL and SQLite alike.

The store's UTC offset over a range is a handful of fixed segments (one, or a few when the
clocks change inside it); ``LocalClock`` finds them with ``zoneinfo`` and writes the offset as
one ``CASE`` on the instant, so the database groups rows by local day and hour without a time
zone database of its own (SQLite has none) and exactly across a DST change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from pos_desktop import contracts as c
from pos_desktop.domain.report_range import ReportDays
from pos_desktop.sqltypes import UtcDateTime

Instant = ColumnElement[datetime] | QueryableAttribute[datetime]
_EPOCH_DAY = date(1970, 1, 1)
_DAY_SECONDS = 86_400
_HOUR_SECONDS = 3_600


class _EpochSeconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01 UTC of a ``UtcDateTime`` column."""

    type = BigInteger()
    inherit_cache = True


@compiles(_EpochSeconds, "postgresql")
def _epoch_postgresql(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    # UtcDateTime keeps UTC wall-clock text on SQLite, which strftime reads as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@dataclass(frozen=True, slots=True)
class _Segment:
    since: datetime  # UTC; the first segment starts before the range
    offset_seconds: int


def _offset(days: ReportDays, instant: datetime) -> int:
    offset = instant.astimezone(days.zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _change_between(days: ReportDays, before: datetime, after: datetime) -> datetime:
    """The first whole second at or before ``after`` whose offset is ``after``'s, when
    ``before`` has another: a clock change, found by halving."""
    low, high = before, after
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(days, middle) == _offset(days, low):
            low = middle
        else:
            high = middle
    return high


def _segments(days: ReportDays) -> list[_Segment]:
    marks = [*(days.start_at + timedelta(days=n) for n in range(days.days)), days.end_at]
    segments = [_Segment(marks[0], _offset(days, marks[0]))]
    for before, after in pairwise(marks):
        if _offset(days, after) != _offset(days, before):
            since = _change_between(days, before, after)
            segments.append(_Segment(since, _offset(days, since)))
    return segments


@dataclass(frozen=True, slots=True)
class LocalClock:
    """The store's clock over ``days``, in SQL. Valid for instants inside the range."""

    days: ReportDays

    def seconds(self, instant: Instant) -> ColumnElement[int]:
        """The instant as seconds since 1970-01-01 00:00 on the store's clock."""
        segments = _segments(self.days)
        epoch: ColumnElement[int] = _EpochSeconds(instant)
        if len(segments) == 1:
            return epoch + literal(segments[0].offset_seconds, BigInteger)
        whens = [
            (instant < literal(later.since, UtcDateTime), earlier.offset_seconds)
            for earlier, later in pairwise(segments)
        ]
        return epoch + case(*whens, else_=segments[-1].offset_seconds)

    def day(self, instant: Instant) -> ColumnElement[int]:
        """The store's calendar day of the instant, as days since 1970-01-01 (``to_date``)."""
        return self.seconds(instant) // _DAY_SECONDS

    def hour(self, instant: Instant) -> ColumnElement[int]:
        """The hour of the store's day, 0 to 23."""
        return (self.seconds(instant) // _HOUR_SECONDS) % 24


def to_date(day_number: int) -> date:
    return _EPOCH_DAY + timedelta(days=int(day_number))


def range_out(days: ReportDays) -> c.ReportRange:
    return c.ReportRange(
        start=days.start,
        end=days.end,
        timezone=days.zone.key,
        start_at=days.start_at,
        end_at=days.end_at,
    )
