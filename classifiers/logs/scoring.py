"""Score a batch of parsed ECS events: template, novelty, class, risk, severity, explanation.

This is the entry point the stream worker calls (from a thread pool: every mutable part is
locked). :meth:`LogScorer.score_batch` takes parsed events and returns one :class:`LogScore`
per event, in order; :meth:`LogScore.ecs_fields` gives the fields to merge into the event.

The classifier reads :func:`model_text` (process, level and the message with addresses and
numbers masked), so its answer depends only on that text: results are cached by it in a
bounded LRU, and the hit rate is reported. Explanations (occlusion on the student: which words,
when removed, lower the predicted label's probability most) are computed for alerts only and
depend only on (model text, label), so they have their own bounded LRU under that key: it serves
the lines of a template across batches even when the prediction cache is off.

A parser verdict (``logwarden.parser``: a Windows event id, an IDS signature, a firewall's
threat verdict) outranks the model: see :class:`ParserVerdict`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

import numpy as np

from classifiers.logs.lru import Lru
from classifiers.logs.risk import RISK_STEP, RiskPolicy
from classifiers.logs.taxonomy import BENIGN, label_info
from classifiers.logs.templates import TemplateMatch, TemplateTracker, mask_for_model

_EXPLANATION_TOKENS = 3
_MIN_OCCLUSION_DROP = 0.02

_MASKS = re.compile(r"<(?:IP|NUM|HEX|PATH|\*)>")

K = TypeVar("K")
V = TypeVar("V")


class ProbabilityModel(Protocol):
    """What the scorer needs from a classifier: names, version and class probabilities."""

    name: str
    version: str

    @property
    def label_names(self) -> Sequence[str]: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class SettlingModel(Protocol):
    """A model that can skip its costly part on texts whose outcome its cheap part already
    proves (see ``TextClassifier.probabilities_unless_settled``)."""

    def predict_proba_unless_settled(
        self, texts: Sequence[str], label: str, min_probability: float
    ) -> tuple[np.ndarray, np.ndarray]: ...


def _field(event: Mapping[str, Any], group: str, name: str) -> Any:
    """``event[group][name]``, or None where either is missing or the group is not a mapping
    (two levels spelled out: this runs several times per scored event)."""
    parent = event.get(group)
    # dict first: parsed events are dicts, and the Mapping ABC check costs ~4x more.
    if isinstance(parent, (dict, Mapping)):
        return parent.get(name)
    return None


def event_message(event: Mapping[str, Any]) -> str:
    """The text of an event: ``message``, else ``event.original``, else empty."""
    message = event.get("message") or _field(event, "event", "original") or ""
    return message if isinstance(message, str) else str(message)


def model_text(event: Mapping[str, Any], masked: str | None = None) -> str:
    """What the classifier reads: ``<process> <LEVEL>: <masked message>`` (``masked``: the
    message already through :func:`mask_for_model`, when the caller has it)."""
    if masked is None:
        masked = mask_for_model(event_message(event))
    return with_prefix(model_prefix(event), masked)


def model_prefix(event: Mapping[str, Any]) -> str:
    """``<process> <LEVEL>``, the part of :func:`model_text` before the message."""
    process = str(_field(event, "process", "name") or "")
    level = str(_field(event, "log", "level") or "").upper()
    return f"{process} {level}" if process and level else process or level


def with_prefix(prefix: str, message: str) -> str:
    return f"{prefix}: {message}" if prefix else message


def window_key(event: Mapping[str, Any]) -> str:
    """Novelty windows are per ``event.dataset`` and ``host.hostname``."""
    dataset = _field(event, "event", "dataset") or "-"
    host = _field(event, "host", "hostname") or "-"
    return f"{dataset}|{host}"


class Prediction(NamedTuple):
    """The classifier's answer for one model text (what the prediction cache stores; a named
    tuple because one is made per event when the cache is off)."""

    probabilities: np.ndarray
    #: (label index, probability rounded to 4 places) of the three most probable labels, best
    #: first: worked out once per prediction, not once per event that reuses it from the cache.
    top3: tuple[tuple[int, float], ...]


_TOP3_DIGITS = (4, 4, 4)


def predictions_of(rows: np.ndarray) -> list[Prediction]:
    """One :class:`Prediction` per row of ``rows`` (class probabilities, float32)."""
    order = np.argsort(-rows, axis=1)[:, :3]
    best = np.take_along_axis(rows, order, axis=1).tolist()
    return [
        Prediction(row, tuple(zip(indices, map(round, values, _TOP3_DIGITS), strict=True)))
        for row, indices, values in zip(rows, order.tolist(), best, strict=True)
    ]


@dataclass(slots=True)
class LogScore:
    """Everything the scorer says about one event (not frozen: one is made per event, and a
    frozen dataclass sets each of its 13 fields through ``object.__setattr__``)."""

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
    #: The label and alert decision are the parser's (``logwarden.parser``), not the model's.
    pinned: bool = False

    def ecs_fields(self) -> dict[str, Any]:
        """The ``logwarden.*`` and ``event.*`` fields to merge into the event document (a pinned
        verdict keeps the parser's ``event.category``/``type``, which say more)."""
        event: dict[str, Any] = {
            "kind": "alert" if self.alert else "event",
            "risk_score": self.risk_score,
            "severity": self.severity,
        }
        if self.label != BENIGN and not self.pinned:
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
            "decided_by": "parser" if self.pinned else "model",
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


class LruCache(Generic[K, V]):
    """A bounded :class:`Lru` with hit/miss counts, thread-safe. Capacity 0 stores nothing."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: Lru[K, V] = Lru(capacity)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._items.get(key)

    def count(self, hits: int, misses: int) -> None:
        """Record lookups answered from the cache (hits) and computed (misses)."""
        with self._lock:
            self.hits += hits
            self.misses += misses

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items.put(key, value)

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class OcclusionItem:
    """One text to explain: its predicted label, that label's probability, and optionally its
    template (same words, variable ones as ``<*>``): then only the template's constant words are
    occluded, so the explanation holds for every line of the template."""

    text: str
    label_index: int
    probability: float
    template: str | None = None

    def candidates(self, words: Sequence[str]) -> list[int]:
        """Positions of the words that may be reported."""
        shape = self.template.split() if self.template is not None else None
        if shape is not None and len(shape) != len(words):
            shape = None
        return [
            i
            for i, word in enumerate(words)
            if not _is_placeholder(word) and (shape is None or shape[i] == word)
        ]


def occlusion_explanations(
    model: ProbabilityModel,
    items: Sequence[OcclusionItem],
    limit: int = _EXPLANATION_TOKENS,
) -> list[tuple[str, ...]]:
    """For each item: the words whose removal lowers its label's probability most.

    Only words that can be reported are occluded (placeholders such as ``<IP>`` and a
    template's variable words never are), each alone, all texts in one model call. Where no
    single word lowers the probability enough, adjacent pairs are occluded too (one more call
    for all such texts): log lines say things redundantly ("Failed password"), so removing
    either word alone may leave enough evidence while removing both does not.
    """
    words = [item.text.split() for item in items]
    candidates = [item.candidates(ws) for item, ws in zip(items, words, strict=True)]
    scores = [np.zeros(len(ws)) for ws in words]
    singles = [[(i, i + 1) for i in found] for found in candidates]
    _occlude(model, items, words, singles, scores)
    pairs = [
        [(i, i + 2) for i in range(len(ws) - 1) if i in found or i + 1 in found]
        if found and score[found].max() < _MIN_OCCLUSION_DROP
        else []
        for ws, found, score in zip(words, candidates, scores, strict=True)
    ]
    _occlude(model, items, words, pairs, scores)
    explanations: list[tuple[str, ...]] = []
    for ws, found, score in zip(words, candidates, scores, strict=True):
        ranked = sorted(found, key=lambda i: -score[i])
        kept = [i for i in ranked if score[i] >= _MIN_OCCLUSION_DROP][:limit]
        explanations.append(tuple(ws[i] for i in sorted(kept)))
    return explanations


def _occlude(
    model: ProbabilityModel,
    items: Sequence[OcclusionItem],
    words: Sequence[list[str]],
    spans: Sequence[list[tuple[int, int]]],
    scores: Sequence[np.ndarray],
) -> None:
    """Raise each word's score to the largest probability drop of a removed span covering it;
    every variant of every text goes to the model in one call."""
    variants = [
        " ".join(ws[:a] + ws[b:])
        for ws, text_spans in zip(words, spans, strict=True)
        for a, b in text_spans
    ]
    if not variants:
        return
    probabilities = model.predict_proba(variants)
    start = 0
    for item, text_spans, score in zip(items, spans, scores, strict=True):
        drops = item.probability - probabilities[start : start + len(text_spans), item.label_index]
        start += len(text_spans)
        for (a, b), drop in zip(text_spans, drops, strict=True):
            score[a:b] = np.maximum(score[a:b], drop)


def _is_placeholder(word: str) -> bool:
    """Nothing reportable is left once masks and punctuation are removed (``/<IP>:<NUM>``)."""
    return not any(c.isalnum() for c in _MASKS.sub("", word))


@dataclass(frozen=True, slots=True)
class ParserVerdict:
    """What the parser said about an event (``logwarden.parser``, see
    ``classifiers.parsing.verdict``): it outranks the model. The pinned label replaces the
    model's, the parser alone decides alert-or-signal (one failed logon must not alert however
    sure the model is), and the vendor's ``event.severity`` is a floor for the severity."""

    label: str | None
    alert: bool
    severity: int | None
    reason: str

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> ParserVerdict | None:
        own = event.get("logwarden")
        parser = own.get("parser") if isinstance(own, Mapping) else None
        if not isinstance(parser, Mapping):
            return None
        label = parser.get("label")
        severity = _field(event, "event", "severity")
        return cls(
            label if isinstance(label, str) else None,
            parser.get("alert") is True,
            severity if isinstance(severity, int) and not isinstance(severity, bool) else None,
            str(parser.get("reason") or ""),
        )

    def pin(self, score: LogScore, policy: RiskPolicy) -> None:
        """Overrule ``score`` where the parser knows better; never lower what it said. Without
        a (taxonomy) label the verdict is severity-only: the model's label stands and either
        side's alert counts."""
        info = None
        if self.label is not None:
            with contextlib.suppress(KeyError):  # not a taxonomy label: treat as severity-only
                info = label_info(self.label)
        floor = self.severity or 0
        if info is not None:
            score.label = info.name
            score.probability = 1.0  # the record says what it is; the model's view is in top3
            score.category, score.type = list(info.ecs_category), list(info.ecs_type)
            score.pinned = True
            alert = self.alert
        else:
            alert = self.alert or score.alert
        if alert:
            score.risk_score = max(score.risk_score, float(floor), policy.alert_min_risk)
            if self.reason and (info is not None or not score.explanation):
                score.explanation = [self.reason]  # a pinned alert is explained by its rule
        else:
            score.risk_score = min(score.risk_score, max(0.0, policy.alert_min_risk - RISK_STEP))
        score.alert = alert
        score.severity = max(policy.severity(score.risk_score), floor)


class LogScorer:
    """Template mining + cached classification + novelty + risk for batches of events."""

    def __init__(
        self,
        model: ProbabilityModel,
        policy: RiskPolicy | None = None,
        tracker: TemplateTracker | None = None,
        cache_size: int = 50_000,
        explain: bool = True,
        *,
        explanation_cache_size: int = 10_000,
        mask_cache_size: int = 16_384,
        settle_benign: bool = True,
    ) -> None:
        self.model = model
        self.policy = policy or RiskPolicy()
        self.tracker = tracker or TemplateTracker()
        self.cache: LruCache[str, Prediction] = LruCache(cache_size)
        self.explanations: LruCache[tuple[str, int], tuple[str, ...]] = LruCache(
            explanation_cache_size
        )
        self.explain = explain
        # Texts the lexical head proves benign and below the alert gate skip the transformer:
        # their label and alert decision are the full model's by construction, so only a
        # model with margin bounds and a policy with a gate (alert_min_probability > 0) settle.
        self.settle_benign = settle_benign and isinstance(model, SettlingModel)
        #: Rows classified, and how many of them the lexical head settled.
        self.rows_classified = 0
        self.rows_settled = 0
        self.label_names = list(model.label_names)
        self._labels = [label_info(name) for name in self.label_names]
        # About half of real messages repeat exactly (half of the Loghub samples' lines), and
        # masking them costs more than a lookup. The scorer owns this memo so that a fresh
        # scorer starts cold, as the result cache does.
        self._mask = functools.lru_cache(maxsize=mask_cache_size)(mask_for_model)

    def score_batch(self, events: Sequence[Mapping[str, Any]]) -> list[LogScore]:
        """One :class:`LogScore` per event, in order; novelty state advances in that order."""
        if not events:
            return []
        prefixes = [model_prefix(event) for event in events]
        masked = [self._mask(event_message(event)) for event in events]
        texts = [with_prefix(p, m) for p, m in zip(prefixes, masked, strict=True)]
        matches = [
            self.tracker.observe_masked(m, window_key(e))
            for e, m in zip(events, masked, strict=True)
        ]
        # Not overlapped with the mining above on purpose: the classifier's worker threads need
        # the GIL between model calls, and a thread busy in drain3 holds it for up to the switch
        # interval each time (measured: ~20% fewer events/s with the overlap).
        predictions, probabilities = self._predict(texts)
        risks = self.policy.risk_scores(
            probabilities, self.label_names, np.array([m.novelty for m in matches])
        )
        explanations = (
            self._explain(texts, prefixes, matches, probabilities, risks)
            if self.explain
            else [()] * len(texts)
        )
        scores = [
            self._score(match, prediction, risk, explanation)
            for match, prediction, risk, explanation in zip(
                matches, predictions, risks.tolist(), explanations, strict=True
            )
        ]
        for event, score in zip(events, scores, strict=True):
            verdict = ParserVerdict.of(event)
            if verdict is not None:
                verdict.pin(score, self.policy)
        return scores

    def _explain(
        self,
        texts: Sequence[str],
        prefixes: Sequence[str],
        matches: Sequence[TemplateMatch],
        probabilities: np.ndarray,
        risks: np.ndarray,
    ) -> list[tuple[str, ...]]:
        """The explanation of every alerting event (empty for the others): from the explanation
        cache, else computed once per distinct (template in model form, label) of the batch on
        the template's first line, occluding only the template's constant words."""
        keys: list[tuple[str, int] | None] = []
        found: dict[tuple[str, int], tuple[str, ...]] = {}
        pending: dict[tuple[str, int], OcclusionItem] = {}
        labels = probabilities.argmax(axis=1).tolist()
        alerts = [self.policy.is_alert(risk) for risk in risks.tolist()]
        for text, prefix, match, row, label, alert in zip(
            texts, prefixes, matches, probabilities, labels, alerts, strict=True
        ):
            if not alert:
                keys.append(None)
                continue
            template = with_prefix(prefix, match.text)
            key = (template, label)
            keys.append(key)
            if key in found or key in pending:
                continue
            cached = self.explanations.get(key)
            if cached is None:
                pending[key] = OcclusionItem(text, label, float(row[label]), template)
            else:
                found[key] = cached
        if pending:
            explained = occlusion_explanations(self.model, list(pending.values()))
            for key, explanation in zip(pending, explained, strict=True):
                found[key] = explanation
                self.explanations.put(key, explanation)
        explained_events = sum(key is not None for key in keys)
        self.explanations.count(hits=explained_events - len(pending), misses=len(pending))
        return [() if key is None else found[key] for key in keys]

    def _predict(self, texts: Sequence[str]) -> tuple[list[Prediction], np.ndarray]:
        """Predictions per text, and their class probabilities as one array; with a cache, each
        distinct text is classified at most once (per batch and across batches while it stays
        cached). Without one (capacity 0), every event goes through the model: that is the
        "without the cache" figure."""
        if self.cache.capacity <= 0:
            rows = self._probabilities(list(texts))
            return predictions_of(rows), rows
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
            rows = self._probabilities(list(missing))
            computed = predictions_of(rows)
            for text, prediction in zip(missing, computed, strict=True):
                found[text] = prediction
                self.cache.put(text, prediction)
        self.cache.count(hits=len(texts) - len(missing), misses=len(missing))
        predictions = [found[text] for text in texts]
        return predictions, np.stack([p.probabilities for p in predictions])

    @property
    def settled_ratio(self) -> float | None:
        """Share of the texts classified so far that the lexical head settled (None before any)."""
        return self.rows_settled / self.rows_classified if self.rows_classified else None

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """Class probabilities; settled texts (see ``settle_benign``) skip the transformer."""
        self.rows_classified += len(texts)
        if not self.settle_benign:
            return np.asarray(self.model.predict_proba(texts), dtype=np.float32)
        assert isinstance(self.model, SettlingModel)
        # p(benign) above 1 - alert_min_probability keeps the threat share below the gate.
        rows, settled = self.model.predict_proba_unless_settled(
            texts, BENIGN, 1.0 - self.policy.alert_min_probability
        )
        self.rows_settled += int(settled.sum())
        return np.asarray(rows, dtype=np.float32)

    def _score(
        self,
        match: TemplateMatch,
        prediction: Prediction,
        risk: float,
        explanation: tuple[str, ...],
    ) -> LogScore:
        names = self.label_names
        best, probability = prediction.top3[0]
        label = self._labels[best]
        return LogScore(
            label=label.name,
            probability=probability,
            top3=[{"label": names[i], "probability": p} for i, p in prediction.top3],
            template=match,
            novelty=match.novelty,
            risk_score=risk,
            severity=self.policy.severity(risk),
            alert=self.policy.is_alert(risk),
            explanation=list(explanation),
            model_name=self.model.name,
            model_version=self.model.version,
            category=list(label.ecs_category),
            type=list(label.ecs_type),
        )
