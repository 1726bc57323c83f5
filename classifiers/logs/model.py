"""The log classifier as the scorer sees it: a runtime model directory behind a small adapter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.paths import SHIPPED_LOG_MODEL
from classifiers.runtime import TextClassifier

#: The shipped, quantised log model inside the package.
#: Folder (inside the training work dir) of the model trained without Loghub background systems.
HELDOUT_MODEL = "heldout-systems-model"


class RuntimeProbabilityModel:
    """A :class:`TextClassifier` exposing what :class:`classifiers.logs.scoring.LogScorer`
    needs: name, version, label names and calibrated class probabilities."""

    def __init__(self, classifier: TextClassifier) -> None:
        self.classifier = classifier
        self.name = classifier.metadata.name
        self.version = classifier.metadata.version

    @property
    def label_names(self) -> Sequence[str]:
        return self.classifier.labels

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.probabilities(texts)

    def predict_proba_unless_settled(
        self, texts: Sequence[str], label: str, min_probability: float
    ) -> tuple[np.ndarray, np.ndarray]:
        return self.classifier.probabilities_unless_settled(texts, label, min_probability)


def load_log_model(
    directory: Path | None = None, threads: int = 2, batch_size: int = 64
) -> RuntimeProbabilityModel:
    """The log model at ``directory`` (the shipped one by default)."""
    classifier = TextClassifier.load(
        directory or SHIPPED_LOG_MODEL, threads=threads, batch_size=batch_size
    )
    return RuntimeProbabilityModel(classifier)
