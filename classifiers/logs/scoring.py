"""Score a batch of parsed ECS events: template, novelty, class, risk, severity, explanation.

This is the entry point the stream worker calls (from a thread pool: every mutable part is
locked). :meth:`LogScorer.score_batch` takes parsed events and returns one :class:`LogScore`
per event, in order; :meth:`LogScore.ecs_fields` gives the fields to merge into the event.

The classifier reads :func:`model_text` (process, level and the message with addresses and
numbers masked), so its answer depends only on that text: results are cached by it in a
bounded LRU, and the hit rate is reported. Explanations (occlusion on the student: which words,
when removed, lower the predicted label's probability most) are computed for alerts only and
cached with the result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from classifiers.logs.risk import RiskPolicy
from classifiers.logs.taxonomy import BENIGN, label_info
from classifiers.logs.templates import TemplateMatch, TemplateTracker, mask_for_model

_EXPLANATION_TOKENS = 3
_MIN_OCCLUSION_DROP = 0.02


class ProbabilityModel(Protocol):
    """What the scorer needs from a classifier: names, version and class probabilities."""

    name: str
    version: str

    @property
    def label_names(self) -> Sequence[str]: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


def _get(event: Mapping[str, Any], dotted: str) -> Any:
    value: Any = event
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def event_message(event: Mapping[str, Any]) -> str:
    """The text of an event: ``message``, else ``event.original``, else empty."""
    message = _get(event, "message") or _get(event, "event.original") or ""
    return message if isinstance(message, str) else str(message)


def model_text(event: Mapping[str, Any], masked: str | None = None) -> str:
    """What the classifier reads: ``<process> <LEVEL>: <masked message>`` (``masked``: the
    message already through :func:`mask_for_model`, when the caller has it)."""
    process = _get(event, "process.name") or ""
    level = _get(event, "log.level") or ""
    prefix = " ".join(str(part) for part in (process, str(level).upper()) if part)
    if masked is None:
        masked = mask_for_model(event_message(event))
    return f"{prefix}: {masked}" if prefix else masked


def window_key(event: Mapping[str, Any]) -> str:
    """Novelty windows are per ``event.dataset`` and ``host.hostname``."""
    return f"{_get(event, 'event.dataset') or '-'}|{_get(event, 'host.hostname') or '-'}"


@dataclass
class Prediction:
    """The classifier's answer for one model text (what the cache stores); the explanation is
    filled in the first time an event with this text is an alert, then shared."""

    probabilities: np.ndarray
    explanation: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LogScore:
    """Everything the scorer says about one event."""

    label: str
    probability: float
    top3: list[dict[str, Any]]
    template: TemplateMatch
    novelty: float
    risk_score: float
    severity: int
    alert: bool
    explanation: list[str]
    model_name: str
    model_version: str
    category: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)

    def ecs_fields(self) -> dict[str, Any]:
        """The ``logwarden.*`` and ``event.*`` fields to merge into the event document."""
        event: dict[str, Any] = {
            "kind": "alert" if self.alert else "event",
            "risk_score": self.risk_score,
            "severity": self.severity,
        }
        if self.label != BENIGN:
            event["category"] = self.category
            event["type"] = self.type
        return {
            "event": event,
            "logwarden": {
                "label": self.label,
                "probability": self.probability,
                "top3": self.top3,
                "template": {"id": self.template.id, "text": self.template.text},
                "novelty": round(self.novelty, 4),
                "explanation": {"tokens": self.explanation},
                "model": {"name": self.model_name, "version": self.model_version},
            },
        }

    def summary(self) -> dict[str, Any]:
        """The flat shape of ``logwarden classify logs`` output lines."""
        return {
            "label": self.label,
            "probability": self.probability,
            "risk_score": self.risk_score,
            "severity": self.severity,
            "alert": self.alert,
            "novelty": round(self.novelty, 4),
            "template": {"id": self.template.id, "text": self.template.text},
            "explanation": {"tokens": self.explanation, "top3": self.top3},
        }


def merge_fields(event: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``fields`` into ``event`` in place (nested dicts merged, values replaced)."""
    for key, value in fields.items():
        current = event.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merge_fields(current, value)
        else:
            event[key] = value
    return event


class PredictionCache:
    """Bounded LRU of predictions by model text, with hit/miss counts; thread-safe."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Prediction] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Prediction | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def count(self, hits: int, misses: int) -> None:
        """Record events answered without (hits) and with (misses) a model call."""
        with self._lock:
            self.hits += hits
            self.misses += misses

    def put(self, key: str, value: Prediction) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def __len__(self) -> int:
        return len(self._items)


def _occlusion_spans(words: Sequence[str]) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(len(words))] + [(i, i + 2) for i in range(len(words) - 1)]


def occlusion_explanations(
    model: ProbabilityModel,
    items: Sequence[tuple[str, int]],
    limit: int = _EXPLANATION_TOKENS,
) -> list[tuple[str, ...]]:
    """For each (text, label index): the words whose removal (alone or with a neighbour) lowers
    that label's probability most. All occluded variants of all texts go to the model in one
    call, so a batch with many alerts costs one pass over its variants.

    Pairs are occluded too because log lines say things redundantly ("Failed password"): removing
    either word alone may leave enough evidence, removing both does not.
    """
    variants: list[str] = []
    plans = []
    for text, _ in items:
        words = text.split()
        spans = _occlusion_spans(words)
        plans.append((words, spans, len(variants)))
        variants.append(text)
        variants.extend(" ".join(words[:a] + words[b:]) for a, b in spans)
    probabilities = model.predict_proba(variants) if variants else np.zeros((0, 0))
    explanations: list[tuple[str, ...]] = []
    for (words, spans, start), (_, label_index) in zip(plans, items, strict=True):
        if not words:
            explanations.append(())
            continue
        column = probabilities[start : start + 1 + len(spans), label_index]
        score = np.zeros(len(words))
        for (a, b), drop in zip(spans, column[0] - column[1:], strict=True):
            score[a:b] = np.maximum(score[a:b], drop)
        ranked = [
            i
            for i in np.argsort(-score, kind="stable")
            if score[i] >= _MIN_OCCLUSION_DROP and not _is_placeholder(words[i])
        ]
        explanations.append(tuple(words[i] for i in sorted(ranked[:limit])))
    return explanations


def _is_placeholder(word: str) -> bool:
    return word.strip(":,;()[]") in ("<IP>", "<NUM>", "<HEX>", "") or not any(
        c.isalnum() for c in word
    )


class LogScorer:
    """Template mining + cached classification + novelty + risk for batches of events."""

    def __init__(
        self,
        model: ProbabilityModel,
        policy: RiskPolicy | None = None,
        tracker: TemplateTracker | None = None,
        cache_size: int = 50_000,
        explain: bool = True,
    ) -> None:
        self.model = model
        self.policy = policy or RiskPolicy()
        self.tracker = tracker or TemplateTracker()
        self.cache = PredictionCache(cache_size)
        self.explain = explain
        self.label_names = list(model.label_names)

    def score_batch(self, events: Sequence[Mapping[str, Any]]) -> list[LogScore]:
        """One :class:`LogScore` per event, in order; novelty state advances in that order."""
        masked = [mask_for_model(event_message(event)) for event in events]
        texts = [model_text(event, m) for event, m in zip(events, masked, strict=True)]
        matches = [
            self.tracker.observe_masked(m, window_key(e))
            for e, m in zip(events, masked, strict=True)
        ]
        predictions = self._predict(texts)
        if not predictions:
            return []
        probabilities = np.stack([p.probabilities for p in predictions])
        risks = self.policy.risk_scores(
            probabilities, self.label_names, np.array([m.novelty for m in matches])
        )
        if self.explain:
            self._explain(texts, predictions, probabilities, risks)
        return [
            self._score(match, prediction, float(risk))
            for match, prediction, risk in zip(matches, predictions, risks, strict=True)
        ]

    def _explain(
        self,
        texts: Sequence[str],
        predictions: Sequence[Prediction],
        probabilities: np.ndarray,
        risks: np.ndarray,
    ) -> None:
        """Fill the explanation of every alerting prediction that has none, in one model call."""
        pending: dict[int, tuple[str, int]] = {}
        for text, prediction, row, risk in zip(
            texts, predictions, probabilities, risks, strict=True
        ):
            if prediction.explanation is None and self.policy.is_alert(float(risk)):
                # One entry per Prediction object: repeats of a text share theirs.
                pending.setdefault(id(prediction), (text, int(np.argmax(row))))
        if not pending:
            return
        by_id = {id(p): p for p in predictions}
        tokens = occlusion_explanations(self.model, list(pending.values()))
        for key, explanation in zip(pending, tokens, strict=True):
            by_id[key].explanation = explanation

    def _predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions per text; with a cache, each distinct text is classified at most once
        (per batch and across batches while it stays cached). Without one (capacity 0), every
        event goes through the model: that is the "without the cache" figure."""
        if self.cache.capacity <= 0:
            rows = self.model.predict_proba(list(texts))
            return [Prediction(np.asarray(row, dtype=np.float32)) for row in rows]
        found: dict[str, Prediction] = {}
        missing: dict[str, None] = {}  # ordered set
        for text in texts:
            if text in found or text in missing:
                continue
            cached = self.cache.get(text)
            if cached is None:
                missing[text] = None
            else:
                found[text] = cached
        if missing:
            probabilities = self.model.predict_proba(list(missing))
            for text, row in zip(missing, probabilities, strict=True):
                found[text] = Prediction(np.asarray(row, dtype=np.float32))
                self.cache.put(text, found[text])
        self.cache.count(hits=len(texts) - len(missing), misses=len(missing))
        return [found[text] for text in texts]

    def _score(self, match: TemplateMatch, prediction: Prediction, risk: float) -> LogScore:
        probabilities = prediction.probabilities
        order = np.argsort(-probabilities)
        best = int(order[0])
        label = self.label_names[best]
        alert = self.policy.is_alert(risk)
        tokens: tuple[str, ...] = ()
        if alert and self.explain:
            tokens = prediction.explanation or ()
        info = label_info(label)
        return LogScore(
            label=label,
            probability=round(float(probabilities[best]), 4),
            top3=[
                {"label": self.label_names[i], "probability": round(float(probabilities[i]), 4)}
                for i in order[:3]
            ],
            template=match,
            novelty=match.novelty,
            risk_score=risk,
            severity=self.policy.severity(risk),
            alert=alert,
            explanation=list(tokens),
            model_name=self.model.name,
            model_version=self.model.version,
            category=list(info.ecs_category),
            type=list(info.ecs_type),
        )
