"""Every figure of the log classifier, measured in one run: ``logwarden bench classifier --task
logs`` prints them and the model card records them.

Rows (JSON: model -> metrics; the contract keys plus task-specific extras):

* ``baseline_tfidf``: the shipped model's own TF-IDF head alone, on the generated test part;
* ``student_int8``: the shipped hybrid int8 student on the generated test part (speed measured
  there), with the hand-labelled real-line figures and BGL held-out alert detection as extras;
* ``scoring_cached`` / ``scoring_uncached``: events/s of the full scoring step (templates,
  classifier, novelty, risk, explanations for alerts) over the parsed Loghub samples of all 13
  systems, with and without the result cache (its hit rate as an extra), and without the cache
  nor explanations (``scoring_uncached_no_explanations``); ``settled_share`` is the share of
  texts the lexical head settled without the transformer, and
  ``scoring_uncached_transformer_on_every_event`` turns that off. Explanations keep their own
  cache (by template and label) in every row: occlusion costs a model pass per constant word of a
  template, once;
* ``web_evaluation``: per web attack family and for normal requests, the share the full scorer
  flags (recall; false-positive rate for ``normal``) next to libinjection alone, on held-out
  requests (:mod:`classifiers.logs.web_evaluation`);
* ``detection_families``: Windows attack recordings per tactic (development and held-out
  tactics), alerts per 1,000 generated ordinary Windows events, and recall / false positives
  of the hand-written firewall and IDS set (:mod:`classifiers.logs.detection_eval`);
* ``heldout_systems``: per-system false-positive rate of a model trained without any Loghub
  background system (a stricter leave-one-system-out: all twelve are left out at once), when
  that model's directory exists in the training work dir;
* ``leave_one_system_out``: per-system false positives of the TF-IDF stand-in (twelve fits of
  the hybrid's sparse head alone), and ``leave_one_system_out_full``: the same with the full
  shipped recipe trained once per left-out system (``logwarden train logs
  --leave-one-system-out``), read from the training work dir where they were stored.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from benches.classifier import BenchOptions, BenchRow, Timing, time_batches
from benches.windows_hunt import hunt_figures
from classifiers.logs.dataset import (
    BACKGROUND_SYSTEMS,
    LabelledLine,
    background_lines,
    bgl_lines,
    build_corpus,
    texts_of,
)
from classifiers.logs.detection_eval import detection_figures
from classifiers.logs.evaluation import (
    LOSO_FILE,
    LOSO_FULL_FILE,
    LOSO_FULL_MODEL,
    LOSO_TFIDF_MODEL,
    bgl_alert_detection,
    category_scores,
    false_positive_rates,
    parse_lines,
    present_label_metrics,
    read_hand_labelled,
    scoring_throughput,
)
from classifiers.logs.model import HELDOUT_MODEL, load_log_model
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.web_evaluation import web_evaluation
from classifiers.paths import LOG_WORK_DIR, SHIPPED_LOG_MODEL
from classifiers.runtime.bundle import directory_size_mb

log = logging.getLogger(__name__)
HAND_LABELLED = Path(__file__).resolve().parents[1] / "tests" / "logs" / "hand_labelled.tsv"
NAN = float("nan")
LOSO_FULL_COMMAND = "train logs --leave-one-system-out"


def all_system_lines() -> list[LabelledLine]:
    """The Loghub samples of all 13 systems, each in file order, one system after another."""
    lines = list(bgl_lines())
    for system in BACKGROUND_SYSTEMS:
        lines.extend(background_lines(system))
    return lines


def log_figures(
    options: BenchOptions,
    model_dir: Path | None = None,
    work_dir: Path = LOG_WORK_DIR,
) -> dict[str, dict[str, Any]]:
    """model row name -> metrics (contract keys where they apply, plus extras)."""
    directory = model_dir or SHIPPED_LOG_MODEL
    model = load_log_model(directory, threads=options.threads, batch_size=options.batch_size)
    policy = RiskPolicy()
    corpus = build_corpus(seed=int(model.classifier.metadata.split.get("seed", 13)))
    test = corpus.generated_test
    texts = test.texts[: options.limit] if options.limit else test.texts
    truth = test.labels[: len(texts)]
    figures: dict[str, dict[str, Any]] = {}

    head = model.classifier.tfidf
    if head is not None:
        scores, timing = time_batches(
            head.decision, texts, options.batch_size, options.warmup_batches
        )
        figures["baseline_tfidf"] = {
            **present_label_metrics(truth, scores.argmax(1)),
            **_timing(timing),
        }
    probabilities, timing = time_batches(
        model.predict_proba, texts, options.batch_size, options.warmup_batches
    )
    student: dict[str, Any] = {
        **present_label_metrics(truth, probabilities.argmax(1)),
        **_timing(timing),
        "size_mb": round(directory_size_mb(directory), 2),
        "bgl_alert_detection": bgl_alert_detection(model, policy),
    }
    if HAND_LABELLED.exists():
        hand = read_hand_labelled(HAND_LABELLED)
        student["hand_labelled"] = category_scores(model, texts_of(hand), [h.label for h in hand])
    else:
        log.warning("hand-labelled set absent (%s): figure left out", HAND_LABELLED)
    seen = false_positive_rates(model, policy)
    student["fp_rate_max_seen_systems"] = max(r["fp_rate"] for r in seen.values())
    student["fp_rates_seen_systems"] = seen
    figures["student_int8"] = student
    figures["web_evaluation"] = web_evaluation(model, policy)

    events = parse_lines(all_system_lines())
    for name, cache_size, explain, settle in (
        ("scoring_cached", 50_000, True, True),
        ("scoring_uncached", 0, True, True),
        ("scoring_uncached_no_explanations", 0, False, True),
        ("scoring_uncached_transformer_on_every_event", 0, True, False),
    ):
        result = scoring_throughput(model, events, policy, cache_size, explain, settle=settle)
        figures[name] = {
            "items_per_s": result.events_per_s,
            "events": result.events,
            "seconds": result.seconds,
            "events_per_cpu_s": result.events_per_cpu_s,
            "cache_hit_rate": result.cache_hit_rate,
            "settled_share": result.settled_share,
            "load_average": round(os.getloadavg()[0], 2),
        }

    figures["detection_families"] = detection_figures(model) | hunt_figures(model)

    heldout = work_dir / HELDOUT_MODEL
    if (heldout / "metadata.json").exists():
        rates = false_positive_rates(load_log_model(heldout, threads=options.threads), policy)
        figures["heldout_systems"] = {
            "size_mb": round(directory_size_mb(heldout), 2),
            "fp_rate_max": max(r["fp_rate"] for r in rates.values()),
            "fp_rates": rates,
        }
    else:
        log.warning("no held-out-systems model at %s: run `logwarden train logs`", heldout)
    for name, file, trained, command in (
        ("leave_one_system_out", LOSO_FILE, LOSO_TFIDF_MODEL, "train logs"),
        ("leave_one_system_out_full", LOSO_FULL_FILE, LOSO_FULL_MODEL, LOSO_FULL_COMMAND),
    ):
        if (work_dir / file).exists():
            figures[name] = _loso_figure(json.loads((work_dir / file).read_text()), trained)
        else:
            log.warning("no %s figure at %s: run `logwarden %s`", name, work_dir / file, command)
    return figures


def _loso_figure(stored: dict[str, Any], model: str) -> dict[str, Any]:
    """A stored leave-one-system-out figure, named by what was trained, without the example
    lines (they stay in the file, for reading)."""
    rates = {
        system: {k: v for k, v in result.items() if k != "fp_examples"}
        for system, result in stored["fp_rates"].items()
    }
    return {"model": model, **stored, "fp_rates": rates}


def _timing(timing: Timing) -> dict[str, float]:
    return {"items_per_s": timing.items_per_s, "p50_ms": timing.p50_ms, "p99_ms": timing.p99_ms}


def bench_logs(options: BenchOptions) -> list[BenchRow]:
    """The figures of the shipped model as benchmark rows."""
    return figure_rows(log_figures(options))


def figure_rows(figures: dict[str, dict[str, Any]]) -> list[BenchRow]:
    """:func:`log_figures` as benchmark rows (missing contract values are NaN, JSON null)."""
    contract = ("macro_f1", "accuracy", "items_per_s", "p50_ms", "p99_ms", "size_mb")
    rows = []
    for name, values in figures.items():
        base = {key: float(values.get(key, NAN)) for key in contract}
        extra = {key: value for key, value in values.items() if key not in contract}
        rows.append(BenchRow(model=name, extra=extra, **base))
    return rows
