"""The IT-ticket task: where its model ships and how it is benchmarked.

The benchmark re-creates the test split recorded in the shipped model's metadata (same data hash,
seed and shares) and scores, in one run: the TF-IDF baseline (the model's own sparse head, numpy),
the MiniLM teacher (torch, from the training work dir), the student in fp32 ONNX (work dir) and
the shipped int8 student. Rows whose artefacts are absent (fresh checkout) are left out with a
warning rather than invented.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benches.classifier import BenchOptions, BenchRow, Timing, time_batches
from classifiers.datasets import TextTask, load_tickets, stratified_split
from classifiers.evaluation import accuracy, macro_f1
from classifiers.paths import SHIPPED_TICKET_MODEL, TICKET_WORK_DIR
from classifiers.runtime.bundle import ModelMetadata, directory_size_mb
from classifiers.runtime.classifier import TextClassifier
from classifiers.sparse_linear import SparseLinearHead

log = logging.getLogger(__name__)


def ticket_test_split(metadata: ModelMetadata, data: Path | None = None) -> TextTask:
    """The test split the shipped model was evaluated on."""
    task = load_tickets(data)
    if task.data_hash != metadata.training_data_sha256:
        warnings.warn("tickets.csv differs from the model's training data", stacklevel=2)
    split = metadata.split
    return stratified_split(
        task, int(split["seed"]), float(split["val_share"]), float(split["test_share"])
    ).test


def _row(
    name: str, labels: np.ndarray, scores: np.ndarray, timing: Timing, size_mb: float
) -> BenchRow:
    predicted = scores.argmax(axis=1)
    return BenchRow(
        model=name,
        macro_f1=round(macro_f1(labels, predicted, scores.shape[1]), 4),
        accuracy=round(accuracy(labels, predicted), 4),
        items_per_s=timing.items_per_s,
        p50_ms=timing.p50_ms,
        p99_ms=timing.p99_ms,
        size_mb=round(size_mb, 2),
        cpu_s_per_1k=timing.cpu_s_per_1k,
    )


def _teacher_scorer(
    work_dir: Path, n_labels: int, threads: int
) -> tuple[Callable[[list[str]], np.ndarray] | None, float]:
    """Torch scoring function for the fine-tuned teacher, or None when it is not trained."""
    weights = work_dir / "teacher" / "teacher.pt"
    fingerprint = work_dir / "teacher" / "fingerprint.json"
    if not weights.exists() or not fingerprint.exists():
        return None, 0.0
    import torch

    from classifiers.runtime.batching import encode, load_tokenizer
    from classifiers.training.loop import predict_logits
    from classifiers.training.modeling import build_teacher, minilm_dir

    torch.set_num_threads(threads)
    max_length = int(json.loads(fingerprint.read_text())["max_length"])
    model = build_teacher(n_labels)
    model.load_state_dict(torch.load(weights))
    tokenizer = load_tokenizer(minilm_dir() / "tokenizer.json", max_length)

    def score(texts: list[str]) -> np.ndarray:
        return predict_logits(model, encode(tokenizer, texts), batch_size=len(texts))

    return score, weights.stat().st_size / 1e6


def bench_tickets(
    options: BenchOptions, model_dir: Path | None = None, work_dir: Path | None = None
) -> list[BenchRow]:
    """Baseline, teacher, student fp32 and student int8 on the ticket test split."""
    model_dir = model_dir or SHIPPED_TICKET_MODEL
    work_dir = work_dir or TICKET_WORK_DIR
    int8 = TextClassifier.load(model_dir, threads=options.threads, batch_size=options.batch_size)
    test = ticket_test_split(int8.metadata)
    texts = test.texts[: options.limit] if options.limit else test.texts
    labels = test.labels[: len(texts)]
    rows: list[BenchRow] = []

    head_file = model_dir / (int8.metadata.tfidf_head or "")
    if int8.metadata.tfidf_head and head_file.is_file():
        head = SparseLinearHead.load(head_file)
        scores, timing = time_batches(
            head.decision, texts, options.batch_size, options.warmup_batches
        )
        rows.append(_row("baseline", labels, scores, timing, head_file.stat().st_size / 1e6))

    teacher, teacher_mb = None, 0.0
    if "teacher" not in options.skip:
        teacher, teacher_mb = _teacher_scorer(work_dir, len(int8.labels), options.threads)
        if teacher is None:
            log.warning("teacher row skipped: no trained teacher in %s", work_dir)
    if teacher is not None:
        scores, timing = time_batches(teacher, texts, options.batch_size, options.warmup_batches)
        rows.append(_row("teacher", labels, scores, timing, teacher_mb))

    fp32_file = work_dir / "student_fp32.onnx"
    if fp32_file.is_file():
        fp32 = TextClassifier.load(
            model_dir, threads=options.threads, batch_size=options.batch_size, onnx_file=fp32_file
        )
        scores, timing = time_batches(
            fp32.probabilities, texts, options.batch_size, options.warmup_batches
        )
        size = directory_size_mb(model_dir) - (model_dir / "model.onnx").stat().st_size / 1e6
        rows.append(
            _row("student_fp32", labels, scores, timing, size + fp32_file.stat().st_size / 1e6)
        )
    else:
        log.warning("student fp32 row skipped: %s missing", fp32_file)

    scores, timing = time_batches(
        int8.probabilities, texts, options.batch_size, options.warmup_batches
    )
    rows.append(_row("student_int8", labels, scores, timing, directory_size_mb(model_dir)))
    return rows
