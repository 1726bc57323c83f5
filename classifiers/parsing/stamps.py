"""Timestamp layouts found anywhere near a line's start, in the spirit of Elastic's
``find_structure``: an ordered list of candidates, each a regex with named date parts.

Used by structure inference (:mod:`.infer`) to find the layout of a line no detector knows,
and by declared formats (:mod:`.declared`) to read a captured timestamp field. Order
matters: the earlier of two candidates matching at the same offset wins, so the more
specific layouts come first. Day/month order: ``a/b/yyyy`` reads month first (the US and
Windows convention) until a line of the source has ``a`` above 12: from then on the source
reads day first (:mod:`.infer` keeps that per learned layout). Year-less layouts infer the year
(:func:`.timeparse.infer_year`); two-digit years are 20yy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from classifiers.parsing.events import Context
from classifiers.parsing.months import MONTH_PATTERN, month_number
from classifiers.parsing.timeparse import (
    Stamp,
    TimestampError,
    build,
    from_epoch,
    infer_year,
    micros,
    posix_seconds,
)

#: A month name in any of :mod:`.months`' languages, its abbreviation's dot allowed ("Dez.").
_MON = r"(?P<mon>" + MONTH_PATTERN + r")(?![^\W\d_])\.?"
_HMS = r"(?P<hour>\d{1,2}):(?P<minute>\d\d):(?P<second>\d\d)"
#: After a full date a time may stop at the minute ("2026-12-04T10:11Z", "12/04/2026 10:11 AM").
_HM_S = r"(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?"
_FRACTION = r"(?:[.,:](?P<fraction>\d{1,9}))?"
#: Zone names that mean one offset everywhere (CST, IST... are ambiguous and left out).
ZONE_NAMES = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660,
    "EST": -300, "EDT": -240, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "MEZ": 60, "MESZ": 120,  # German for CET/CEST
}  # fmt: skip
#: An IANA zone name (PHP's "[04-Dec-2026 10:15:03 Europe/Berlin]").
_IANA = r"[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?"
_ZONE = (
    # open62541's "(UTC+0100)", TIBCO BusinessWorks' "GMT +1"
    r"(?P<tz>\s?Z(?![A-Za-z])|\s\((?:GMT|UTC)[+-]\d\d:?\d\d\)|\sGMT [+-]\d{1,2}(?![\d:.])"
    r"|\s?(?:GMT|UTC)?[+-]\d\d:?\d\d|\s?[+-]\d\d(?![\d:.])|\s?(?:"
    + "|".join(sorted(ZONE_NAMES, key=len, reverse=True))
    + r")(?![A-Za-z])|\s"
    + _IANA
    + r")?"
)
#: AM/PM as Java and .NET print it in English, Spanish ("a. m.", "P. M.") and Japanese.
_AMPM = r"(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?|午前|午後))?"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? "
_ZONE_NAME = "|".join(sorted(ZONE_NAMES, key=len, reverse=True))


@dataclass(frozen=True)
class StampLayout:
    """One candidate layout: a name for ``--explain`` and a regex with named date parts."""

    name: str
    pattern: re.Pattern[str]
    #: How far from the line start a match may begin.
    max_offset: int = 120
    #: Epoch layouts match any long number: only used when no date layout matched at all.
    fallback: bool = False
    #: What follows the stamp is a header (level, pid...); an epoch is mostly a field in the
    #: middle of a record (HPC, Squid), and what follows it is data.
    header_after: bool = True
    #: Where the stamp is: near the line start ("start"), ending the line ("end",
    #: :data:`TAIL_LAYOUTS`: what comes before it is the message) or anywhere in it ("inside",
    #: :data:`INSIDE_LAYOUT`: the whole line is the message).
    place: str = "start"


def _layout(
    name: str,
    pattern: str,
    max_offset: int = 120,
    *,
    fallback: bool = False,
    header_after: bool = True,
    place: str = "start",
) -> StampLayout:
    return StampLayout(name, re.compile(pattern), max_offset, fallback, header_after, place)


LAYOUTS: tuple[StampLayout, ...] = (
    _layout(
        "ISO8601",
        r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d\d)(?P=sep)(?P<day>\d\d)"
        # Gin: "2026/12/03 - 14:22:07", SLX-OS: "2026/12/02-14:31:07", zpool history:
        # "2026-11-30.02:00:04", Progress OpenEdge: "[2026/12/02@06:00:01.117-0600]"
        r"(?:[T_\t@-]|\.(?=\d\d:)| {1,2}|, ?| - )" + _HM_S + _FRACTION + _ZONE,
    ),
    _layout(
        "yyyy-MM-dd-HH.mm.ss.SSSSSS",
        r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)-(?P<hour>\d\d)\.(?P<minute>\d\d)"
        r"\.(?P<second>\d\d)(?:\.(?P<fraction>\d{1,9}))?"
        r"(?:(?P<tzmin>[+-]\d{3})(?!\d))?",  # Db2: the offset in minutes, "+060"
    ),
    _layout(  # Sophos UTM
        "yyyy:MM:dd-HH:mm:ss",
        r"(?P<year>\d{4}):(?P<month>\d\d):(?P<day>\d\d)-" + _HMS,
    ),
    _layout(  # also Zabbix's "yyyyMMdd:HHmmss.SSS"
        "yyyyMMdd-HH:mm:ss",
        r"(?<!\d)(?P<year>\d{4})(?P<month>\d\d)(?P<day>\d\d)(?:[-T:]| +)(?:(?P<hour>\d{1,2}):"
        r"(?P<minute>\d{1,2}):(?P<second>\d{1,2})|(?P<hh>\d\d)(?P<mm>\d\d)(?P<ss>\d\d)(?!\d))"
        + _FRACTION
        + _ZONE,
    ),
    _layout(
        "yyMMdd HHmmss",
        r"(?P<year>\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d) (?P<hh>[0-2]\d)(?P<mm>[0-5]\d)"
        r"(?P<ss>[0-5]\d)(?!\d)",
        max_offset=0,
    ),
    _layout(  # MySQL's slow log and 5.x error log: "261204  7:05:41.058915"
        "yyMMdd H:mm:ss",
        r"(?<!\d)(?P<year>\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d) {1,2}" + _HMS + _FRACTION,
    ),
    _layout(
        "dd/MMM/yyyy:HH:mm:ss Z",
        r"(?P<day>\d{1,2})/"
        + _MON
        + r"/(?P<year>\d{4})[: ]"
        + _HMS
        + _FRACTION
        + r"(?: (?P<tz>[+-]\d{4}))?",
    ),
    _layout(  # the weekday is optional: a German "Fr." is a header word before it
        "EEE MMM dd HH:mm:ss yyyy",
        "(?:"
        + _WEEKDAY
        + ")?"
        + _MON
        + r" +(?P<day>\d{1,2}),? "
        + _HMS
        + _FRACTION
        + r"(?: (?P<tz>[+-]\d{4}|"
        + _ZONE_NAME
        # Java's Date.toString(): "... CET 2026"; a year is 19xx or 20xx, not a pid after it
        + r")| [A-Z]{3,4})? (?P<year>(?:19|20)\d\d)(?!\d)",
    ),
    _layout(
        "EEE, dd MMM yyyy HH:mm:ss",
        _WEEKDAY + r"(?P<day>\d{1,2}) " + _MON + r" (?P<year>\d{4}) " + _HMS + _FRACTION + _ZONE,
    ),
    _layout(
        "dd MMM yyyy HH:mm:ss",
        # German "4. Dezember 2026", Erlang "4-Dec-2026::03:30:11", Italian "4 dic 2026, 09:20:00"
        r"(?<!\d)(?P<day>\d{1,2})\.?[ -]"
        + _MON
        + r"[ -](?P<year>\d{4})(?: {1,2}|:|::|, )"
        + _HMS
        + _FRACTION
        + ",?"
        + _ZONE,
    ),
    _layout(
        "MMM dd yyyy HH:mm:ss",
        # FreeIPMI's ipmi-sel table: "Dec-01-2026 | 19:22:08"
        _MON
        + r"(?: +|-)(?P<day>\d{1,2})(?:,? |-)(?P<year>\d{4})(?:,? | \| )"
        + _HMS
        + _FRACTION
        + _AMPM
        + _ZONE,
    ),
    _layout(
        "MMM dd HH:mm:ss",
        r"(?<![^\W\d_])"
        + _MON
        + r" *(?P<day>\d{1,2}) "  # BeeGFS: "Dec02 19:45:30"
        + _HMS
        + _FRACTION
        + _ZONE  # TIBCO BusinessWorks: "2026 Dec 01 14:02:11:318 GMT +1"
        + r"(?: (?P<year>(?:19|20)\d\d)(?!\d))?",
    ),
    _layout(
        "MM/dd/yyyy HH:mm:ss",
        r"(?<!\d)(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second_part>\d{1,2})(?P=sep)"
        # Suricata: "4/12/2026 -- 10:11:12", ipmitool: "12/01/2026 | 02:14:51"
        r"(?P<year>\d{4}|\d{1,2})(?!\d)(?:[ ,T-]|, | - | -- | \| )\s?"
        # Windows' PFRO.log pads nothing: "11/30/2026 8:5:7"
        r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?!\d))?"
        + _FRACTION
        + _AMPM
        + _ZONE,
    ),
    _layout(
        "date=yyyy-MM-dd time=HH:mm:ss",
        r"\bdate=(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d) time="
        + _HMS
        + r"(?=(?:.*?\btz=\"?(?P<tz>[+-]\d\d:?\d\d))?)",
    ),
    _layout(
        "glog Lmmdd HH:mm:ss",
        # CockroachDB writes the year too: "I261204 06:12:44.501827"
        r"(?P<glog>[IWEF])(?:(?P<year>\d\d)(?=\d{4} ))?(?P<month>\d\d)(?P<day>\d\d) "
        + _HMS
        + _FRACTION,
        max_offset=0,
    ),
    _layout(
        "MM.dd HH:mm:ss",  # also Netlogon's "MM/dd HH:mm:ss", Snort's "MM/dd-HH:mm:ss"
        r"(?<![\d./])(?P<month>\d\d)[./-](?P<day>\d\d)[ -]" + _HMS + _FRACTION,
    ),
    _layout(  # CJK: "2026年12月04日 09時30分00秒", "2026年 12月  4日 金曜日 10:11:12 JST"
        "yyyy年MM月dd日 HH:mm:ss",
        r"(?P<year>\d{4})年\s*(?P<month>\d{1,2})月\s*(?P<day>\d{1,2})日(?:\s*\S+曜日)?\s*"
        r"(?P<hour>\d{1,2})[:時](?P<minute>\d\d)[:分](?P<second>\d\d)秒?" + _FRACTION + _ZONE,
    ),
    _layout(  # ISO 8601 ordinal and week dates: "2026-334T00:00:01Z", "2026-W49-5 10:11:12"
        "yyyy-DDD / yyyy-Www-D",
        r"(?P<year>\d{4})-(?:(?P<doy>[0-3]\d\d)|W(?P<week>[0-5]\d)-(?P<wday>[1-7]))[T ]"
        + _HMS
        + _FRACTION
        + _ZONE,
    ),
    _layout(  # Greenbone gvmd: "2026-12-04 10h11.12 utc"
        "yyyy-MM-dd HHhmm.ss",
        r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d) (?P<hour>\d\d)h(?P<minute>\d\d)"
        r"\.(?P<second>\d\d)(?: (?P<tz>utc|UTC))?",
    ),
    _layout(  # Chrome, Electron: "[4832:5556:1204/101112.817:INFO:file.cc(1284)]"
        "MMdd/HHmmss.SSS",
        r"(?<=[:\[])(?P<month>[01]\d)(?P<day>[0-3]\d)/(?P<hh>[0-2]\d)(?P<mm>[0-5]\d)(?P<ss>[0-5]\d)"
        r"(?:\.(?P<fraction>\d{1,9}))?(?=:)",
        max_offset=40,
    ),
    _layout(  # Node-RED: "4 Dec 09:12:44"
        "d MMM HH:mm:ss",  # German `date`: "Fr 4. Dez 10:11:12 CET 2026"
        r"(?<![\d/-])(?P<day>\d{1,2})(?:\.? |-)"  # Bacula: "02-Dec 23:05"
        + _MON
        + r" "
        + _HM_S
        + _FRACTION
        + r"(?: (?P<tz>"
        + _ZONE_NAME
        + r")(?![A-Za-z]))?(?: (?P<year>(?:19|20)\d\d)(?!\d))?",
    ),
    _layout(  # the time before the date: Lustre changelogs' "03:14:07.118204551 2026.12.02",
        "HH:mm:ss yyyy-MM-dd",  # Resque's "** [03:10:09 2026-12-02] 18903: ..."
        r"(?<![\d:.])(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d):(?P<second>[0-5]\d)(?:[.,]"
        r"(?P<fraction>\d{1,9}))? (?P<year>(?:19|20)\d\d)(?P<sep>[-/.])(?P<month>[01]\d)(?P=sep)"
        r"(?P<day>[0-3]\d)(?![\d:])",
        max_offset=40,
    ),
    _layout(  # daemontools multilog: "@4000000063a1b2c3" + nanoseconds, in hex
        "tai64n",
        r"@(?P<tai64>4000000[0-9a-f]{9})(?P<tai64_ns>[0-9a-f]{8})(?![0-9a-f])",
        max_offset=0,
    ),
    _layout(  # OpenLDAP 2.6: "6b10453b.02a1c3f4", seconds and nanoseconds in hex
        "hex epoch",
        r"(?P<hex_epoch>[5-7][0-9a-f]{7})\.(?P<hex_ns>[0-9a-f]{8})(?![\w.])",
        max_offset=0,
        fallback=True,
    ),
    _layout(  # z/OS SYSLOG and OPERLOG: "26338 10:11:12.34", "2026338 08:00:00.01"
        "yyDDD HH:mm:ss.SS",
        r"(?<![\w.:])(?P<year>(?:19|20)?\d\d)(?P<doy>[0-3]\d\d) "
        + _HMS
        + r"\.(?P<fraction>\d\d)\b",
        max_offset=60,
        fallback=True,
    ),
    _layout(  # ntpd's statistics files (peerstats, loopstats): Modified Julian Day, seconds
        "MJD seconds.SSS",
        r"(?P<mjd>[4-6]\d{4}) (?P<day_seconds>\d{1,5})\.(?P<fraction>\d{3,9})(?![\w.])",
        max_offset=0,
        fallback=True,
        header_after=False,
    ),
    _layout(  # Windows Time's debug log: days since 1601-01-01, then the time of day
        "NT day HH:mm:ss.fffffffs",
        r"(?P<nt_day>1[45]\d{4}) " + _HMS + r"\.(?P<fraction>\d{1,7})s\b",
        max_offset=0,
        fallback=True,
    ),
    _layout(
        "epoch_ms",
        r"(?<![\w.])(?P<epoch_ms>1\d{12})(?![\w.])",
        max_offset=80,
        fallback=True,
        header_after=False,
    ),
    _layout(
        "epoch",
        # bash's $EPOCHREALTIME under a German locale: "1796379072,123456"
        r"(?<![\w.])(?P<epoch>1\d{9})(?:[.,](?P<fraction>\d{1,9}))?(?![\w.])",
        max_offset=80,
        fallback=True,
        header_after=False,
    ),
    _layout(  # PowerShell transcripts: "Start time: 20261204101112"
        "yyyyMMddHHmmss",
        r"(?<![\w.])(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?P<hh>[0-2]\d)"
        r"(?P<mm>[0-5]\d)(?P<ss>[0-5]\d)(?![\w.])",
        max_offset=80,
        fallback=True,
    ),
    _layout(  # logback's "%d{HH:mm:ss.SSS}", MSI's "[10:11:12:871]": today (or yesterday)
        "HH:mm:ss.SSS",
        r"(?<![\d:.])(?P<hour>[0-2]\d):(?P<minute>[0-5]\d):(?P<second>[0-5]\d)[.,:]"
        r"(?P<fraction>\d{3}(?:\d{3}){0,2})(?![\d:])",
        max_offset=40,
        fallback=True,
    ),
    _layout(  # Serilog's "[23:59:57 INF]", zerolog's "11:57PM INF", Falco's "09:12:44.675482344:"
        "HH:mm:ss / h:mmPM",
        r"(?=\d{1,2}:\d\d(?::\d\d|[AP]M))(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)"
        r"(?::(?P<second>[0-5]\d)(?:[.,](?P<fraction>\d{1,9}))?)?(?P<ampm>[AP]M)?(?=[\s\]:])",
        max_offset=1,
        fallback=True,
    ),
)

_FALLBACKS = tuple(layout for layout in LAYOUTS if layout.fallback)

#: Dates a line may end with when none opens it: a mail header's RFC 5322 date after ";"
#: ("...; Fri, 4 Dec 2026 10:11:12 +0100 (CET)"), ``lastcomm``'s and ``last``'s ctime-style
#: date ("... 0.00 secs Fri Dec  4 10:05"). A weekday and a month name make them dates, not
#: numbers a message ends with.
TAIL_LAYOUTS: tuple[StampLayout, ...] = (
    _layout(
        "EEE, d MMM yyyy HH:mm:ss Z at the end",
        _WEEKDAY
        + r"(?P<day>\d{1,2}) "
        + _MON
        + r" (?P<year>\d{4}) (?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d))?"
        + _ZONE
        + r"(?: \([A-Za-z]+\))?\s*\Z",
        place="end",
    ),
    _layout(
        "EEE MMM d HH:mm at the end",
        _WEEKDAY
        + _MON
        + r" +(?P<day>\d{1,2}) (?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d))?"
        + r"(?: (?P<year>(?:19|20)\d\d))?\s*\Z",
        place="end",
    ),
)
#: How much of a line's end is searched for a :data:`TAIL_LAYOUTS` date.
_TAIL_WINDOW = 64
#: A full ISO 8601 date and time anywhere in a line none of the others matched: a field
#: deep in a delimited record (Asterisk's CDR CSV: `"...","2026-12-03 19:02:44",...`).
INSIDE_LAYOUT = replace(LAYOUTS[0], name="ISO8601 inside the line", place="inside")
#: How far into a line an :data:`INSIDE_LAYOUT` stamp is looked for.
_INSIDE_WINDOW = 1024

_JAPANESE_MERIDIEM = {"午前": "am", "午後": "pm"}
#: How far ahead of now a time of day without a date may be before it means yesterday.
_CLOCK_SKEW_S = 3600.0

#: Window at the start of a line where a timestamp is looked for.
SEARCH_WINDOW = 160


@lru_cache(maxsize=256)
def _offset_zone(text: str) -> tzinfo:
    if text == "Z":
        return UTC
    if text.upper() in ZONE_NAMES:  # Greenbone writes "utc"
        return timezone(timedelta(minutes=ZONE_NAMES[text.upper()]))
    if "/" in text:
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise TimestampError(f"unknown time zone {text!r}") from error
    text = text.strip("() ").removeprefix("GMT").removeprefix("UTC").lstrip()  # "GMT+0100"
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def stamp_of(
    parts: dict[str, str | None], ctx: Context, *, day_first: bool | None = False
) -> Stamp:
    """The instant of a match's named date parts; :class:`TimestampError` if there is none.

    ``day_first``: whether the source's ``a/b/yyyy`` dates put the day first; ``None`` when
    the source has not shown it yet (no ``a`` or ``b`` above 12): an ambiguous date is then
    read the way that puts it nearer to now (a stream's lines are recent).
    """
    if parts.get("first") and len(parts.get("year") or "0000") <= 2:
        return _short_year(parts, ctx, day_first)
    if day_first is None:
        if _ambiguous(parts):
            return _nearer_to_now(
                stamp_of(parts, ctx, day_first=False), stamp_of(parts, ctx, day_first=True), ctx
            )
        day_first = False
    machine = _machine_stamp(parts)
    if machine is not None:
        return machine
    zone_text = (parts.get("tz") or "").strip()
    tz = _offset_zone(zone_text) if zone_text else ctx.tz
    if parts.get("tzmin"):
        tz = timezone(timedelta(minutes=int(str(parts["tzmin"]))))
    hour = _hour(parts)
    minute = int(parts.get("minute") or parts.get("mm") or 0)
    second = int(parts.get("second") or parts.get("ss") or 0)
    fraction = micros(parts.get("fraction"))
    if parts.get("nt_day"):  # Windows' day count
        nt = date(1601, 1, 1) + timedelta(days=int(str(parts["nt_day"])))
        return build(nt.year, nt.month, nt.day, hour, minute, second, fraction, tz)
    if parts.get("doy") or parts.get("week"):
        return _ordinal(parts, hour, minute, second, fraction, tz)
    if not (parts.get("mon") or parts.get("first") or parts.get("month")):
        return _latest_day(hour, minute, second, fraction, tz, ctx)
    month, day = _month_day(parts, day_first)
    year_text = parts.get("year")
    if not year_text:
        return infer_year(month, day, hour, minute, second, fraction, tz, ctx.now, ctx.max_future_s)
    year = int(year_text)
    return build(
        year + 2000 if year < 100 else year, month, day, hour, minute, second, fraction, tz
    )


def _hour(parts: dict[str, str | None]) -> int:
    """The hour on a 24-hour clock ("PM", "p. m.", "午後" after a 12-hour one)."""
    hour = int(parts.get("hour") or parts.get("hh") or 0)
    marker = parts.get("ampm") or ""
    ampm = _JAPANESE_MERIDIEM.get(marker) or marker[:1].lower() + "m"
    if ampm == "pm" and hour < 12:
        return hour + 12
    return 0 if ampm == "am" and hour == 12 else hour


def _short_year(parts: dict[str, str | None], ctx: Context, day_first: bool | None) -> Stamp:
    """``a-b-yy``, or ``yy-M-d`` with the two-digit year first (Home Assistant's supervisor
    ``26-12-03``, ESP-IDF, Sonarr's ``26-12-4``): the reading nearer to now."""
    year_first = {
        **parts, "first": None, "second_part": None,
        "year": parts["first"], "month": parts["second_part"], "day": parts["year"],
    }  # fmt: skip
    as_written = {**parts, "year": f"20{int(parts['year'] or 0):02d}"}
    readings: list[Stamp] = []
    for candidate, order in ((as_written, day_first), (year_first, False)):
        try:
            readings.append(stamp_of(candidate, ctx, day_first=order))
        except TimestampError:
            continue
    if not readings:
        raise TimestampError("no reading of a date with a two-digit year")
    return readings[0] if len(readings) == 1 else _nearer_to_now(readings[0], readings[1], ctx)


def _ordinal(  # noqa: PLR0917 - a time of day, in its natural order
    parts: dict[str, str | None], hour: int, minute: int, second: int, micro: int, tz: tzinfo
) -> Stamp:
    """An ISO 8601 ordinal (``2026-334``) or week date (``2026-W49-5``)."""
    year = int(str(parts["year"]))
    year += 2000 if year < 100 else 0
    try:
        if parts.get("doy"):
            day = date(year, 1, 1) + timedelta(days=int(str(parts["doy"])) - 1)
        else:
            day = date.fromisocalendar(year, int(str(parts["week"])), int(str(parts["wday"])))
    except ValueError as error:
        raise TimestampError(f"no such ordinal or week date: {error}") from error
    return build(day.year, day.month, day.day, hour, minute, second, micro, tz)


def _latest_day(  # noqa: PLR0917 - a time of day, in its natural order
    hour: int, minute: int, second: int, micro: int, tz: tzinfo, ctx: Context
) -> Stamp:
    """A time of day without a date: today in ``tz``, or yesterday where today is more than
    an hour ahead (a 23:59 line read at 00:01)."""
    today = datetime.fromtimestamp(ctx.now, tz)
    latest = ctx.now + min(ctx.max_future_s, _CLOCK_SKEW_S)
    for day in (today, today - timedelta(days=1)):
        stamp = build(day.year, day.month, day.day, hour, minute, second, micro, tz)
        if posix_seconds(stamp) <= latest:
            return stamp
    raise TimestampError("a time of day ahead of now")


def _machine_stamp(parts: dict[str, str | None]) -> Stamp | None:
    """An epoch in seconds, milliseconds or hex, or a TAI64N label; ``None`` for a written date."""
    epoch = parts.get("epoch")
    if epoch:
        return from_epoch(int(epoch), micros(parts.get("fraction")))
    mjd = parts.get("mjd")
    if mjd:  # the Modified Julian Day 40587 is 1970-01-01
        seconds = int(str(parts["day_seconds"]))
        if seconds >= 86400:
            raise TimestampError(f"{seconds} seconds is more than a day")
        return from_epoch((int(mjd) - 40587) * 86400 + seconds, micros(parts.get("fraction")))
    epoch_ms = parts.get("epoch_ms")
    if epoch_ms:
        return from_epoch(int(epoch_ms) / 1000.0)
    hex_epoch = parts.get("hex_epoch")
    if hex_epoch:
        return from_epoch(int(hex_epoch, 16), int(str(parts["hex_ns"]), 16) // 1000)
    tai64 = parts.get("tai64")
    if tai64:  # the label is 2**62 + 10 + UTC seconds, as daemontools' tai64nlocal reads it
        nanos = int(parts.get("tai64_ns") or "0", 16)
        return from_epoch(int(tai64, 16) - 2**62 - 10, nanos // 1000)
    return None


def _ambiguous(parts: dict[str, str | None]) -> bool:
    """``a/b/yyyy`` with ``a`` and ``b`` both possible months and different."""
    first, second = parts.get("first"), parts.get("second_part")
    if not first or not second or parts.get("sep") == ".":
        return False
    return int(first) <= 12 and int(second) <= 12 and int(first) != int(second)


def _nearer_to_now(a: Stamp, b: Stamp, ctx: Context) -> Stamp:
    """Of two readings, the one nearer to now that is not ahead of it by more than clock skew."""
    latest = ctx.now + min(ctx.max_future_s, _CLOCK_SKEW_S)

    def distance(stamp: Stamp) -> float:
        seconds = posix_seconds(stamp)
        return abs(ctx.now - seconds) if seconds <= latest else float("inf")

    return a if distance(a) <= distance(b) else b


def _month_day(parts: dict[str, str | None], day_first: bool) -> tuple[int, int]:
    """Month and day; ``a/b/yyyy`` is month first unless the source is known to be day first
    or ``a`` cannot be a month."""
    name = parts.get("mon")
    if name:
        return month_number(name.rstrip(".")), int(parts["day"] or 0)
    first = parts.get("first")
    if first:
        a, b = int(first), int(parts["second_part"] or 0)
        # dotted dates ("04.12.2026") are day first where they are written (Europe, Russia)
        day_first = day_first or parts.get("sep") == "."
        return (b, a) if (day_first or a > 12) and b <= 12 else (a, b)
    if parts.get("month") is None:
        raise TimestampError("no date in the match")
    return int(parts["month"] or 0), int(parts["day"] or 0)


def find(text: str) -> tuple[StampLayout, re.Match[str]] | None:
    """The candidate that matches closest to the line start (the earlier on a tie).

    A stamp inside a longer word (a rotated file's name, ``nova-api.log.1.2017-05-16_13:53:08``,
    as ``grep -H`` or a concatenation of files prefixes lines) gives way to a stamp after it.
    """
    window = text[:SEARCH_WINDOW]
    best = _closest(window, 0)
    if best is None:
        return _later_in_the_line(text)
    if _inside_a_word(window, best[1]):
        later = _closest(window, best[1].end())
        if later is not None:
            return later
    return best


def _later_in_the_line(text: str) -> tuple[StampLayout, re.Match[str]] | None:
    """A date that ends a line without one at its start (:data:`TAIL_LAYOUTS`), else an ISO
    8601 stamp further in (:data:`INSIDE_LAYOUT`)."""
    start = max(0, len(text) - _TAIL_WINDOW)
    for layout in TAIL_LAYOUTS:
        found = layout.pattern.search(text, start)
        if found is not None:
            return layout, found
    found = INSIDE_LAYOUT.pattern.search(text, 0, _INSIDE_WINDOW)
    return None if found is None else (INSIDE_LAYOUT, found)


def _closest(window: str, start: int) -> tuple[StampLayout, re.Match[str]] | None:
    best: tuple[StampLayout, re.Match[str]] | None = None
    for layout in LAYOUTS:
        if layout.fallback and best is not None:
            return _opening(window, start) or best
        found = layout.pattern.search(window, start)
        if found is None or found.start() > start + layout.max_offset:
            continue
        if best is None or found.start() < best[1].start():
            best = (layout, found)
            if found.start() == start:
                break
    return best


def _opening(window: str, start: int) -> tuple[StampLayout, re.Match[str]] | None:
    """A fallback stamp that opens the line, where the date found is further in: Tasmota's
    ``07:12:01.044 MQT: tele/x/STATE = {"Time":"2026-12-04T07:12:01"...}``."""
    for layout in _FALLBACKS:
        found = layout.pattern.match(window, start)
        if found is not None:
            return layout, found
    return None


def _inside_a_word(window: str, found: re.Match[str]) -> bool:
    """Whether the stamp is glued to a word before it and to one after it."""
    start, end = found.start(), found.end()
    before = window[start - 1 : start]
    return bool(before) and (before.isalnum() or before in "._-/") and window[end : end + 1] == " "


def parse_value(text: str, ctx: Context) -> Stamp:
    """The timestamp of a captured field (declared formats): the first layout that reads it."""
    found = find(text.strip())
    if found is None:
        raise TimestampError(f"no known timestamp layout in {text[:64]!r}")
    return stamp_of(found[1].groupdict(), ctx)
