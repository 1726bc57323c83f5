"""JSON events: ECS documents pass through, any other JSON is namespaced.

A document that already speaks ECS (it has ``@timestamp`` or ``ecs.version``; dotted keys
such as ``"log.level"`` from the ecs-logging libraries are expanded) is kept as it is;
Windows events from Winlogbeat or Elastic Agent (a ``winlog`` object) get their event id's
meaning and parser verdict from :mod:`.windows`. Suricata EVE records (``event_type``)
become ECS events with their IDS verdict (:mod:`.ids`).
Other JSON keeps every field under ``logwarden.json`` (map it as ``flattened``) and the
obvious ones are lifted to ECS: timestamp, message, level and host.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from classifiers.parsing import ids, journald, windows
from classifiers.parsing.events import Context, FailureType
from classifiers.parsing.fields import LETTER_LEVELS, put_dotted
from classifiers.parsing.stamps import parse_value
from classifiers.parsing.timeparse import (
    Stamp,
    TimestampError,
    from_any,
    from_epoch,
    posix_seconds,
)

_TIME_KEYS = (
    "timestamp", "time", "ts", "@t", "datetime", "date", "eventTime",
    "unixTime", "calendarTime",  # osquery's results log
    "asctime",  # python-json-logger
    "instant", "timeMillis",  # log4j2's JsonLayout: {"epochSecond", "nanoOfSecond"}, or ms
    "created",  # a Redfish LogEntry (iLO's IML, iDRAC's SEL): "Created"
)  # fmt: skip
_TIME_NAME = re.compile(r"(?i)time|date")
_YEAR_2000 = 946_684_800
_MESSAGE_KEYS = (
    "message", "msg", "@m", "log", "text", "event", "@mt", "@message",
    "logmessage",  # Payara's JSON formatter: "LogMessage"
    "eventmessage",  # macOS ``log stream --style ndjson``: "eventMessage"
)  # fmt: skip
#: Monolog's JSON has "level": 400 beside "level_name": "ERROR"; python-json-logger "levelname".
_LEVEL_KEYS = (
    "level_name",
    "levelname",
    "level",
    "severity",
    "lvl",
    "loglevel",
    "log_level",
    "@l",
    "@level",
    "messagetype",  # macOS ``log stream --style ndjson``: "messageType": "Default|Info|Error|Fault"
)
#: pino's and bunyan's numbers for their levels.
_NUMBERED_LEVELS = {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}
_HOST_KEYS = ("host", "hostname")
_ECS_OBJECTS = frozenset({
    "agent", "client", "cloud", "container", "destination", "dns", "ecs", "error", "event",
    "file", "group", "host", "http", "log", "logwarden", "network", "observer", "organization",
    "process", "related", "rule", "server", "service", "session", "source", "span", "threat",
    "tls", "trace", "transaction", "url", "user", "user_agent",
    "winlog",  # Winlogbeat's and Elastic Agent's Windows field set
})  # fmt: skip
_ECS_TOP_FIELDS = frozenset({"@timestamp", "message", "tags"})


#: A brace before a word ("{A1B2C3D4-...}"): no JSON object opens so.
_BRACED_WORD = re.compile(r'\{\s*[^\s"{}\[]')


class JsonError(ValueError):
    """JSON that cannot become an event; carries the failure type for the entry point."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when containers nest deeper than ``limit`` (iterative: no recursion to blow)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend(
                (child, depth + 1) for child in node.values() if isinstance(child, dict | list)
            )
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node if isinstance(child, dict | list))
    return False


def _expand_dotted(document: dict[str, Any]) -> dict[str, Any]:
    """``{"log.level": "info"}`` -> ``{"log": {"level": "info"}}`` (top-level keys only)."""
    if not any("." in key for key in document):
        return document
    expanded: dict[str, Any] = {}
    for key, value in document.items():
        if "." not in key or key.startswith("@"):
            known = expanded.get(key)
            if isinstance(known, dict) and isinstance(value, dict):  # "log.level" then "log"
                known.update(value)
            else:
                expanded[key] = value
            continue
        put_dotted(expanded, key, value)
    return expanded


def _first(document: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` that has a value, as written, else in any case (.NET's and Java
    EE's JSON capitalise: "Timestamp", "LogLevel", "Level", "Message")."""
    for key in keys:
        value = document.get(key)
        if value is not None and value != "":
            return value
    lowered = {key.lower(): value for key, value in document.items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value is not None and value != "":
            return value
    return None


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """A JSON object line; raises :class:`JsonError` for broken or hostile JSON.

    A line whose brace opens no object (``{A1B2C3D4-...}\t2026-12-02 ...``: a GUID opening
    Windows Update's ReportingEvents.log) is no JSON at all: other formats may read it.
    """
    if _BRACED_WORD.match(text) is not None:
        return None
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise JsonError(FailureType.INVALID_JSON, f"invalid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise JsonError(
            FailureType.INVALID_JSON, f"JSON {type(document).__name__} is not an object"
        )
    limit = ctx.max_json_depth
    # Each container opens with a bracket in the text, so with few brackets the walk is moot.
    if text.count("{") + text.count("[") > limit and _depth_exceeds(document, limit):
        raise JsonError(
            FailureType.JSON_TOO_DEEP, f"JSON nests deeper than {ctx.max_json_depth} levels"
        )
    document = _expand_dotted(document)
    if "@timestamp" in document or isinstance(document.get("ecs"), dict):
        return _passthrough(document, ctx)
    if ids.is_eve(document):
        return ids.from_eve(document, ctx)
    if journald.is_entry(document):
        return journald.from_entry(document, ctx)
    return _namespaced(document, text, ctx)


def _passthrough(document: dict[str, Any], ctx: Context) -> dict[str, Any]:
    # Keys ECS does not define, and scalars where ECS has an object (they would make
    # Elasticsearch reject the document), move under logwarden.json: nothing is lost.
    foreign = {
        key: document.pop(key)
        for key in list(document)
        if not (key in _ECS_TOP_FIELDS or (key in _ECS_OBJECTS and isinstance(document[key], dict)))
    }
    if foreign:
        _lift_obvious(document, foreign)
        logwarden = document.setdefault("logwarden", {})
        logwarden["json"] = foreign
    if "@timestamp" in document:
        document["@timestamp"] = _stamp(document["@timestamp"], ctx)
    own = document.get("logwarden")
    if isinstance(own, dict):  # a verdict is this parser's to give, never the sender's
        own.pop("parser", None)
    log = document.get("log")
    if isinstance(log, dict) and isinstance(log.get("level"), str):  # Spring Boot's "INFO"
        log["level"] = log["level"].lower()
    if "winlog" in document:
        windows.enrich(document)
    meta = document.setdefault("event", {})
    if not isinstance(meta.get("dataset"), str) or not meta["dataset"]:
        meta["dataset"] = "json"
    message = document.get("message")
    if message is not None and not isinstance(message, str):
        document["message"] = orjson.dumps(message).decode()
    return document


def _lift_obvious(event: dict[str, Any], fields: dict[str, Any]) -> None:
    """Copy the message, level and host of non-ECS JSON to their ECS fields, where unset
    (Terraform's machine-readable UI writes "@timestamp" beside "@message" and "@level")."""
    message = _first(fields, _MESSAGE_KEYS)
    if isinstance(message, str) and "message" not in event:
        event["message"] = message
    level = _first(fields, _LEVEL_KEYS)
    if isinstance(level, str | int) and "log" not in event:
        named = _NUMBERED_LEVELS.get(level) if isinstance(level, int) else None
        event["log"] = {"level": named or str(level).lower()}
    elif (
        isinstance(fields.get("t"), dict)
        and isinstance(fields.get("s"), str)
        and "log" not in event
    ):
        # MongoDB's Extended JSON: "s" is the severity ("I", "W", "D2")
        spelled = LETTER_LEVELS.get(fields["s"][:1]) if len(fields["s"]) <= 2 else None
        if spelled is not None:
            event["log"] = {"level": spelled}
    host = _first(fields, _HOST_KEYS)
    if "host" in event:
        return
    if isinstance(host, str):
        event["host"] = {"hostname": host}
    elif isinstance(host, dict) and isinstance(host.get("name") or host.get("hostname"), str):
        event["host"] = {"hostname": host.get("hostname") or host.get("name")}


def _stamp(value: object, ctx: Context) -> Stamp:
    """A JSON time: ISO 8601 or an epoch, else a layout inference knows (Mattermost's
    ``"2026-12-01 09:12:30.441 Z"``); the ISO error when none reads it."""
    if isinstance(value, dict) and isinstance(value.get("epochSecond"), int):  # log4j2
        nanos = value.get("nanoOfSecond")
        return from_epoch(value["epochSecond"], nanos // 1000 if isinstance(nanos, int) else 0)
    try:
        return from_any(value, ctx.tz)
    except TimestampError as iso_error:
        if not isinstance(value, str):
            raise
        try:
            return parse_value(value, ctx)
        except TimestampError:
            raise iso_error from None


def _named_time(document: dict[str, Any], ctx: Context) -> Stamp | None:
    """The first field named for a time that reads as one, for JSON without a usual time key:
    Envoy's and Istio's ``start_time``, Cloudflare's ``EdgeStartTimestamp`` (nanoseconds),
    Akamai's ``reqTimeSec`` (a string epoch). Durations (``upstream_response_time: 0.003``)
    read as 1970 and are passed over."""
    for key, value in document.items():
        if not isinstance(value, str | int | float) or _TIME_NAME.search(key) is None:
            continue
        try:
            stamp = _stamp(value, ctx)
        except TimestampError:
            continue
        if posix_seconds(stamp) >= _YEAR_2000:
            return stamp
    return None


def _namespaced(document: dict[str, Any], text: str, ctx: Context) -> dict[str, Any]:
    event: dict[str, Any] = {"logwarden": {"json": document}, "event": {"dataset": "json"}}
    record = _pushed_event(document) or document
    stamp = _first(record, _TIME_KEYS)
    mongo = document.get("t")
    if stamp is None and isinstance(mongo, dict):  # MongoDB's Extended JSON {"t": {"$date": ..}}
        stamp = mongo.get("$date")
    if stamp is not None:
        event["@timestamp"] = _stamp(stamp, ctx)
    else:
        named = _named_time(record, ctx)
        if named is not None:
            event["@timestamp"] = named
    message = _first(record, _MESSAGE_KEYS)
    event["message"] = message if isinstance(message, str) else text
    _lift_obvious(event, record)
    return event


def _pushed_event(document: dict[str, Any]) -> dict[str, Any] | None:
    """The record of a Redfish event push (a BMC's ``{"@odata.type": "#Event...", "Events":
    [{"EventTimestamp", "Severity", "Message", ...}]}``): its first event."""
    events = document.get("Events")
    if isinstance(events, list) and events and isinstance(events[0], dict):
        first: dict[str, Any] = events[0]
        return first if "EventTimestamp" in first else None
    return None
