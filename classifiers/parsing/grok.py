"""A small grok compiler: ``%{SYNTAX:field:type}`` patterns to one Python regex.

Grok is how Logstash and the Elasticsearch ``grok`` ingest processor let users declare a
line layout, so users bring patterns they already have. We compile them ourselves rather
than depend on ``pygrok``: it is not in our package index, it compiles with the
third-party ``regex`` module per call site, and it cannot say which pattern of which source
is broken. The base set below is the legacy ``grok-patterns`` file of
logstash-patterns-core (Apache 2.0), adapted to Python's ``re`` (Python 3.11 has atomic
groups; POSIX classes are spelled out; ``IPV6`` is a simpler superset of the original).

Field names may be dotted ECS names (``source.ip``) or Logstash's ``[source][ip]``;
``:int`` and ``:float`` convert the capture, as in Logstash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

BASE_PATTERNS: dict[str, str] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": r"%{USERNAME}",
    "EMAILLOCALPART": r"[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]{1,64}(?:\.[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]{1,62}){0,63}",  # noqa: E501 - upstream pattern, kept whole
    "EMAILADDRESS": r"%{EMAILLOCALPART}@%{HOSTNAME}",
    "INT": r"(?:[+-]?(?:[0-9]+))",
    "BASE10NUM": r"(?<![0-9.+-])(?>[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+)))",
    "NUMBER": r"(?:%{BASE10NUM})",
    "BASE16NUM": r"(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))",
    "POSINT": r"\b(?:[1-9][0-9]*)\b",
    "NONNEGINT": r"\b(?:[0-9]+)\b",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "QUOTEDSTRING": r"(?>(?<!\\)(?>\"(?>\\.|[^\\\"]+)+\"|\"\"|(?>'(?>\\.|[^\\']+)+')|''|(?>`(?>\\.|[^\\`]+)+`)|``))",  # noqa: E501 - upstream pattern, kept whole
    "QS": r"%{QUOTEDSTRING}",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "CISCOMAC": r"(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})",
    "WINDOWSMAC": r"(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})",
    "COMMONMAC": r"(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})",
    "MAC": r"(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})",
    "IPV6": r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|%{IPV4})?(?:%[0-9A-Za-z]+)?",
    "IPV4": r"(?<![0-9])(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]))(?![0-9])",  # noqa: E501 - upstream pattern, kept whole
    "IP": r"(?:%{IPV6}|%{IPV4})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b)",  # noqa: E501 - upstream pattern, kept whole
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "UNIXPATH": r"(?:/[\w%!$@:.,+~-]*)+",
    "WINPATH": r"(?>[A-Za-z]+:|\\)(?:\\[^\\?*]*)+",
    "PATH": r"(?:%{UNIXPATH}|%{WINPATH})",
    "TTY": r"(?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+))",
    "URIPROTO": r"[A-Za-z](?:[A-Za-z0-9+\-.]+)+",
    "URIHOST": r"%{IPORHOST}(?::%{POSINT})?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+",
    "URIQUERY": r"[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPARAM": r"\?%{URIQUERY}",
    "URIPATHPARAM": r"%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATH}(?:%{URIPARAM})?)?",
    "MONTH": r"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b",  # noqa: E501 - upstream pattern, kept whole
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])",
    "MONTHNUM2": r"(?:0[1-9]|1[0-2])",
    "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",  # noqa: E501 - upstream pattern, kept whole
    "YEAR": r"(?>\d\d){1,2}",
    "HOUR": r"(?:2[0123]|[01]?[0-9])",
    "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)",
    "TIME": r"(?<![0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "ISO8601_SECOND": r"%{SECOND}",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",  # noqa: E501 - upstream pattern, kept whole
    "DATE": r"%{DATE_US}|%{DATE_EU}",
    "DATESTAMP": r"%{DATE}[- ]%{TIME}",
    "TZ": r"(?:[APMCE][SD]T|UTC)",
    "DATESTAMP_RFC822": r"%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}",
    "DATESTAMP_RFC2822": r"%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}",
    "DATESTAMP_OTHER": r"%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}",
    "DATESTAMP_EVENTLOG": r"%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}",
    "PROG": r"[\x21-\x5a\x5c\x5e-\x7e]+",
    "SYSLOGPROG": r"%{PROG:process.name}(?:\[%{POSINT:process.pid:int}\])?",
    "SYSLOGHOST": r"%{IPORHOST}",
    "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",  # noqa: E501 - upstream pattern, kept whole
}  # fmt: skip

_REFERENCE = re.compile(r"%\{(\w+)(?::([\w.@\[\]-]+))?(?::(int|float))?\}")
_ONIGURUMA_NAME = re.compile(r"\(\?<([A-Za-z_][\w.@\[\]-]*)>")
_MAX_DEPTH = 32


class GrokError(ValueError):
    """A pattern that cannot be compiled: unknown name, recursion, or invalid regex."""


@dataclass(frozen=True)
class Grok:
    """A compiled grok pattern: the regex and, per group, the field and its conversion."""

    source: str
    regex: re.Pattern[str]
    fields: dict[str, tuple[str, str | None]]  # group name -> (dotted field, "int"/"float")

    def match(self, text: str) -> dict[str, str | int | float] | None:
        """Captured fields of a line the pattern matches whole, ``None`` otherwise."""
        found = self.regex.match(text)
        if found is None:
            return None
        out: dict[str, str | int | float] = {}
        for group, value in found.groupdict().items():
            if value is None:
                continue
            name, kind = self.fields[group]
            if kind == "int":
                out[name] = int(value) if value.lstrip("+-").isdigit() else value
            elif kind == "float":
                try:
                    out[name] = float(value)
                except ValueError:
                    out[name] = value
            else:
                out[name] = value
        return out


def field_name(raw: str) -> str:
    """``[source][ip]`` (Logstash) or ``source.ip`` -> ``source.ip``."""
    if raw.startswith("["):
        return ".".join(part for part in re.split(r"[\[\]]+", raw) if part)
    return raw


def compile_grok(pattern: str, library: Mapping[str, str] = BASE_PATTERNS) -> Grok:
    """Compile ``pattern`` (anchored at the line start and end); :class:`GrokError` if broken."""
    fields: dict[str, tuple[str, str | None]] = {}

    def name_group(field: str, kind: str | None) -> str:
        group = f"g{len(fields)}"
        fields[group] = (field_name(field), kind)
        return group

    def expand(text: str, depth: int, trail: tuple[str, ...]) -> str:
        if depth > _MAX_DEPTH:
            raise GrokError(f"patterns nest deeper than {_MAX_DEPTH}: {' -> '.join(trail)}")
        text = _ONIGURUMA_NAME.sub(lambda m: f"(?P<{name_group(m.group(1), None)}>", text)

        def replace(ref: re.Match[str]) -> str:
            syntax, semantic, kind = ref.groups()
            if syntax in trail:
                raise GrokError(f"pattern {syntax} refers to itself: {' -> '.join(trail)}")
            definition = library.get(syntax)
            if definition is None:
                raise GrokError(f"unknown grok pattern %{{{syntax}}}")
            body = expand(definition, depth + 1, (*trail, syntax))
            if semantic is None:
                return f"(?:{body})"
            return f"(?P<{name_group(semantic, kind)}>{body})"

        return _REFERENCE.sub(replace, text)

    expanded = expand(pattern, 0, ())
    try:
        regex = re.compile(expanded + r"\Z", re.DOTALL)
    except re.error as exc:
        raise GrokError(f"invalid regular expression: {exc}") from None
    return Grok(pattern, regex, fields)
