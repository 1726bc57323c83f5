"""Labelled text tasks and their deterministic train/validation/test split.

A *task* is just texts, integer labels and the ordered label names, so the same training,
evaluation and benchmark machinery serves tickets and log lines alike.

Split policy (documented in every model card): the rows are grouped by label, each group is
shuffled with ``numpy.random.default_rng(seed)`` and cut into ``test_share`` / ``val_share`` /
the rest for training, so every split keeps the class proportions of the whole set. The same
seed and the same file always give the same split; the SHA-256 of the file identifies the data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.shared_data import require_shared_data
from classifiers.ticket_records import RecordError, TicketColumns, read_tickets

TICKETS_RELATIVE_PATH = "tickets/tickets.csv"


@dataclass(frozen=True)
class TextTask:
    """Texts with integer labels indexing ``label_names``; ``data_hash`` identifies the source."""

    name: str
    texts: list[str]
    labels: np.ndarray
    label_names: list[str]
    data_hash: str

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def subset(self, indices: Sequence[int] | np.ndarray) -> TextTask:
        """The rows at ``indices`` as a task with the same label names and hash."""
        idx = np.asarray(indices, dtype=np.int64)
        return TextTask(
            name=self.name,
            texts=[self.texts[i] for i in idx],
            labels=self.labels[idx],
            label_names=self.label_names,
            data_hash=self.data_hash,
        )

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class TaskSplit:
    """The three disjoint parts of one task."""

    train: TextTask
    val: TextTask
    test: TextTask

    def describe(self) -> dict[str, int]:
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def task_from_records(
    name: str, texts: Sequence[str], labels: Sequence[str], data_hash: str
) -> TextTask:
    """Build a task from string labels; label names are sorted so ids are stable."""
    label_names = sorted(set(labels))
    index = {label: i for i, label in enumerate(label_names)}
    return TextTask(
        name=name,
        texts=list(texts),
        labels=np.array([index[label] for label in labels], dtype=np.int64),
        label_names=label_names,
        data_hash=data_hash,
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_tickets(path: Path | None = None, columns: TicketColumns | None = None) -> TextTask:
    """Labelled tickets from a CSV or JSON lines file (default: the shared data set, whose
    ``Document`` text and ``Topic_group`` label the default columns find)."""
    source = path or require_shared_data(TICKETS_RELATIVE_PATH)
    texts: list[str] = []
    labels: list[str] = []
    with source.open("rb") as handle:
        for record in read_tickets(handle, columns or TicketColumns(), with_label=True):
            if isinstance(record, RecordError):
                raise ValueError(f"{source} row {record.id}: {record.error}")
            texts.append(record.text)
            labels.append(record.label or "")
    return task_from_records("tickets", texts, labels, file_sha256(source))


def stratified_split(
    task: TextTask, seed: int = 13, val_share: float = 0.1, test_share: float = 0.2
) -> TaskSplit:
    """Deterministic per-class shuffled split; see the module docstring for the policy."""
    if not 0 < val_share < 1 or not 0 < test_share < 1 or val_share + test_share >= 1:
        raise ValueError("val_share and test_share must be in (0, 1) and sum below 1")
    rng = np.random.default_rng(seed)
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for label in range(len(task.label_names)):
        members = np.flatnonzero(task.labels == label)
        members = members[rng.permutation(len(members))]
        n_test = round(len(members) * test_share)
        n_val = round(len(members) * val_share)
        parts["test"].append(members[:n_test])
        parts["val"].append(members[n_test : n_test + n_val])
        parts["train"].append(members[n_test + n_val :])
    chosen = {key: np.sort(np.concatenate(value)) for key, value in parts.items()}
    return TaskSplit(
        train=task.subset(chosen["train"]),
        val=task.subset(chosen["val"]),
        test=task.subset(chosen["test"]),
    )


def sample_task(task: TextTask, limit: int | None, seed: int) -> TextTask:
    """A seeded random subset of ``limit`` rows (in file order), for quick runs and tests."""
    if limit is None or limit >= len(task):
        return task
    keep = np.sort(np.random.default_rng(seed).permutation(len(task))[:limit])
    return task.subset(keep)
