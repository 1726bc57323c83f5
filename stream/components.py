"""Load the real stages from ``classifiers`` and adapt them to ``stream.stages``.

This is the only module that knows the classifier packages' entry points; the agents only
see the small protocols. Loading happens once per worker, before it reports ready.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stream.config import Settings
from stream.stages import LogParser, LogScorer, LogVerdict, TicketRouter


@dataclass
class Components:
    """The loaded stages of one worker."""

    parser: LogParser
    scorer: LogScorer
    router: TicketRouter
    detections: Any = None


class ScoringAdapter:
    """``classifiers.logs.scoring.LogScorer`` behind the ``LogScorer`` protocol."""

    def __init__(self, scorer: Any) -> None:
        self._scorer = scorer
        self.model_name = str(scorer.model.name)
        self.model_version = str(scorer.model.version)

    def score(self, events: Sequence[dict[str, Any]]) -> list[LogVerdict]:
        return [
            LogVerdict(s.label, s.alert, s.severity, s.ecs_fields())
            for s in self._scorer.score_batch(events)
        ]

    def cache_hit_ratio(self) -> float | None:
        return float(self._scorer.cache.hit_rate)


def load_components(settings: Settings) -> Components:
    """Parser, log scorer, ticket router and windowed detections from the shipped models."""
    raise NotImplementedError("waiting for the parser, scorer and ticket runtime to land")
