"""``logwarden train logs``: corpus -> hybrid int8 student (plain student + TF-IDF head).

The corpus comes from :func:`classifiers.logs.dataset.build_corpus` (its own split: a BGL test
part and a generated test part never trained on); training itself is the ticket machinery
(:func:`classifiers.training.pipeline.run_training`): texts are short log lines, so the student
reads 64 tokens for 4 epochs (10-40 minutes on a shared 2-core CPU). Since 1.3.0 no teacher is
trained (see :func:`log_pipeline_options`). The full figures come from ``logwarden bench classifier
--task logs``.

``logwarden train logs --leave-one-system-out`` runs the same pipeline once per Loghub system
left out (plain student only, as validation chose for the shipped model; 4-16 minutes a system
on a shared 2-core CPU at 3-8 student epochs) and scores each left-out system's lines.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.datasets import TaskSplit
from classifiers.logs.dataset import BACKGROUND_SYSTEMS, LogCorpus, build_corpus
from classifiers.logs.evaluation import (
    LOSO_FILE,
    LOSO_FULL_FILE,
    LOSO_FULL_MODEL,
    LOSO_TFIDF_MODEL,
    false_positive_rates,
    leave_one_system_out,
)
from classifiers.logs.model import HELDOUT_MODEL, load_log_model
from classifiers.logs.risk import RiskPolicy
from classifiers.training.loop import TrainConfig
from classifiers.training.pipeline import PipelineOptions, run_training

log = logging.getLogger(__name__)
PIPELINE_TEST_SAMPLE = 600
#: Folder (inside the training work dir) of the full-recipe leave-one-system-out runs.
LOSO_FULL_DIR = "loso-full"
LOSO_RESULT = "result.json"
FP_EXAMPLES = 10


def log_pipeline_options(seed: int = 13) -> PipelineOptions:
    """Training options of the shipped log model. Since 1.3.0 the plain student alone: validation
    picked it over the distilled one for 1.1.0 and 1.2.0, and the MiniLM teacher it no longer
    needs was most of the training's CPU time. Four student epochs, not eight: the shared 2-core
    machine ran a step in 1.5-3.3 s under load, and training loss had flattened by epoch 4."""
    return PipelineOptions(
        seed=seed,
        max_length=64,
        teacher_max_length=64,
        teacher=TrainConfig(
            epochs=3.0, batch_size=32, learning_rate=1e-4, checkpoint_every=25, seed=seed
        ),
        student=TrainConfig(
            epochs=4.0, batch_size=32, learning_rate=5e-4, temperature=2.0, alpha=0.7, seed=seed
        ),
        target_precision=0.95,
        version="1.3.0",
        use_minilm_teacher=False,
        distilled_student=False,
    )


def pipeline_split(corpus: LogCorpus, seed: int = 13) -> TaskSplit:
    """The corpus split with the test part sampled to :data:`PIPELINE_TEST_SAMPLE` lines."""
    split = corpus.split
    rng = np.random.default_rng(seed)
    size = min(PIPELINE_TEST_SAMPLE, len(split.test))
    sample = np.sort(rng.choice(len(split.test), size, replace=False))
    return TaskSplit(train=split.train, val=split.val, test=split.test.subset(sample))


def train_log_model(
    output_dir: Path,
    work_dir: Path,
    options: PipelineOptions | None = None,
    corpus: LogCorpus | None = None,
) -> dict[str, Any]:
    """Train the log classifier and write its model directory; returns the pipeline report."""
    options = options or log_pipeline_options()
    corpus = corpus or build_corpus(seed=options.seed)
    split = pipeline_split(corpus, options.seed)
    log.info("log corpus %s", split.describe())
    train = replace(split.train, name="logs")
    return run_training(train, output_dir, work_dir, options, split=split)


def train_heldout_systems_model(work_dir: Path, seed: int = 13) -> Path:
    """A model trained without any Loghub background system (generated data and BGL only), for
    the stricter all-systems-out false-positive figure, plus the leave-one-system-out figure
    (:func:`write_leave_one_system_out`). Its teacher is the TF-IDF ensemble member only: the
    MiniLM teacher saw those systems, so distilling from it would leak them."""
    options = replace(log_pipeline_options(seed), use_minilm_teacher=False)
    corpus = build_corpus(seed=seed, systems=())
    split = pipeline_split(corpus, seed)
    output = work_dir / HELDOUT_MODEL
    run_training(
        replace(split.train, name="logs-heldout-systems"),
        output,
        work_dir / "heldout-systems",
        options,
        split=split,
    )
    write_leave_one_system_out(work_dir, seed)
    return output


def write_leave_one_system_out(work_dir: Path, seed: int = 13) -> Path:
    """Run :func:`classifiers.logs.evaluation.leave_one_system_out` (twelve TF-IDF fits, a minute
    or two on a CPU) and store it as ``work_dir/leave_one_system_out.json`` for the model card."""
    started = time.perf_counter()
    rates = leave_one_system_out(RiskPolicy(), seed, progress=lambda s: log.info("LOSO %s", s))
    figure = {
        "model": LOSO_TFIDF_MODEL,
        "seconds": round(time.perf_counter() - started, 1),
        "fp_rate_max": max(r["fp_rate"] for r in rates.values()),
        "fp_rates": rates,
    }
    path = work_dir / LOSO_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figure, indent=2))
    return path


def loso_recipe_options(seed: int = 13, student_epochs: float | None = None) -> PipelineOptions:
    """The shipped recipe for a leave-one-system-out run: the shipped options with the plain
    student alone (validation picked it for 1.1.0, so no teacher is trained), in-process.
    ``student_epochs`` shortens training where the CPU budget demands (recorded in results)."""
    options = replace(
        log_pipeline_options(seed),
        use_minilm_teacher=False,
        distilled_student=False,
        parallel_students=False,
    )
    if student_epochs is not None:
        options = replace(options, student=replace(options.student, epochs=student_epochs))
    return options


def _recipe_key(data_hash: str, options: PipelineOptions) -> str:
    text = json.dumps([data_hash, asdict(options)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def system_left_out(
    system: str,
    work_dir: Path,
    options: PipelineOptions,
    *,
    systems: Sequence[str] = BACKGROUND_SYSTEMS,
    generated: int = 12_000,
    policy: RiskPolicy | None = None,
) -> dict[str, Any]:
    """Train ``options`` on the corpus without ``system`` (generated, BGL, the other
    ``systems``) through :func:`run_training`, then score all of ``system``'s sample through the
    full scorer with the int8 model it wrote. Cached in ``work_dir/loso-full/<system>``: a rerun
    with the same corpus and options reads the result back (the student's checkpoints resume
    an interrupted training)."""
    trained_on = [s for s in systems if s != system]
    corpus = build_corpus(generated, seed=options.seed, systems=trained_on)
    split = pipeline_split(corpus, options.seed)
    key = _recipe_key(split.train.data_hash, options)
    folder = work_dir / LOSO_FULL_DIR / system
    result_path = folder / LOSO_RESULT
    if result_path.exists():
        cached = json.loads(result_path.read_text())
        if cached.get("key") == key:
            return dict(cached)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = run_training(
        replace(split.train, name=f"logs-without-{system}"),
        folder / "model",
        folder / "work",
        options,
        split=split,
    )
    model = load_log_model(folder / "model", threads=1)
    rates = false_positive_rates(model, policy or RiskPolicy(), (system,), FP_EXAMPLES)[system]
    result = {
        **rates,
        "key": key,
        "trained_on_systems": trained_on,
        "training_data_sha256": split.train.data_hash,
        "train_texts": len(split.train),
        "selected_student": report["selected_student"],
        "student_int8_test_sample_macro_f1": report["models"]["student_int8"]["macro_f1"],
        "hybrid_weight": report["hybrid_weight"],
        "temperature": round(report["temperature"], 4),
        "student_epochs": options.student.epochs,
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
    }
    folder.mkdir(parents=True, exist_ok=True)
    result_path.write_text(json.dumps(result, indent=2))
    return result


def write_leave_one_system_out_full(
    work_dir: Path,
    options: PipelineOptions,
    *,
    left_out: Sequence[str] = BACKGROUND_SYSTEMS,
    systems: Sequence[str] = BACKGROUND_SYSTEMS,
    generated: int = 12_000,
    on_system: Callable[[str, dict[str, Any] | None], None] | None = None,
) -> Path:
    """The full-recipe leave-one-system-out: :func:`system_left_out` for each of ``left_out``;
    after each, ``work_dir/leave_one_system_out_full.json`` is rebuilt from every system's
    stored result (runs started separately, e.g. side by side, all land in it; each result
    names its own student epochs and training data). ``on_system(system, None)`` fires before
    a system, ``on_system(system, result)`` after it."""
    path = work_dir / LOSO_FULL_FILE
    for system in left_out:
        if on_system is not None:
            on_system(system, None)
        result = system_left_out(system, work_dir, options, systems=systems, generated=generated)
        stored = {
            s: json.loads((work_dir / LOSO_FULL_DIR / s / LOSO_RESULT).read_text())
            for s in systems
            if (work_dir / LOSO_FULL_DIR / s / LOSO_RESULT).exists()
        }
        figure = {
            "model": LOSO_FULL_MODEL,
            "seconds": round(sum(r["seconds"] for r in stored.values()), 1),
            "fp_rate_max": max(r["fp_rate"] for r in stored.values()),
            "fp_rates": stored,
            "systems_missing": [s for s in systems if s not in stored],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figure, indent=2))
        if on_system is not None:
            on_system(system, result)
    return path
