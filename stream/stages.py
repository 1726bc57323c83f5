"""The interfaces the pipeline needs from the classifiers, as small protocols.

The agents only know these shapes; ``stream.components`` adapts the real implementations in
``classifiers`` (parser, log scorer, ticket model) to them, so a stage can change its insides
without touching the topology.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StageFailure:
    """A typed reason why one record cannot go on (it is dead-lettered with it)."""

    type: str
    reason: str

    def __str__(self) -> str:
        return f"{self.type}: {self.reason}"


class LogParser(Protocol):
    """Raw bytes of one log record → a scrubbed ECS event dict, or a typed failure."""

    def __call__(self, raw: bytes) -> dict[str, Any] | StageFailure: ...


@dataclass(frozen=True, slots=True)
class LogVerdict:
    """What the scorer concluded about one event.

    ``fields()`` gives what is merged into the document (``event.risk_score``,
    ``event.severity``, ``logwarden.label`` and the rest, nested like the document); ``alert``
    decides where it goes. A callable, because most events are neither alerts nor sampled:
    building their fields cost ~10 µs per event for nothing.
    """

    label: str
    alert: bool
    severity: int
    fields: Callable[[], dict[str, Any]] = dict


class LogScorer(Protocol):
    """Classifies and scores a batch of parsed events; runs in a worker thread."""

    model_name: str
    model_version: str

    def score(self, events: Sequence[dict[str, Any]]) -> list[LogVerdict]: ...

    def cache_hit_ratio(self) -> float | None: ...

    def settled_ratio(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class TicketDecision:
    """Where one ticket goes and how sure the model is."""

    label: str
    confidence: float
    queue: str
    top3: list[dict[str, Any]]
    #: Why a person must route it (``below_threshold``, ``unsupported_language``, ...), or None.
    triage_reason: str | None = None

    @property
    def auto_routed(self) -> bool:
        """False when the ticket went to the triage queue for a person."""
        return self.triage_reason is None


class TicketRouter(Protocol):
    """Classifies ticket texts and applies the routing threshold; runs in a worker thread."""

    model_name: str
    model_version: str

    def queues(self) -> list[str]: ...

    def route(self, texts: Sequence[str]) -> list[TicketDecision]: ...
