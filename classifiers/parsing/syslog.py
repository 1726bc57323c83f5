"""Syslog: RFC 5424 (with structured data) and RFC 3164 / BSD lines, with or without PRI.

The header fills ``log.syslog.*``, ``host.hostname``, ``process.name``/``pid`` and
``@timestamp``; the message body then goes to :mod:`.auth` for the auth.log programs
(the ``system.auth`` mapping of Filebeat) or to :mod:`.cef`/:mod:`.leef` when it carries a
CEF or LEEF record.
RFC 3164 has no year: it is inferred (see :func:`.timeparse.infer_year`). Stamps without a
zone use the configured time zone; RFC 5424 and RFC 3339 stamps carry their own.
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.parsing import auth, cef, leef
from classifiers.parsing.events import Context
from classifiers.parsing.fields import field_severity, leading_severity, to_int
from classifiers.parsing.timeparse import MONTHS, build, from_iso, infer_year, micros

SEVERITIES = (
    "emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug",
)  # fmt: skip
FACILITIES = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
)  # fmt: skip

# Quoted SD values allow escapes. Written as unrolled loops (a run of plain characters, then
# one escape or quoted value) so the regex engine does not branch on every character.
_SD_VALUE = r"[^\"\\]*(?:\\.[^\"\\]*)*"
_SD_PLAIN = r"[^\]\"\\]*"
_RFC5424 = re.compile(
    # the stamp: RFC 3339, or with a space for the T as Check Point's Log Exporter writes it
    r"<(\d{1,3})>(\d{1,2}) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S*|\S+) (\S+) (\S+) (\S+) (\S+) "
    rf"(-|(?:\[{_SD_PLAIN}(?:(?:\\.|\"{_SD_VALUE}\"){_SD_PLAIN})*\])+)(?: (.*))?\Z",
    re.DOTALL,
)
_SD_ELEMENT = re.compile(rf"\[([^\s\]=\"]+)((?:\s+[^\s=\]\"]+=\"{_SD_VALUE}\")*)\s*\]")
_SD_PARAM = re.compile(rf"([^\s=\]\"]+)=\"({_SD_VALUE})\"")
_SD_UNESCAPE = re.compile(r"\\([\"\\\]])")

#: Upper-case level words where a host name would be (no host is named ``INFO``).
_LEVEL_NAMES = frozenset({
    "TRACE", "DEBUG", "DBG", "INFO", "INF", "NOTICE", "WARN", "WARNING", "WRN", "ERROR", "ERR",
    "CRIT", "CRITICAL", "FATAL", "FTL", "PANIC", "SEVERE", "DDEBUG", "DEBG", "DEBU", "ERRO",
})  # fmt: skip

_BSD_STAMP = re.compile(
    r"(?:<(\d{1,3})>)?"
    r"(?:(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d):(\d\d):(\d\d)"
    r"(?:\.(\d{1,9}))?(?: ((?:19|20)\d\d))?"
    r"|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)) "
)
#: A host name, address or ``host/host`` (never brackets or a trailing colon: those are a
#: level or a program tag of a line without a host).
_HOST = r"([\w.:/@-]*[\w.])"
#: A severity some devices write around the tag: F5's "host notice mcpd[6021]:", MIT
#: Kerberos' "krb5kdc[1234](info):", Apple's "SpringBoard(FrontBoard)[58] <Notice>:".
_TAG_SEVERITY = r"emerg|alert|crit|err|error|warning|warn|notice|info|debug"
_HOST_TAG = re.compile(
    _HOST  # AIX names the facility and priority first: "auth|security:info sshd[3238]: ..."
    + rf" (?:(?:[a-z0-9]+(?:\|[a-z]+)?:)?({_TAG_SEVERITY}) )?([^\s\[\]:]+(?:\([^)\s]*\))?)"
    + r"(?:\[([^\]\s]*)\])?"
    + rf"(?:\(((?i:{_TAG_SEVERITY}))\)| <((?i:{_TAG_SEVERITY}))>)?:[ \t]*(.*)\Z",
    re.DOTALL,
)
_TAG_ONLY = re.compile(r"([^\s\[\]:]+)\[(\d+)\]:[ \t]*(.*)\Z", re.DOTALL)
_TOPICS = re.compile(r"([a-z]+(?:,[a-z]+)+) ")
_TOPIC_LEVELS = frozenset({"debug", "info", "warning", "error"})
#: A program tag without its colon, padded or not: "pacemaker-controld  [1021] ..." (not
#: macOS' "sandboxd[129] ([31211]): ...", a tag of its own shape left in the message).
_TAG_NO_COLON = re.compile(r"([\w.-]+) *\[(\d+)\] +(?!\([^)]*\):)(.*)\Z", re.DOTALL)
_HOST_CEF = re.compile(r"(?:(\S+) )?((?:CEF:\d|LEEF:[12]).*)\Z", re.DOTALL)
_HOST_COLON = re.compile(_HOST + r" : (.*)\Z", re.DOTALL)
_HOST_ONLY = re.compile(_HOST + r" (.*)\Z", re.DOTALL)


def _priority(event: dict[str, Any], pri: str) -> None:
    value = int(pri)
    if value > 191:
        return
    facility, severity = divmod(value, 8)
    event["log"] = priority_fields(severity, facility)


def priority_fields(severity: int, facility: int | None) -> dict[str, Any]:
    """``log.level`` and ``log.syslog.*`` of a severity (0-7) and a facility, if known."""
    syslog: dict[str, Any] = {"severity": {"code": severity, "name": SEVERITIES[severity]}}
    if facility is not None:
        syslog["priority"] = facility * 8 + severity
        syslog["facility"] = {"code": facility, "name": FACILITIES[facility]}
    return {"level": SEVERITIES[severity], "syslog": syslog}


def _structured_data(text: str) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for element in _SD_ELEMENT.finditer(text):
        data[element.group(1)] = {
            name: _SD_UNESCAPE.sub(r"\1", value) if "\\" in value else value
            for name, value in _SD_PARAM.findall(element.group(2))
        }
    return data


def program_message(
    event: dict[str, Any], program: str | None, message: str, ctx: Context
) -> dict[str, Any]:
    """Finish the event from a program's message: CEF payload, auth program fields, dataset."""
    message = message.removeprefix("\ufeff")
    event["message"] = message
    log = event.get("log")
    if log is None or "level" not in log:
        severity = (
            leading_severity(message)
            or (None if program else _topic_severity(message))
            or field_severity(message)
        )
        if severity is not None:
            event.setdefault("log", {})["level"] = severity
    if message.startswith("CEF:") and cef.apply(event, message, ctx.tz):
        return event
    if message.startswith("LEEF:") and leef.apply(event, message, ctx):
        return event
    dataset = auth.enrich(event, program, message) if program else "system.syslog"
    meta = event.get("event")
    if meta is None:
        event["event"] = {"dataset": dataset}
    else:
        meta["dataset"] = dataset
    return event


def _topic_severity(message: str) -> str | None:
    """The severity among the topics MikroTik RouterOS writes where a tag would be
    (``system,error,critical login failure ...``: ``error``; ``critical`` is a topic)."""
    topics = _TOPICS.match(message)
    if topics is None:
        return None
    return next((topic for topic in topics.group(1).split(",") if topic in _TOPIC_LEVELS), None)


def parse_rfc5424(text: str, ctx: Context) -> dict[str, Any] | None:
    """An RFC 5424 line, or ``None`` when the line is not one."""
    match = _RFC5424.match(text)
    if match is None:
        return None
    pri, version, stamp, host, app, procid, msgid, sd, message = match.groups()
    event: dict[str, Any] = {}
    _priority(event, pri)
    syslog = event.setdefault("log", {}).setdefault("syslog", {})
    syslog["version"] = version
    if stamp != "-":
        event["@timestamp"] = from_iso(stamp, ctx.tz)
    if host != "-":
        event["host"] = {"hostname": host}
        syslog["hostname"] = host
    process: dict[str, Any] = {}
    if app != "-":
        process["name"] = syslog["appname"] = app
    if procid != "-":
        syslog["procid"] = procid
        pid = to_int(procid)
        if pid is not None:
            process["pid"] = pid
    if process:
        event["process"] = process
    if msgid != "-":
        syslog["msgid"] = msgid
    if sd != "-":
        syslog["structured_data"] = _structured_data(sd)
    return program_message(event, None if app == "-" else app, message or "", ctx)


def parse_bsd(text: str, ctx: Context) -> dict[str, Any] | None:
    """An RFC 3164 / BSD line (PRI optional, RFC 3339 stamps accepted), or ``None``."""
    match = _BSD_STAMP.match(text)
    if match is None:
        return None
    pri, month, day, hour, minute, second, fraction, year, iso = match.groups()
    event: dict[str, Any] = {}
    if pri is not None:
        _priority(event, pri)
    if iso is not None:
        event["@timestamp"] = from_iso(iso, ctx.tz)
    elif year is not None:
        event["@timestamp"] = build(
            int(year), MONTHS[month], int(day), int(hour), int(minute), int(second),
            micros(fraction), ctx.tz,
        )  # fmt: skip
    else:
        event["@timestamp"] = infer_year(
            MONTHS[month], int(day), int(hour), int(minute), int(second), micros(fraction),
            ctx.tz, ctx.now, ctx.max_future_s,
        )  # fmt: skip
    rest = match.end()  # the header patterns match from here: no copy of the rest
    carried = _HOST_CEF.match(text, rest) if text.find("EF:", rest) >= 0 else None
    if carried is not None:  # "host CEF:0|..." : a CEF or LEEF record has no program tag
        if carried.group(1):
            event["host"] = {"hostname": carried.group(1)}
        return program_message(event, None, carried.group(2), ctx)
    header = _HOST_TAG.match(text, rest)
    if header is not None and _hostlike(header.group(1)):
        host, severity, program, pid, in_parens, in_angles, message = header.groups()
        event["host"] = {"hostname": host}
        severity = severity or in_parens or in_angles
        if severity:  # a PRI's level comes first
            event.setdefault("log", {}).setdefault("level", severity.lower())
        process: dict[str, Any] = {"name": program}
        if pid is not None and pid.isdigit():
            process["pid"] = int(pid)
        event["process"] = process
        return program_message(event, program, message, ctx)
    device = _HOST_COLON.match(text, rest)
    if device is not None and _hostlike(device.group(1)):  # Cisco ASA's "asa01 : %ASA-6-..."
        event["host"] = {"hostname": device.group(1)}
        return program_message(event, None, device.group(2), ctx)
    tagged = _TAG_ONLY.match(text, rest)
    if tagged is not None:
        program, pid, message = tagged.groups()
        event["process"] = {"name": program, "pid": int(pid)}
        return program_message(event, program, message, ctx)
    # "<ISO stamp> word ..." without a program tag is an application's own line far more often
    # than a syslog host with a bare message (Ceph's "<stamp> mon.a (mon.0) ..."): inferred.
    bare = _HOST_ONLY.match(text, rest) if iso is None else None
    if bare is not None and _hostlike(bare.group(1)):
        event["host"] = {"hostname": bare.group(1)}
        untagged = _TAG_NO_COLON.match(bare.group(2))
        if untagged is not None:  # Pacemaker's "pacemaker-controld  [1021] (function) ..."
            program, pid, message = untagged.groups()
            event["process"] = {"name": program, "pid": int(pid)}
            return program_message(event, program, message, ctx)
        return program_message(event, None, bare.group(2), ctx)
    return None


def _hostlike(word: str) -> bool:
    """A bare number, one letter or a level word is no host name: MySQL's ``<stamp> 0
    [Warning]`` thread id, MongoDB's ``<stamp> I NETWORK`` and Traefik's ``<stamp> INF``
    severities (their layouts are inferred instead)."""
    return len(word) > 1 and not word.isdigit() and word not in _LEVEL_NAMES


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """Any syslog flavour this module knows, or ``None``."""
    if text.startswith("<"):
        found = parse_rfc5424(text, ctx)
        if found is not None:
            return found
    return parse_bsd(text, ctx)
