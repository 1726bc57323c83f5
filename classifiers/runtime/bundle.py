"""The on-disk model directory: what a trained classifier ships as.

Layout: ``model.onnx`` (the int8 student), ``tokenizer.json``, ``labels.json``,
``metadata.json`` (version, training-data hash, max length, temperature, per-class routing
thresholds, optional hybrid TF-IDF head) and, optionally, ``tfidf_head.npz`` and ``model.pt``
(torch weights for the torch backend; not shipped).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
LABELS_FILE = "labels.json"
METADATA_FILE = "metadata.json"
TORCH_FILE = "model.pt"
TRIAGE_QUEUE = "triage"


class ModelDirError(FileNotFoundError):
    """A model directory is missing a file or has unreadable metadata."""


@dataclass
class ModelMetadata:
    """Everything the runtime needs besides the weights; written as ``metadata.json``."""

    name: str
    task: str
    version: str
    training_data_sha256: str
    labels: list[str]
    max_length: int = 128
    temperature: float = 1.0
    thresholds: dict[str, float] = field(default_factory=dict)
    default_threshold: float = 0.5
    tfidf_head: str | None = None
    tfidf_weight: float = 0.0
    architecture: dict[str, Any] = field(default_factory=dict)
    #: ``[i][j]``: the most the transformer's logit ``j`` can exceed its logit ``i`` for any
    #: input (see ``classifiers.training.export.transformer_margin_bounds``); empty when unknown.
    transformer_margin_bounds: list[list[float]] = field(default_factory=list)
    split: dict[str, Any] = field(default_factory=dict)
    #: Abstention thresholds (``classifiers.runtime.abstention.AbstentionPolicy``); empty: none.
    abstention: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / METADATA_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")
        (directory / LABELS_FILE).write_text(json.dumps(self.labels, indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> ModelMetadata:
        path = directory / METADATA_FILE
        if not path.is_file():
            raise ModelDirError(f"{directory} is not a model directory: {METADATA_FILE} missing")
        try:
            raw = json.loads(path.read_text())
            labels = json.loads((directory / LABELS_FILE).read_text())
        except (OSError, ValueError) as error:
            raise ModelDirError(f"unreadable model metadata in {directory}: {error}") from error
        known = {key: raw[key] for key in cls.__dataclass_fields__ if key in raw}
        known["labels"] = labels
        return cls(**known)


def require_file(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise ModelDirError(f"{path} is missing from the model directory")
    return path


def directory_size_mb(directory: Path) -> float:
    """Size of the files the runtime loads (torch weights excluded: they are not shipped)."""
    files = [p for p in directory.iterdir() if p.is_file() and p.name != TORCH_FILE]
    return sum(p.stat().st_size for p in files) / 1e6
