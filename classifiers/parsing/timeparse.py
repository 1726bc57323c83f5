"""Timestamp building shared by every format: zones, year inference, range checks.

Parsers hand back aware ``datetime`` objects; :func:`to_iso` turns them into the UTC
ISO 8601 string Elasticsearch indexes. Malformed dates raise :class:`TimestampError`, which
the entry point turns into a typed ``invalid_timestamp`` failure.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip


class TimestampError(ValueError):
    """A timestamp that names no real instant, or one outside the accepted range."""


def build(  # noqa: PLR0917 - the parts of a date, in their natural order
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int, tz: tzinfo
) -> datetime:
    """An aware datetime from parts; :class:`TimestampError` for impossible dates."""
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError as exc:
        raise TimestampError(f"not a real date: {exc}") from None


def micros(fraction: str | None) -> int:
    """Microseconds from the digits after the decimal point (``"5"`` is 500 ms)."""
    if not fraction:
        return 0
    return int(fraction[:6].ljust(6, "0"))


def now_ts(fixed: datetime | None) -> float:
    """POSIX time of "now": the fixed clock of the options or the wall clock."""
    return fixed.timestamp() if fixed is not None else time.time()


def infer_year(  # noqa: PLR0917 - the parts of a date, in their natural order
    month: int, day: int, hour: int, minute: int, second: int, micro: int, tz: tzinfo,
    now: float, max_future_s: float,
) -> datetime:  # fmt: skip
    """Date of a year-less stamp (RFC 3164, Android): this year, or last year if that is future.

    A Dec 31 line read on Jan 1 belongs to the year before; Feb 29 falls back to the most
    recent leap year that keeps it in the past.
    """
    year = _current_year(int(now) // 60, tz)
    for candidate in (year, year - 1, year - 2, year - 3, year - 4):
        try:
            stamp = datetime(candidate, month, day, hour, minute, second, micro, tzinfo=tz)
        except ValueError:
            continue
        if stamp.timestamp() <= now + max_future_s:
            return stamp
    raise TimestampError(f"no year makes month={month} day={day} a past date")


@lru_cache(maxsize=64)
def _current_year(minute: int, tz: tzinfo) -> int:
    """The calendar year in ``tz`` at POSIX minute ``minute`` (zone offsets are whole minutes)."""
    return datetime.fromtimestamp(minute * 60, tz).year


def from_epoch(seconds: float, micro: int = 0) -> datetime:
    """UTC datetime of POSIX seconds (plus microseconds)."""
    try:
        return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=micro)
    except (OverflowError, OSError, ValueError) as exc:
        raise TimestampError(f"epoch {seconds!r} out of range: {exc}") from None


def from_iso(text: str, tz: tzinfo) -> datetime:
    """Aware datetime of an ISO 8601 / RFC 3339 string; naive ones get ``tz``."""
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise TimestampError(f"not an ISO 8601 timestamp: {text[:64]!r}") from None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=tz)


def from_any(value: object, tz: tzinfo) -> datetime:
    """A timestamp of a JSON field: ISO string, or epoch seconds/milliseconds as number."""
    if isinstance(value, bool):
        raise TimestampError("a boolean is not a timestamp")
    if isinstance(value, int | float):
        seconds = float(value)
        if abs(seconds) > 1e11:  # epoch milliseconds (year 5138 in seconds is absurd)
            seconds /= 1000.0
        return from_epoch(seconds)
    if isinstance(value, str):
        return from_iso(value.strip(), tz)
    raise TimestampError(f"a {type(value).__name__} is not a timestamp")


_SECONDS_CACHE: dict[int, str] = {}


def to_iso(stamp: datetime, now: float, max_future_s: float) -> str:
    """UTC ISO 8601 with milliseconds and ``Z`` (what Elasticsearch ``date`` stores).

    Rejects stamps before 1970 or further in the future than allowed. Log lines come in
    bursts of the same second, so the formatted second is cached.
    """
    posix = stamp.timestamp()
    if posix < 0:
        raise TimestampError(f"timestamp {stamp.isoformat()} is before 1970")
    if posix > now + max_future_s:
        raise TimestampError(f"timestamp {stamp.isoformat()} is in the future")
    second = int(posix)
    text = _SECONDS_CACHE.get(second)
    if text is None:
        if len(_SECONDS_CACHE) > 4096:
            _SECONDS_CACHE.clear()
        utc = time.gmtime(second)
        text = _SECONDS_CACHE[second] = (
            f"{utc.tm_year:04d}-{utc.tm_mon:02d}-{utc.tm_mday:02d}T"
            f"{utc.tm_hour:02d}:{utc.tm_min:02d}:{utc.tm_sec:02d}"
        )
    return f"{text}.{stamp.microsecond // 1000:03d}Z"
