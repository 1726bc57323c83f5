"""The scorer's two prediction paths (result cache on and off) and how it reads event fields."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer, event_message, model_prefix, model_text, window_key
from classifiers.logs.taxonomy import LABELS


class HashedModel:
    """Class probabilities that depend only on the text (a digest of it), like a real model's
    answer, at no cost: enough to check the scorer's bookkeeping around the model."""

    name = "hashed"
    version = "0"
    label_names: Sequence[str] = LABELS

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        logits = np.array(
            [
                np.frombuffer(
                    hashlib.blake2b(t.encode(), digest_size=len(LABELS)).digest(), np.uint8
                )
                for t in texts
            ],
            dtype=np.float32,
        ).reshape(len(texts), len(LABELS))
        exp = np.exp(logits / 16.0)
        return exp / exp.sum(axis=1, keepdims=True)


def _event(message: str, host: str) -> dict[str, Any]:
    return {
        "message": message,
        "process": {"name": "sshd"},
        "log": {"level": "info"},
        "event": {"dataset": "auth"},
        "host": {"hostname": host},
    }


def test_cached_and_uncached_scoring_agree_event_for_event() -> None:
    lines = [
        f"Failed password for user{i % 7} from 10.0.0.{i % 5} port {4000 + i} ssh2"
        for i in range(60)
    ]
    lines += [f"session opened for user u{i % 3}" for i in range(40)]
    events = [_event(line, f"h{i % 2}") for i, line in enumerate(lines)]
    # Low thresholds, so that some events alert and get explanations.
    policy = RiskPolicy(alert_min_risk=20.0, novelty_weight=10.0, alert_min_probability=0.0)
    runs = []
    for cache_size in (0, 1_000):
        scorer = LogScorer(HashedModel(), policy, cache_size=cache_size)
        runs.append(
            [s for start in (0, 50) for s in scorer.score_batch(events[start : start + 50])]
        )
    assert runs[0] == runs[1]
    assert any(s.alert and s.explanation for s in runs[0])
    assert len({s.label for s in runs[0]}) > 1
    assert LogScorer(HashedModel()).score_batch([]) == []


def test_event_fields_are_read_defensively() -> None:
    event: dict[str, Any] = {
        "process": {"name": 4242},
        "log": MappingProxyType({"level": "warning"}),
        "event": {"original": "raw 10.1.2.3 line", "dataset": "app"},
        "host": "not-a-mapping",
    }
    assert model_prefix(event) == "4242 WARNING"
    assert event_message(event) == "raw 10.1.2.3 line"
    assert model_text(event) == "4242 WARNING: raw <IP> line"
    assert window_key(event) == "app|-"
    assert model_prefix({"log": {"level": "error"}}) == "ERROR"
    assert model_prefix({"process": {"name": "cron"}, "log": None}) == "cron"
    assert model_text({"message": 7}) == "<NUM>"
    assert window_key({}) == "-|-"
