"""Declared formats: grok patterns per source, from the formats file the user writes.

The file (``LOGWARDEN_FORMATS_FILE``, the chart's ``parsing.formats``) is read by the
caller; this module gets its content as a mapping and validates all of it up front, so a
worker refuses to start with an error naming the source and the pattern, never fails per
line. Layout of the mapping::

    patterns:                      # optional: extra grok definitions, shared by all sources
      PAYMENT_ID: "pay_[0-9a-f]{16}"
    sources:
      - name: payments             # named in errors and in logwarden.parse.format
        source: "*payments*"       # glob on the source: topic, file path or shipper's host
        dataset: payments.app      # event.dataset (default: declared.<name>)
        grok:                      # tried in order; the first that matches the whole line wins
          - "%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:log.level} %{GREEDYDATA:message}"

Captures name ECS fields (``source.ip``, ``[user][name]``); ``timestamp``/``@timestamp`` is
read with the inference's timestamp layouts; ``log.level`` is lower-cased; ``*.ip`` fields
that are not addresses are dropped (Elasticsearch would reject the document). A line that
no pattern of its source matches goes on to auto-detection.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.fields import put_dotted, valid_ip
from classifiers.parsing.grok import BASE_PATTERNS, Grok, GrokError, compile_grok
from classifiers.parsing.registry import FormatSpec
from classifiers.parsing.stamps import parse_value

_TIME_FIELDS = ("@timestamp", "timestamp")


class DeclaredFormatError(ValueError):
    """The formats file is invalid; the message names the source and the pattern."""


@dataclass(frozen=True)
class DeclaredFormat:
    """The grok patterns of one source, as a format spec the parser can run."""

    name: str
    glob: str
    dataset: str
    patterns: tuple[Grok, ...]
    spec: FormatSpec = field(init=False, compare=False)

    def __post_init__(self) -> None:
        spec = FormatSpec(f"declared:{self.name}", self.parse, auto=False, dataset=self.dataset)
        object.__setattr__(self, "spec", spec)

    def parse(self, text: str, ctx: Context) -> dict[str, Any] | None:
        """The event of the first pattern that matches the whole line, or ``None``."""
        for grok in self.patterns:
            captured = grok.match(text)
            if captured is not None:
                return _event(captured, text, ctx, self.dataset)
        return None


@dataclass(frozen=True)
class DeclaredFormats:
    """Every declared source; which ones apply to a source key is remembered."""

    formats: tuple[DeclaredFormat, ...]
    _by_source: dict[str, tuple[DeclaredFormat, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def for_source(self, source: str) -> tuple[DeclaredFormat, ...]:
        """The declared formats whose glob matches ``source`` (computed once per source)."""
        found = self._by_source.get(source)
        if found is None:
            if len(self._by_source) > 4096:
                self._by_source.clear()
            found = self._by_source[source] = tuple(
                f for f in self.formats if fnmatch.fnmatchcase(source, f.glob)
            )
        return found


def load(document: Mapping[str, Any] | None) -> DeclaredFormats:
    """Validate and compile a formats file's content; :class:`DeclaredFormatError` if bad."""
    if document is None:
        return DeclaredFormats(())
    if not isinstance(document, Mapping):
        raise DeclaredFormatError("the formats file must be a mapping with 'sources'")
    unknown = set(document) - {"patterns", "sources"}
    if unknown:
        raise DeclaredFormatError(f"unknown keys in the formats file: {sorted(unknown)}")
    extra = document.get("patterns") or {}
    if not isinstance(extra, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in extra.items()
    ):
        raise DeclaredFormatError("'patterns' must map grok names to pattern strings")
    library = {**BASE_PATTERNS, **extra}
    sources = document.get("sources") or []
    if not isinstance(sources, list):
        raise DeclaredFormatError("'sources' must be a list")
    formats = [_source(entry, index, library) for index, entry in enumerate(sources)]
    names = [f.name for f in formats]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise DeclaredFormatError(f"source names must be unique: {duplicates}")
    return DeclaredFormats(tuple(formats))


def _source(entry: Any, index: int, library: Mapping[str, str]) -> DeclaredFormat:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise DeclaredFormatError(f"source #{index + 1} needs a 'name'")
    name = entry["name"]
    unknown = set(entry) - {"name", "source", "dataset", "grok"}
    if unknown:
        raise DeclaredFormatError(f"source {name!r}: unknown keys {sorted(unknown)}")
    patterns = entry.get("grok")
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise DeclaredFormatError(f"source {name!r}: 'grok' must be a pattern or a list of them")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(compile_grok(pattern, library))
        except GrokError as exc:
            raise DeclaredFormatError(f"source {name!r}: grok pattern {pattern!r}: {exc}") from None
    glob = entry.get("source", "*")
    dataset = entry.get("dataset", f"declared.{name}")
    if not isinstance(glob, str) or not isinstance(dataset, str):
        raise DeclaredFormatError(f"source {name!r}: 'source' and 'dataset' must be strings")
    return DeclaredFormat(name, glob, dataset, tuple(compiled))


def _event(captured: dict[str, Any], text: str, ctx: Context, dataset: str) -> dict[str, Any]:
    event: dict[str, Any] = {"event": {"dataset": dataset}}
    for name, value in captured.items():
        if name in _TIME_FIELDS:
            event["@timestamp"] = parse_value(str(value), ctx)
            continue
        if name.endswith(".ip") and valid_ip(str(value)) is None:
            continue
        put_dotted(event, name, str(value).lower() if name == "log.level" else value)
    message = event.get("message")
    if not isinstance(message, str):
        event["message"] = text
    return event
