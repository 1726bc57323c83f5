"""Fitting calibration (temperature scaling) and routing thresholds on validation data.

Both are fitted on the validation split only, never on test, so the test figures in the model
card are honest estimates of what routing will do in production.
"""

from __future__ import annotations

import numpy as np


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def negative_log_likelihood(
    logits: np.ndarray, labels: np.ndarray, temperature: float, smoothing: float = 0.0
) -> float:
    """Mean cross-entropy of ``softmax(logits / temperature)`` against the labels, each target
    moved ``smoothing`` of the way towards uniform."""
    logp = _log_softmax(logits / temperature)
    picked = logp[np.arange(len(labels)), labels]
    return float(-((1.0 - smoothing) * picked + smoothing * logp.mean(axis=1)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising validation NLL (Guo et al. 2017), by a fine log-grid search.

    Targets are smoothed by ``1 / (n + 1)`` (Laplace's rule of succession): where the model gets
    every validation item right, plain NLL keeps falling as the temperature shrinks and would
    claim certainty (probability 1.0 on everything) from a finite sample; the smoothed fit stops
    at a finite temperature. With errors on validation it changes the fit negligibly.
    """
    smoothing = 1.0 / (len(labels) + 1)
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 400))
    losses = [negative_log_likelihood(logits, labels, t, smoothing) for t in grid]
    return float(grid[int(np.argmin(losses))])


def min_routing_support(class_items: int, max_support: int = 20) -> int:
    """Fewest confident validation items a class's threshold rests on: a fifth of its items,
    between 3 and ``max_support``."""
    return int(np.clip(round(0.2 * class_items), 3, max_support))


def fit_thresholds(
    probabilities: np.ndarray,
    labels: np.ndarray,
    label_names: list[str],
    target_precision: float = 0.95,
    max_support: int = 20,
) -> dict[str, float]:
    """Per-class confidence threshold: the lowest one whose auto-routed precision ≥ target.

    For each class, validation items predicted as that class are sorted by confidence; the
    threshold is the lowest confidence at which the items at or above it reach the target
    precision, with at least ``min_support(n)`` of them for a class of ``n`` validation items
    (20 on large data, as few as 3 on a small team's data, where a fixed 20 meant never routing).
    A class that never gets there keeps a threshold above 1, so it always goes to triage.
    """
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    thresholds: dict[str, float] = {}
    for index, name in enumerate(label_names):
        min_support = min_routing_support(int(np.sum(labels == index)), max_support)
        chosen = confidence[predicted == index]
        correct = (labels[predicted == index] == index)[np.argsort(-chosen)]
        ordered = np.sort(chosen)[::-1]
        precision = np.cumsum(correct) / np.arange(1, len(correct) + 1)
        ok = np.flatnonzero(
            (precision >= target_precision) & (np.arange(len(correct)) >= min_support - 1)
        )
        thresholds[name] = float(ordered[ok[-1]]) if len(ok) else 1.01
    return thresholds
