"""Honest evaluation: macro-F1, accuracy, routing coverage/precision, and the two plots.

Routing quality is reported the way help-desk products do: *coverage* is the share of tickets
auto-routed (confidence at or above their class threshold), *precision* the share of those routed
to the right queue; everything else goes to triage.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class RoutingReport:
    coverage: float
    precision: float
    routed: int
    total: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "coverage": round(self.coverage, 4),
            "precision": round(self.precision, 4),
            "routed": self.routed,
            "total": self.total,
        }


def macro_f1(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    scores = []
    for c in range(n_classes):
        tp = np.sum((predicted == c) & (labels == c))
        fp = np.sum((predicted == c) & (labels != c))
        fn = np.sum((predicted != c) & (labels == c))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def accuracy(labels: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(labels == predicted)) if len(labels) else 0.0


def classification_metrics(
    labels: np.ndarray, predicted: np.ndarray, n_classes: int
) -> dict[str, float]:
    return {
        "macro_f1": round(macro_f1(labels, predicted, n_classes), 4),
        "accuracy": round(accuracy(labels, predicted), 4),
    }


def routing_report(
    probabilities: np.ndarray,
    labels: np.ndarray,
    label_names: list[str],
    thresholds: dict[str, float],
) -> RoutingReport:
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    limits = np.array([thresholds.get(name, 1.01) for name in label_names])
    routed = confidence >= limits[predicted]
    n_routed = int(routed.sum())
    precision = float(np.mean(predicted[routed] == labels[routed])) if n_routed else 0.0
    return RoutingReport(n_routed / max(1, len(labels)), precision, n_routed, len(labels))


def expected_calibration_error(
    probabilities: np.ndarray, labels: np.ndarray, bins: int = 15
) -> float:
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def plot_confusion(
    labels: np.ndarray, predicted: np.ndarray, label_names: list[str], path: Path, title: str
) -> Path:
    """Row-normalised confusion matrix PNG (rows: true class)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(label_names)
    matrix = np.zeros((n, n), dtype=np.float64)
    np.add.at(matrix, (labels, predicted), 1)
    normalised = matrix / np.maximum(1, matrix.sum(axis=1, keepdims=True))
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), label_names, rotation=45, ha="right")
    ax.set_yticks(range(n), label_names)
    for i in range(n):
        for j in range(n):
            colour = "white" if normalised[i, j] > 0.5 else "black"
            ax.text(
                j, i, f"{normalised[i, j]:.2f}", ha="center", va="center", color=colour, fontsize=8
            )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_reliability(
    curves: dict[str, np.ndarray], labels: np.ndarray, path: Path, bins: int = 15
) -> Path:
    """Reliability diagram: accuracy against confidence per bin, one line per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    edges = np.linspace(0, 1, bins + 1)
    for name, probabilities in curves.items():
        confidence = probabilities.max(axis=1)
        correct = probabilities.argmax(axis=1) == labels
        xs, ys = [], []
        for low, high in itertools.pairwise(edges):
            inside = (confidence > low) & (confidence <= high)
            if inside.sum() >= 5:
                xs.append(confidence[inside].mean())
                ys.append(correct[inside].mean())
        ece = expected_calibration_error(probabilities, labels, bins)
        ax.plot(xs, ys, marker="o", label=f"{name} (ECE {ece:.3f})")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title("Reliability on the test split")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
