"""Web server logs: the common/combined access format shared by Apache and nginx, and the
error logs of both.

The access format is the same for both servers, so the line alone cannot tell them apart:
auto-detection labels access lines ``nginx`` (``event.dataset: nginx.access``); a topic
configured with ``--format apache`` gets ``apache.access``. Error logs do differ and are
recognised as ``apache.error`` (``[Sun Dec 04 04:47:44 2005] [error] ...``) or
``nginx.error`` (``2024/01/02 10:00:00 [error] 12#12: *3 ...``).
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from functools import lru_cache
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.fields import set_address, set_user, to_int
from classifiers.parsing.timeparse import MONTHS, build, micros

# A double-quoted field's content with backslash escapes, written as an unrolled loop (runs of
# plain characters, then one escape) so the regex engine does not branch on every character.
_QUOTED = r"([^\"\\]*(?:\\.[^\"\\]*)*)"
# The request line may carry a raw '"' (servers that log unescaped, or an attacker's payload
# replayed by a shipper): a quote there ends the request only where the status code follows.
_REQUEST_QUOTED = r"((?:[^\"\\]|\\.|\"(?! (?:\d{3}|-) ))*)"
_ACCESS = re.compile(
    r"(\S+) (\S+) (\S+) \[(\d{2})/(\w{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-]\d{4})\]"
    rf" \"{_REQUEST_QUOTED}\" (\d{{3}}|-) (\d+|-)(?: \"{_QUOTED}\" \"{_QUOTED}\")?(.*)\Z",
    re.DOTALL,
)
_REQUEST = re.compile(r"([A-Z][A-Z_-]*) (\S+)(?: HTTP/(\d(?:\.\d)?))?\Z")
_APACHE_ERROR = re.compile(
    r"\[\w{3} (\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})\]"
    r" \[(?:([^:\]\s]+):)?([A-Za-z]\w*)\](?: \[pid (\d+)(?::tid (\d+))?\])?"
    r"(?: \[client ([^\]]+?)(?::(\d+))?\])? ?(.*)\Z",
    re.DOTALL,
)
_NGINX_ERROR = re.compile(
    r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w+)\] (\d+)#(\d+): (?:\*(\d+) )?"
)
# nginx appends its context after the message: the message ends at the first ", " (or the
# end of the line) and this matches from there. Finding that comma with str.find instead of a
# lazy ".*?" spares the regex engine a retry of every optional group at each character.
_NGINX_CONTEXT = re.compile(
    r"(?:, client: ([^,\s]+))?(?:, server: ([^,]*))?(?:, request: \"([^\"]*)\")?(?:, .*)?\Z",
    re.DOTALL,
)


@lru_cache(maxsize=256)
def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5])))


def _request(event: dict[str, Any], request: str) -> None:
    match = _REQUEST.match(request)
    if match is None:
        if request and request != "-":
            event["url"] = {"original": request}
        return
    method, target, version = match.groups()
    http = event.setdefault("http", {})
    http["request"] = {"method": method}
    if version:
        http["version"] = version
    url: dict[str, Any] = {"original": target}
    path, _, query = target.partition("?")
    url["path"] = path
    if query:
        url["query"] = query
    event["url"] = url


def parse_access(text: str, ctx: Context, family: str = "nginx") -> dict[str, Any] | None:
    """A common/combined access line, or ``None``."""
    match = _ACCESS.match(text)
    if match is None:
        return None
    (client, _ident, user, day, month, year, hour, minute, second, fraction, offset,
     request, status, size, referrer, agent, _rest) = match.groups()  # fmt: skip
    if month not in MONTHS:
        return None
    event: dict[str, Any] = {
        "@timestamp": build(int(year), MONTHS[month], int(day), int(hour), int(minute),
                            int(second), micros(fraction), _offset(offset)),
        "message": text,
        "http": {},
    }  # fmt: skip
    set_address(event, "source", client)
    set_user(event, user)
    _request(event, request)
    code = to_int(status)
    response: dict[str, Any] = {}
    if code is not None:
        response["status_code"] = code
    body = to_int(size)
    if body is not None:
        response["body"] = {"bytes": body}
    if response:
        event["http"]["response"] = response
    if not event["http"]:
        del event["http"]
    if referrer and referrer != "-":
        event.setdefault("http", {}).setdefault("request", {})["referrer"] = referrer
    if agent and agent != "-":
        event["user_agent"] = {"original": agent}
    meta: dict[str, Any] = {"category": ["web"], "type": ["access"], "dataset": f"{family}.access"}
    if code is not None:
        meta["outcome"] = "failure" if code >= 400 else "success"
    event["event"] = meta
    return event


def parse_apache_error(text: str, ctx: Context) -> dict[str, Any] | None:
    """An Apache 2.2/2.4 error log line, or ``None``."""
    match = _APACHE_ERROR.match(text)
    if match is None or match.group(1) not in MONTHS:
        return None
    (month, day, hour, minute, second, fraction, year, module, level, pid, tid,
     client, client_port, message) = match.groups()  # fmt: skip
    event: dict[str, Any] = {
        "@timestamp": build(int(year), MONTHS[month], int(day), int(hour), int(minute),
                            int(second), micros(fraction), ctx.tz),
        "message": message,
        "log": {"level": level},
        "event": {"category": ["web"], "type": ["error"], "dataset": "apache.error"},
    }  # fmt: skip
    if module:
        event["log"]["logger"] = module
    if pid:
        event["process"] = {"pid": int(pid)}
        if tid:
            event["process"]["thread"] = {"id": int(tid)}
    if client:
        set_address(event, "source", client, client_port)
    return event


def parse_nginx_error(text: str, ctx: Context) -> dict[str, Any] | None:
    """An nginx error log line, or ``None``."""
    match = _NGINX_ERROR.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, level, pid, tid, _connection = match.groups()
    start = match.end()
    cut = text.find(", ", start)
    if cut < 0:
        message, client, server, request = text[start:], None, None, None
    else:
        message = text[start:cut]
        client, server, request = _NGINX_CONTEXT.match(text, cut).groups()  # type: ignore[union-attr]
    event: dict[str, Any] = {
        "@timestamp": build(int(year), int(month), int(day), int(hour), int(minute),
                            int(second), 0, ctx.tz),
        "message": message,
        "log": {"level": level},
        "process": {"pid": int(pid), "thread": {"id": int(tid)}},
        "event": {"category": ["web"], "type": ["error"], "dataset": "nginx.error"},
    }  # fmt: skip
    if client:
        set_address(event, "source", client)
    if server:
        event["destination"] = {"domain": server}
    if request:
        _request(event, request)
    return event


def parse_nginx(text: str, ctx: Context) -> dict[str, Any] | None:
    """nginx access or error line."""
    # No line matches both patterns, so the order only decides which one fails first: error
    # lines start with "2024/03/03 ".
    if text[4:5] == "/":
        return parse_nginx_error(text, ctx) or parse_access(text, ctx, "nginx")
    return parse_access(text, ctx, "nginx") or parse_nginx_error(text, ctx)


def parse_apache(text: str, ctx: Context) -> dict[str, Any] | None:
    """Apache access or error line."""
    return parse_access(text, ctx, "apache") or parse_apache_error(text, ctx)
