"""``logwarden train logs``: corpus -> MiniLM teacher -> distilled hybrid int8 student.

The corpus comes from :func:`classifiers.logs.dataset.build_corpus` (its own split: a BGL test
part and a generated test part never trained on); training itself is the ticket machinery
(:func:`classifiers.training.pipeline.run_training`): texts are short log lines, so teacher and
student read 64 tokens; the teacher gets 3 epochs and the students 8 (seconds on a GPU, about
a quarter of an hour on a 2-core CPU). The pipeline's internal
test report uses a seeded 600-line sample of the held-out test (the teacher's forward pass is
the slow part on a CPU); the full figures come from ``logwarden bench classifier --task logs``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.datasets import TaskSplit
from classifiers.logs.dataset import LogCorpus, build_corpus
from classifiers.logs.evaluation import LOSO_FILE, leave_one_system_out
from classifiers.logs.model import HELDOUT_MODEL
from classifiers.logs.risk import RiskPolicy
from classifiers.training.loop import TrainConfig
from classifiers.training.pipeline import PipelineOptions, run_training

log = logging.getLogger(__name__)
PIPELINE_TEST_SAMPLE = 600


def log_pipeline_options(seed: int = 13) -> PipelineOptions:
    """Training options of the shipped log model."""
    return PipelineOptions(
        seed=seed,
        max_length=64,
        teacher_max_length=64,
        teacher=TrainConfig(
            epochs=3.0, batch_size=32, learning_rate=1e-4, checkpoint_every=25, seed=seed
        ),
        student=TrainConfig(
            epochs=8.0, batch_size=32, learning_rate=5e-4, temperature=2.0, alpha=0.7, seed=seed
        ),
        target_precision=0.95,
        version="1.1.0",
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
        "seconds": round(time.perf_counter() - started, 1),
        "fp_rate_max": max(r["fp_rate"] for r in rates.values()),
        "fp_rates": rates,
    }
    path = work_dir / LOSO_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figure, indent=2))
    return path
