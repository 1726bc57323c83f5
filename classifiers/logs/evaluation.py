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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.baseline import TfidfBaseline, train_baseline
from classifiers.calibration import fit_temperature
from classifiers.evaluation import classification_metrics
from classifiers.logs.dataset import (
    BACKGROUND_SYSTEMS,
    CorpusLines,
    LabelledLine,
    background_lines,
    bgl_lines,
    corpus_lines,
    distinct_task,
    parse_line,
    split_lines,
    template_labels,
    texts_of,
)
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScore, LogScorer, ProbabilityModel, model_message
from classifiers.logs.taxonomy import BENIGN, LABELS
from classifiers.logs.templates import TemplateTracker
from classifiers.parsing import ParseOptions
from classifiers.runtime.classifier import softmax

SCORING_BATCH = 512
#: Where training stores the leave-one-system-out figures (inside its work dir): the TF-IDF
#: stand-in (twelve fits of the hybrid's sparse head alone) and the full shipped recipe.
LOSO_FILE = "leave_one_system_out.json"
LOSO_FULL_FILE = "leave_one_system_out_full.json"
LOSO_TFIDF_MODEL = "stand-in: calibrated TF-IDF head alone (the hybrid's sparse part, no student)"
LOSO_FULL_MODEL = "full shipped recipe: plain int8 student + TF-IDF head, calibrated"


def parse_lines(lines: Sequence[LabelledLine]) -> list[dict[str, Any]]:
    """Parsed events of lines (the parser's options cached per format)."""
    options: dict[str, ParseOptions] = {}
    return [parse_line(line, options) for line in lines]


def score_all(scorer: LogScorer, events: Sequence[dict[str, Any]]) -> list[LogScore]:
    """Every event's full score, in order, in batches."""
    scores: list[LogScore] = []
    for start in range(0, len(events), SCORING_BATCH):
        scores.extend(scorer.score_batch(events[start : start + SCORING_BATCH]))
    return scores


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
        tracker.observe(model_message(event), "warmup")
    scorer = LogScorer(model, policy, tracker, explain=False)
    risks = np.array([score.risk_score for score in score_all(scorer, parse_lines(test))])
    truth = np.array([line.label != BENIGN for line in test])
    return {
        "lines": len(test),
        "alerts_true": int(truth.sum()),
        **_binary(truth, risks >= policy.alert_min_risk),
    }


def _novelty_decisive(score: LogScore, policy: RiskPolicy) -> bool:
    return score.risk_score - policy.novelty_weight * score.novelty < policy.alert_min_risk


def _examples(
    false: Sequence[tuple[LabelledLine, LogScore]], policy: RiskPolicy, n: int
) -> list[dict[str, Any]]:
    """The ``n`` commonest mined templates among false positives, each with its first line."""
    by_template: dict[str, list[tuple[LabelledLine, LogScore]]] = {}
    for line, score in false:
        by_template.setdefault(score.template.text, []).append((line, score))
    common = sorted(by_template.values(), key=len, reverse=True)[:n]
    return [
        {
            "count": len(group),
            "line": group[0][0].raw,
            "template": group[0][1].template.text,
            "label": group[0][1].label,
            "probability": round(group[0][1].probability, 4),
            "novelty_decisive": _novelty_decisive(group[0][1], policy),
        }
        for group in common
    ]


def false_positive_summary(
    lines: Sequence[LabelledLine],
    scores: Sequence[LogScore],
    policy: RiskPolicy,
    examples: int = 0,
) -> dict[str, Any]:
    """Benign lines (by the template map) scored at or above the alert threshold, with what
    drove them: the predicted label, how many alert only because of the novelty term and
    (``examples``) the commonest false-positive templates, to read."""
    benign = [(line, s) for line, s in zip(lines, scores, strict=True) if line.label == BENIGN]
    false = [(line, s) for line, s in benign if s.alert]
    summary: dict[str, Any] = {
        "benign_lines": len(benign),
        "false_positives": len(false),
        "fp_rate": round(len(false) / max(1, len(benign)), 4),
        "fp_labels": dict(Counter(s.label for _, s in false).most_common()),
        "fp_novelty_decisive": sum(_novelty_decisive(s, policy) for _, s in false),
    }
    if examples:
        summary["fp_examples"] = _examples(false, policy, examples)
    return summary


def false_positive_rates(
    model: ProbabilityModel,
    policy: RiskPolicy,
    systems: Sequence[str] = BACKGROUND_SYSTEMS,
    examples: int = 0,
) -> dict[str, dict[str, Any]]:
    """Per system: share of benign lines (by the template map) scored at or above the alert
    threshold. Meaningful as a held-out figure only for a model trained without the system."""
    labels = template_labels()
    result: dict[str, dict[str, Any]] = {}
    for system in systems:
        lines = background_lines(system, labels)
        scorer = LogScorer(model, policy, TemplateTracker(), explain=False)
        result[system] = false_positive_summary(
            lines, score_all(scorer, parse_lines(lines)), policy, examples
        )
    return result


@dataclass
class CalibratedTfidf:
    """A TF-IDF baseline as a :class:`ProbabilityModel`: softmax of its decision scores at a
    temperature fitted on validation (the shipped model's hybrid head, without the student)."""

    baseline: TfidfBaseline
    temperature: float
    name: str = "logs-tfidf"
    version: str = "loso"

    @property
    def label_names(self) -> Sequence[str]:
        return LABELS

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.baseline.decision(list(texts)) / self.temperature)


def _tfidf_without(
    parts: CorpusLines,
    texts: tuple[list[str], list[str]],
    excluded: set[str],
    benign_cap: int,
    seed: int,
) -> CalibratedTfidf:
    """A calibrated TF-IDF model trained on the corpus without the ``excluded`` sources."""
    tasks = []
    for lines, part_texts, cap in (
        (parts.train, texts[0], benign_cap),
        (parts.val, texts[1], benign_cap // 4),
    ):
        keep = [i for i, line in enumerate(lines) if line.source not in excluded]
        tasks.append(
            distinct_task(
                "loso",
                [lines[i] for i in keep],
                [part_texts[i] for i in keep],
                benign_cap=cap,
                seed=seed,
                data_hash="",
            )
        )
    train, val = tasks
    baseline = train_baseline(train.texts, train.labels, seed=seed)
    return CalibratedTfidf(baseline, fit_temperature(baseline.decision(val.texts), val.labels))


def leave_one_system_out(
    policy: RiskPolicy | None = None,
    seed: int = 13,
    benign_cap: int = 2_000,
    systems: Sequence[str] = BACKGROUND_SYSTEMS,
    *,
    all_out: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Leave-one-system-out false positives: for each Loghub system S, a calibrated TF-IDF
    model trained on the corpus without S (generated, BGL and the other systems) scores S's
    whole sample through the full scorer (templates, novelty, risk). ``all_out``: the stricter
    variant, one model trained without any of ``systems``. TF-IDF only, so the twelve fits take
    a minute or two on a CPU; the shipped hybrid adds a transformer student to the same head."""
    policy = policy or RiskPolicy()
    parts = corpus_lines(seed=seed, systems=systems)
    texts = (texts_of(parts.train), texts_of(parts.val))
    shared = _tfidf_without(parts, texts, set(systems), benign_cap, seed) if all_out else None
    result: dict[str, dict[str, Any]] = {}
    for system in systems:
        if progress is not None:
            progress(system)
        model = shared or _tfidf_without(parts, texts, {system}, benign_cap, seed)
        lines = parts.background[system]
        scorer = LogScorer(model, policy, TemplateTracker(), explain=False)
        result[system] = false_positive_summary(
            lines, score_all(scorer, parse_lines(lines)), policy
        )
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
    #: Share of the texts sent to the model that the lexical head settled (no transformer).
    settled_share: float


def scoring_throughput(
    model: ProbabilityModel,
    events: Sequence[dict[str, Any]],
    policy: RiskPolicy,
    cache_size: int,
    explain: bool = True,
    *,
    settle: bool = True,
) -> Throughput:
    """Events/s of the full scoring step (templates + classifier + novelty + risk and, for
    alerts, explanations) over already-parsed events; a fresh scorer, one pass."""
    scorer = LogScorer(
        model,
        policy,
        TemplateTracker(),
        cache_size=cache_size,
        explain=explain,
        settle_benign=settle,
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    score_all(scorer, events)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return Throughput(
        events=len(events),
        seconds=round(seconds, 3),
        events_per_s=round(len(events) / seconds, 1),
        cpu_seconds=round(cpu, 3),
        events_per_cpu_s=round(len(events) / cpu, 1) if cpu else 0.0,
        cache_hit_rate=round(scorer.cache.hit_rate, 4) if cache_size else None,
        settled_share=round(scorer.settled_ratio or 0.0, 4),
    )
