"""CMTrace log lines: Configuration Manager (SCCM/MECM) clients and servers, the Intune
Management Extension and other Microsoft agents write them, and CMTrace or OneTrace read them.

``<![LOG[message]LOG]!><time="09:12:44.118+000" date="12-04-2026" component="LocationServices"
context="" type="1" thread="2211" file="lsad.cpp:1081">``

The time's suffix is the Windows time-zone *bias* in minutes (UTC = local time + bias, so
``+060`` is UTC-1 and ``-060`` is CET); ``type`` is 1 information, 2 warning, 3 error, as
CMTrace colours the line.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.timeparse import build, micros

_LINE = re.compile(
    r"<!\[LOG\[(?P<message>.*?)\]LOG\]!><time=\"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)"
    r"(?:\.(?P<fraction>\d{1,7}))?(?P<bias>[+-]\d{1,4})?\" date=\"(?P<month>\d{1,2})-"
    r"(?P<day>\d{1,2})-(?P<year>\d{4})\"(?P<attributes>[^>]*)>\s*\Z",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_LEVELS = {"1": "info", "2": "warning", "3": "error"}


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """A CMTrace line, or ``None``."""
    if not text.startswith("<![LOG["):
        return None
    line = _LINE.match(text)
    if line is None:
        return None
    bias = line.group("bias")
    tz = timezone(-timedelta(minutes=int(bias))) if bias else ctx.tz
    stamp = build(
        int(line.group("year")), int(line.group("month")), int(line.group("day")),
        int(line.group("hour")), int(line.group("minute")), int(line.group("second")),
        micros(line.group("fraction")), tz,
    )  # fmt: skip
    attributes = dict(_ATTRIBUTE.findall(line.group("attributes")))
    event: dict[str, Any] = {
        "@timestamp": stamp,
        "message": line.group("message"),
        "event": {"dataset": "cmtrace"},
    }
    log: dict[str, Any] = {}
    level = _LEVELS.get(attributes.get("type", ""))
    if level is not None:
        log["level"] = level
    if attributes.get("component"):
        log["logger"] = attributes["component"]
    origin = attributes.get("file", "")
    if origin:
        name, _, number = origin.rpartition(":")
        found = (
            {"name": name, "line": int(number)} if name and number.isdigit() else {"name": origin}
        )
        log["origin"] = {"file": found}
    if log:
        event["log"] = log
    thread = attributes.get("thread", "")
    if thread.isdigit():
        event["process"] = {"thread": {"id": int(thread)}}
    return event
