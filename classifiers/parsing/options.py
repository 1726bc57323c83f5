"""How to parse: the options of :func:`classifiers.parsing.parse`, checked when built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from classifiers.parsing.registry import FORMAT_NAMES


@dataclass(frozen=True)
class ParseOptions:
    """How to parse; build one per topic/stream and reuse it (it is hashable and cheap).

    The worker builds it from ``Settings``: ``max_bytes=max_event_bytes``, ``timezone``,
    ``scrub_secrets`` and ``store_original`` carry the same names and meaning.
    """

    #: ``auto`` or one name of :data:`classifiers.parsing.FORMATS` (``syslog``, ``loghub:HDFS``...).
    format: str = "auto"
    #: Raw events longer than this (bytes) fail with ``too_large``.
    max_bytes: int = 1_048_576
    #: Zone assumed for timestamps that carry none (IANA name).
    timezone: str = "UTC"
    #: Mask credentials before anything is parsed, stored or sent to the model.
    scrub_secrets: bool = True
    #: ``scrubbed``: keep ``event.original`` (scrubbed when scrubbing is on); ``none``: drop it.
    store_original: Literal["none", "scrubbed"] = "scrubbed"
    #: JSON nested deeper than this fails with ``json_too_deep``.
    max_json_depth: int = 32
    #: Timestamps further than this in the future fail with ``invalid_timestamp``.
    max_future_s: float = 86_400.0
    #: Fixed "now" (tests, replays); the wall clock when ``None``. Drives RFC 3164 year inference.
    now: datetime | None = None
    #: The resolved ``timezone`` (computed once, not an argument).
    tz: tzinfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", zone(self.timezone))  # fails here, never in parse()
        if self.format not in FORMAT_NAMES:
            raise ValueError(f"unknown format {self.format!r}; one of {', '.join(FORMAT_NAMES)}")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        if self.store_original not in ("none", "scrubbed"):
            raise ValueError("store_original must be 'none' or 'scrubbed'")


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The tzinfo of an IANA zone name; ``ValueError`` for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
