"""Every format the parser knows, and how auto-detection picks one.

Detection first tries the format that parsed the previous line of the same *shape* (the
first characters with digits and letters folded, see :func:`shape`): a stream rarely
changes format, and when it mixes formats their shapes differ. Otherwise it tries, in
declared order, only the formats that can start with the line's first character; each
parser is an anchored regex that fails within a few characters. A forced format (per
topic, ``--format``) runs that one parser only.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from classifiers.parsing import access, cef, cmtrace, ids, jsonfmt, leef, loghub, syslog
from classifiers.parsing.events import Context

Parser = Callable[[str, Context], dict[str, Any] | None]
_ANY = ""
_MONTH_INITIALS = "JFMASOND"


@dataclass(frozen=True)
class FormatSpec:
    """One selectable format: its name, parser and the first characters it can start with."""

    name: str
    parse: Parser
    first: str = _ANY  # "" = any first character (tried after the specific ones)
    dataset: str | None = None  # forces event.dataset (Loghub systems parsed by shared parsers)
    auto: bool = True  # part of auto-detection
    #: The parser builds its events itself: plain dicts, a str ``message``, an ``event`` object
    #: with a str ``dataset`` (and a str ``kind`` if any), no ``ecs``. JSON passes documents
    #: through, so the entry point checks those fields for it.
    builds_event: bool = True


def _anywhere(prefix: str, bare: Parser, dataset: str) -> Parser:
    """A parser of ``prefix`` records (CEF, LEEF), bare or carried in a syslog message."""

    def parse(text: str, ctx: Context) -> dict[str, Any] | None:
        if text.startswith(prefix):
            return bare(text, ctx)
        if prefix not in text:
            return None
        event = syslog.parse(text, ctx)
        return event if event is not None and event["event"].get("dataset") == dataset else None

    return parse


_LOGHUB_SHARED: dict[str, Parser] = {
    "Linux": syslog.parse,
    "OpenSSH": syslog.parse,
    "Mac": syslog.parse,
    "Apache": access.parse_apache_error,
}

SPECS: tuple[FormatSpec, ...] = (
    FormatSpec("json", jsonfmt.parse, "{", builds_event=False),
    FormatSpec("syslog", syslog.parse, "<" + _MONTH_INITIALS + string.digits),
    FormatSpec("cmtrace", cmtrace.parse, "<"),
    FormatSpec("ids", ids.parse_fast, string.digits),
    FormatSpec("cef", _anywhere("CEF:", cef.parse, "cef"), "C"),
    FormatSpec("leef", _anywhere("LEEF:", leef.parse, "leef"), "L"),
    FormatSpec("apache", access.parse_apache, "["),
    *(
        FormatSpec(f"loghub:{system.name}", loghub.parser(system.name), system.first)
        for system in loghub.SYSTEMS.values()
    ),
    FormatSpec("nginx", access.parse_nginx, _ANY),
    *(
        FormatSpec(f"loghub:{name}", parse, dataset=f"loghub.{name.lower()}", auto=False)
        for name, parse in _LOGHUB_SHARED.items()
    ),
)

FORMATS: dict[str, FormatSpec] = {spec.name: spec for spec in SPECS}

#: Names accepted by ``ParseOptions.format`` and ``logwarden parse --format``.
FORMAT_NAMES: tuple[str, ...] = ("auto", *sorted(FORMATS))

_FALLBACK: tuple[FormatSpec, ...] = tuple(s for s in SPECS if s.auto and s.first == _ANY)
_BY_FIRST: dict[str, tuple[FormatSpec, ...]] = {}
for _spec in SPECS:
    for _char in _spec.first if _spec.auto else "":
        _BY_FIRST[_char] = (*_BY_FIRST.get(_char, ()), _spec)
_BY_FIRST = {char: specs + _FALLBACK for char, specs in _BY_FIRST.items()}


def candidates(first_char: str) -> tuple[FormatSpec, ...]:
    """Formats to try, in order, for a line starting with ``first_char``."""
    return _BY_FIRST.get(first_char, _FALLBACK)


# Shape of a line's start: digits -> 0, letters -> a/A, the rest as is. Lines of one format
# share a handful of shapes ("000000 000000 000 AAAA aaa." for HDFS), so the format that
# parsed the last line of a shape is tried first for the next one. 26 characters reach past
# the stamp where Hadoop, Zookeeper and Windows CBS lines first differ ("...,000 AAAA",
# "...,000 - AAAA", "..., Aaaa"): shorter shapes made a mixed stream of them miss every time.
# The shape is computed on the UTF-8 bytes: bytes.translate is a table lookup per byte, far
# cheaper than str.translate's dict, and non-ASCII characters stay as they are either way.
_SHAPE_TABLE = bytes.maketrans(
    (string.digits + string.ascii_lowercase + string.ascii_uppercase).encode(),
    b"0" * 10 + b"a" * 26 + b"A" * 26,
)
_SHAPE_LENGTH = 26
_SHAPE_CACHE_LIMIT = 4096
_LAST_BY_SHAPE: dict[bytes, FormatSpec] = {}


def shape(text: str) -> bytes:
    """The detection key of a line: the shape of its first characters."""
    return text[:_SHAPE_LENGTH].encode().translate(_SHAPE_TABLE)


def last_for(key: bytes) -> FormatSpec | None:
    """The format that parsed the previous line of this shape, if any."""
    return _LAST_BY_SHAPE.get(key)


def remember(key: bytes, spec: FormatSpec) -> None:
    """Record that ``spec`` parsed a line of shape ``key`` (bounded memory)."""
    if len(_LAST_BY_SHAPE) >= _SHAPE_CACHE_LIMIT:
        _LAST_BY_SHAPE.clear()
    _LAST_BY_SHAPE[key] = spec
