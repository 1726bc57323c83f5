"""A ticket model trained on a tiny slice of the real tickets, shared by the ticket tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from classifiers.datasets import TaskSplit, load_tickets, sample_task, stratified_split
from classifiers.paths import SHIPPED_TICKET_MODEL
from classifiers.training.loop import TrainConfig
from classifiers.training.modeling import StudentShape
from classifiers.training.pipeline import PipelineOptions, run_training

SHIPPED_MODEL = SHIPPED_TICKET_MODEL

TINY_OPTIONS = PipelineOptions(
    seed=7,
    limit=300,
    use_minilm_teacher=False,
    oof_folds=2,
    student=TrainConfig(epochs=1, max_steps=6, batch_size=16, learning_rate=1e-3, seed=7),
    include_torch_weights=True,
    parallel_students=False,
    seed_embeddings=False,
    shape=StudentShape(layers=1, hidden=64, heads=2, intermediate=128),
)


@dataclass(frozen=True)
class TinyRun:
    model_dir: Path
    work_dir: Path
    split: TaskSplit
    report: dict


@pytest.fixture(scope="session")
def tiny_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> TinyRun:
    """Run the whole training pipeline on 300 tickets (a few student steps, no MiniLM)."""
    root = tmp_path_factory.mktemp("tiny_tickets")
    task = load_tickets(shared_data / "tickets" / "tickets.csv")
    report = run_training(task, root / "model", root / "work", TINY_OPTIONS)
    sliced = sample_task(task, TINY_OPTIONS.limit, TINY_OPTIONS.seed)
    split = stratified_split(
        sliced, TINY_OPTIONS.seed, TINY_OPTIONS.val_share, TINY_OPTIONS.test_share
    )
    return TinyRun(root / "model", root / "work", split, report)


@pytest.fixture(scope="session")
def shipped_model() -> Path:
    if not (SHIPPED_MODEL / "metadata.json").is_file():
        pytest.skip("no shipped ticket model yet (run `logwarden train tickets`)")
    return SHIPPED_MODEL
