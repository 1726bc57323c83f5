"""Timestamp building shared by every format: zones, year inference, range checks.

Parsers hand back a :data:`Stamp`: an :class:`Instant` (POSIX seconds and UTC text, built
without ``datetime`` for UTC and fixed-offset stamps, the common case) or an aware
``datetime`` (IANA zones with daylight saving). :func:`to_iso` checks the range and gives the
UTC ISO 8601 string Elasticsearch indexes. Malformed dates raise :class:`TimestampError`,
which the entry point turns into a typed ``invalid_timestamp`` failure.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
from typing import NamedTuple, TypeAlias, TypeVar

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_LAST_POSIX = 253_402_300_800  # 10000-01-01T00:00:00Z
#: Epoch numbers in nano-, micro- and milliseconds (zap's EpochNanos, ...), told apart by size:
#: (above this, units per second).
_EPOCH_UNITS = ((10**17, 10**9), (10**14, 10**6), (10**11, 10**3))
_SECONDS_CACHE: dict[int, str] = {}  # log lines come in bursts of the same second


class TimestampError(ValueError):
    """A timestamp that names no real instant, or one outside the accepted range."""


class Instant(NamedTuple):
    """A UTC instant already formatted: POSIX seconds and ISO 8601 text with ms and ``Z``."""

    posix: float
    iso: str


Stamp: TypeAlias = Instant | datetime
K = TypeVar("K")


@lru_cache(maxsize=64)
def _fixed_offset(tz: tzinfo) -> int | None:
    """Seconds east of UTC when ``tz`` has one constant offset (UTC, ``+0200``), else None."""
    if isinstance(tz, timezone):
        offset = tz.utcoffset(None)
        return int(offset.total_seconds())
    if getattr(tz, "key", None) in ("UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal"):
        return 0
    return None


@lru_cache(maxsize=8192)
def _civil_day(year: int, month: int, day: int) -> tuple[int, str]:
    """Days since 1970-01-01 and ``YYYY-MM-DD`` of a calendar date (dates repeat a lot)."""
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise TimestampError(f"not a real date: {exc}") from None
    return parsed.toordinal() - _EPOCH_ORDINAL, parsed.isoformat()


def build(  # noqa: PLR0917 - the parts of a date, in their natural order
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int, tz: tzinfo
) -> Stamp:
    """The instant of local date parts in ``tz``; :class:`TimestampError` for impossible ones.

    Whole seconds are remembered (log lines come in bursts of the same second), so most
    lines pay a dict lookup and the fraction, not the calendar arithmetic.
    """
    key = (year, month, day, hour, minute, second, tz)
    whole = _WHOLE_SECONDS.get(key)
    if whole is None:
        whole = remember(
            _WHOLE_SECONDS, key, _whole_second(year, month, day, hour, minute, second, tz)
        )
    return plus_micro(whole, micro) if micro else whole


def plus_micro(whole: Stamp, micro: int) -> Stamp:
    """``whole``, a stamp on a whole second, plus ``micro`` microseconds."""
    if not micro:
        return whole
    if isinstance(whole, Instant):
        return Instant(whole.posix + micro / 1e6, f"{whole.iso[:-4]}{micro // 1000:03d}Z")
    return whole.replace(microsecond=micro)


def remember(memo: dict[K, Stamp], key: K, stamp: Stamp) -> Stamp:
    """Store ``stamp`` in a memo of whole seconds (emptied when full); returns it."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = stamp
    return stamp


_WHOLE_SECONDS: dict[tuple[int, int, int, int, int, int, tzinfo], Stamp] = {}
_MEMO_LIMIT = 8192


def _whole_second(  # noqa: PLR0917 - the parts of a date, in their natural order
    year: int, month: int, day: int, hour: int, minute: int, second: int, tz: tzinfo
) -> Stamp:
    offset = _fixed_offset(tz)
    if offset is None:
        try:
            return datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except ValueError as exc:
            raise TimestampError(f"not a real date: {exc}") from None
    if hour > 23 or minute > 59 or second > 59:
        raise TimestampError(f"not a real time: {hour:02d}:{minute:02d}:{second:02d}")
    days, day_text = _civil_day(year, month, day)
    if offset:
        return from_epoch(days * 86400 + hour * 3600 + minute * 60 + second - offset)
    return Instant(
        days * 86400 + hour * 3600 + minute * 60 + second + 0.0,
        f"{day_text}T{hour:02d}:{minute:02d}:{second:02d}.000Z",
    )


def micros(fraction: str | None) -> int:
    """Microseconds from the digits after the decimal point (``"5"`` is 500 ms)."""
    if not fraction:
        return 0
    return int(fraction[:6].ljust(6, "0"))


def infer_year(  # noqa: PLR0917 - the parts of a date, in their natural order
    month: int, day: int, hour: int, minute: int, second: int, micro: int, tz: tzinfo,
    now: float, max_future_s: float,
) -> Stamp:  # fmt: skip
    """Date of a year-less stamp (RFC 3164, Android): this year, or last year if that is future.

    A Dec 31 line read on Jan 1 belongs to the year before; Feb 29 falls back to the most
    recent leap year that keeps it in the past.
    """
    year = _current_year(int(now) // 60, tz)
    latest = now + max_future_s
    for candidate in range(year, year - 5, -1):
        try:
            stamp = build(candidate, month, day, hour, minute, second, micro, tz)
        except TimestampError:
            continue
        if posix_seconds(stamp) <= latest:
            return stamp
    raise TimestampError(f"no year makes month={month} day={day} a past date")


def posix_seconds(stamp: Stamp) -> float:
    """POSIX seconds of either kind of stamp."""
    return stamp.posix if isinstance(stamp, Instant) else stamp.timestamp()


@lru_cache(maxsize=64)
def _current_year(minute: int, tz: tzinfo) -> int:
    """The calendar year in ``tz`` at POSIX minute ``minute`` (zone offsets are whole minutes)."""
    return datetime.fromtimestamp(minute * 60, tz).year


def from_epoch(seconds: float, micro: int = 0) -> Instant:
    """The instant of POSIX ``seconds`` (plus microseconds)."""
    if not 0 <= seconds < _LAST_POSIX:
        raise TimestampError(f"epoch {seconds!r} is before 1970 or after 9999")
    whole = int(seconds)
    micro += round((seconds - whole) * 1e6)
    whole, micro = whole + micro // 1_000_000, micro % 1_000_000
    text = _SECONDS_CACHE.get(whole)
    if text is None:
        if len(_SECONDS_CACHE) > 16384:
            _SECONDS_CACHE.clear()
        utc = time.gmtime(whole)
        text = _SECONDS_CACHE[whole] = (
            f"{utc.tm_year:04d}-{utc.tm_mon:02d}-{utc.tm_mday:02d}T"
            f"{utc.tm_hour:02d}:{utc.tm_min:02d}:{utc.tm_sec:02d}"
        )
    return Instant(whole + micro / 1e6, f"{text}.{micro // 1000:03d}Z")


def from_iso(text: str, tz: tzinfo) -> datetime:
    """Aware datetime of an ISO 8601 / RFC 3339 string; naive ones get ``tz``."""
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise TimestampError(f"not an ISO 8601 timestamp: {text[:64]!r}") from None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=tz)


def from_any(value: object, tz: tzinfo) -> Stamp:
    """A timestamp of a JSON field: ISO string, or epoch seconds, milli-, micro- or nanoseconds
    as a number (told apart by size: year 5138 in seconds is absurd)."""
    if isinstance(value, bool):
        raise TimestampError("a boolean is not a timestamp")
    if isinstance(value, int | float):
        for limit, per_second in _EPOCH_UNITS:
            if abs(value) > limit:
                if isinstance(value, int):  # exact: a float holds no nanosecond epoch to the ms
                    whole, part = divmod(value, per_second)
                    return from_epoch(whole, part * 1_000_000 // per_second)
                return from_epoch(value / per_second)
        return from_epoch(value)
    if isinstance(value, str):
        return from_iso(value.strip(), tz)
    raise TimestampError(f"a {type(value).__name__} is not a timestamp")


def to_iso(stamp: Stamp, now: float, max_future_s: float) -> str:
    """UTC ISO 8601 with milliseconds and ``Z`` (what Elasticsearch ``date`` stores).

    Rejects stamps before 1970 or further in the future than allowed.
    """
    if not isinstance(stamp, Instant):
        seconds = stamp.timestamp()
        if seconds < 0:
            raise TimestampError(f"timestamp {stamp.isoformat()} is before 1970")
        stamp = from_epoch(seconds)
    if stamp.posix < 0:
        raise TimestampError("timestamp is before 1970")
    if stamp.posix > now + max_future_s:
        raise TimestampError(f"timestamp {stamp.iso} is in the future")
    return stamp.iso
