"""What the parsing stage produces (an ECS dict or a typed failure) and what parsers get.

The options that steer it are in :mod:`classifiers.parsing.options`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Final, TypeAlias

ECS_VERSION = "8.11.0"

#: A parsed event: a nested ECS dict shaped like an Elasticsearch ``_source``.
ParsedEvent: TypeAlias = dict[str, Any]


class FailureType:
    """The ``type`` values a :class:`ParseFailure` can carry (a closed, documented set)."""

    EMPTY: Final = "empty"
    TOO_LARGE: Final = "too_large"
    INVALID_ENCODING: Final = "invalid_encoding"
    BINARY_DATA: Final = "binary_data"
    INVALID_JSON: Final = "invalid_json"
    JSON_TOO_DEEP: Final = "json_too_deep"
    INVALID_TIMESTAMP: Final = "invalid_timestamp"
    FORMAT_MISMATCH: Final = "format_mismatch"
    INVALID_EVTX: Final = "invalid_evtx"  # a damaged record of an .evtx file
    INTERNAL_ERROR: Final = "internal_error"


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """A line that could not become an event; the pipeline dead-letters it.

    ``original`` is the line as text (invalid bytes replaced, scrubbed when scrubbing is on,
    cut at the size limit) so a dead-letter record never carries a secret or a 10 MB blob.
    """

    type: str
    reason: str
    original: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the ``logwarden parse`` contract for a failed line."""
        return {
            "error": {"type": self.type, "reason": self.reason},
            "event": {"original": self.original},
        }


@dataclass(slots=True)
class Context:
    """What a format parser needs besides the text, taken from the options once per line."""

    format: str  # a format name, or "auto"
    store_original: str
    max_json_depth: int
    tz: tzinfo
    now: float  # POSIX seconds
    max_future_s: float  # tolerance for future timestamps, also used by year inference
