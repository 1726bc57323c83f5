"""The log classifier's figures: BGL alert detection, false positives on held-out systems,
category macro-F1 (generated test, hand-labelled real lines) and scoring throughput.

Alert detection and false positives go through the full scorer (templates, novelty, risk), in
file order, exactly as the stream would see the lines: an event is an alert when its risk is at
or above ``alert_min_risk``. The template tracker is warmed on the lines that precede the test
part, as a running worker would be.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.evaluation import classification_metrics
from classifiers.logs.dataset import (
    BACKGROUND_SYSTEMS,
    LabelledLine,
    background_lines,
    bgl_lines,
    parse_line,
    split_lines,
    template_labels,
)
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer, ProbabilityModel, event_message
from classifiers.logs.taxonomy import BENIGN, LABELS
from classifiers.logs.templates import TemplateTracker
from classifiers.parsing import ParseOptions

SCORING_BATCH = 512


def parse_lines(lines: Sequence[LabelledLine]) -> list[dict[str, Any]]:
    """Parsed events of lines (the parser's options cached per format)."""
    options: dict[str, ParseOptions] = {}
    return [parse_line(line, options) for line in lines]


def score_events(
    scorer: LogScorer, events: Sequence[dict[str, Any]], batch: int = SCORING_BATCH
) -> tuple[np.ndarray, list[str]]:
    """Risk scores and labels of events scored in order, in batches."""
    risks: list[float] = []
    labels: list[str] = []
    for start in range(0, len(events), batch):
        for score in scorer.score_batch(events[start : start + batch]):
            risks.append(score.risk_score)
            labels.append(score.label)
    return np.array(risks), labels


def _binary(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp = int(np.sum(truth & predicted))
    fp = int(np.sum(~truth & predicted))
    fn = int(np.sum(truth & ~predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def bgl_alert_detection(
    model: ProbabilityModel, policy: RiskPolicy, seed: int = 13
) -> dict[str, Any]:
    """Alert-detection F1 on the held-out 20% of ``BGL_dev.log`` (never trained on)."""
    lines = bgl_lines()
    train, val, test = split_lines(
        lines, [line.raw.split(" ", 1)[0] for line in lines], seed, 0.1, 0.2
    )
    tracker = TemplateTracker()
    for event in parse_lines([*train, *val]):
        tracker.observe(event_message(event), "warmup")
    scorer = LogScorer(model, policy, tracker, explain=False)
    risks, _ = score_events(scorer, parse_lines(test))
    truth = np.array([line.label != BENIGN for line in test])
    return {
        "lines": len(test),
        "alerts_true": int(truth.sum()),
        **_binary(truth, risks >= policy.alert_min_risk),
    }


def false_positive_rates(
    model: ProbabilityModel, policy: RiskPolicy, systems: Sequence[str] = BACKGROUND_SYSTEMS
) -> dict[str, dict[str, float]]:
    """Per system: share of benign lines (by the template map) scored at or above the alert
    threshold. Meaningful as a held-out figure only for a model trained without the system."""
    labels = template_labels()
    result: dict[str, dict[str, float]] = {}
    for system in systems:
        lines = background_lines(system, labels)
        scorer = LogScorer(model, policy, TemplateTracker(), explain=False)
        risks, _ = score_events(scorer, parse_lines(lines))
        benign = np.array([line.label == BENIGN for line in lines])
        alerts = risks >= policy.alert_min_risk
        result[system] = {
            "benign_lines": int(benign.sum()),
            "false_positives": int(np.sum(alerts & benign)),
            "fp_rate": round(float(np.sum(alerts & benign) / max(1, benign.sum())), 4),
        }
    return result


def present_label_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Macro-F1 over the labels present in ``truth`` (a prediction of any other label counts
    against recall) and accuracy."""
    present = sorted(set(truth.tolist()))
    remap = {c: i for i, c in enumerate(present)}
    other = len(present)
    t = np.array([remap[int(c)] for c in truth])
    p = np.array([remap.get(int(c), other) for c in predicted])
    metrics = classification_metrics(t, p, len(present))
    return {**metrics, "lines": len(truth), "labels_present": len(present)}


def category_scores(
    model: ProbabilityModel, texts: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """:func:`present_label_metrics` of the model's top label on ``texts``."""
    names = list(model.label_names)
    predicted = np.asarray(model.predict_proba(list(texts))).argmax(1)
    return present_label_metrics(np.array([names.index(label) for label in labels]), predicted)


def read_hand_labelled(path: Path) -> list[LabelledLine]:
    """The hand-labelled real lines (``system<TAB>label<TAB>line``; ``#`` lines are notes)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(
            (r for r in handle if not r.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE
        ):
            system, label, raw = row[0], row[1], "\t".join(row[2:])
            if label not in LABELS:
                raise ValueError(f"{path}: unknown label {label!r}")
            rows.append(LabelledLine(raw, label, system, f"loghub:{system}"))
    return rows


@dataclass(frozen=True)
class Throughput:
    """Wall-clock rate, and CPU seconds of this process (the machine is shared: CPU time shows
    what the scorer itself costs when other work competes for the cores)."""

    events: int
    seconds: float
    events_per_s: float
    cpu_seconds: float
    events_per_cpu_s: float
    cache_hit_rate: float | None


def scoring_throughput(
    model: ProbabilityModel,
    events: Sequence[dict[str, Any]],
    policy: RiskPolicy,
    cache_size: int,
    explain: bool = True,
) -> Throughput:
    """Events/s of the full scoring step (templates + classifier + novelty + risk and, for
    alerts, explanations) over already-parsed events; a fresh scorer, one pass."""
    scorer = LogScorer(model, policy, TemplateTracker(), cache_size=cache_size, explain=explain)
    start, cpu_start = time.perf_counter(), time.process_time()
    score_events(scorer, events)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return Throughput(
        events=len(events),
        seconds=round(seconds, 3),
        events_per_s=round(len(events) / seconds, 1),
        cpu_seconds=round(cpu, 3),
        events_per_cpu_s=round(len(events) / cpu, 1) if cpu else 0.0,
        cache_hit_rate=round(scorer.cache.hit_rate, 4) if cache_size else None,
    )
