"""From class probabilities and novelty to ``event.risk_score`` and ``event.severity``.

``risk = 100 * sum(p(label) * risk_weight(label)) + novelty_weight * novelty``, clipped to
0..100. The first term is the expected danger of the line under the classifier; the second lets
a never-seen template push a borderline line over the threshold. ``novelty_weight`` is kept
below the alert threshold on purpose: novelty alone (a new but benign template) never alerts.

Confidence gate: an event alerts only if the classifier gives the non-benign labels together
(``1 - p(benign)``, so a line split between two threats still counts) a probability of at least
``alert_min_probability`` (0.6); otherwise its risk is capped just below the alert
threshold (it can still be medium severity, and be sampled). Why: on Loghub systems left out of
training, the false positives that remained after the data fixes were lines the classifier was
unsure about (one threat label at 0.5-0.55, the rest benign) pushed over the threshold by the
novelty of a template it had never seen, e.g. an HPC "available network connection" line at
network 0.54 plus novelty 0.8. A new template the model cannot place is exactly where novelty
should not turn doubt into an alert.

Severity follows Elastic's risk-score bands: low 0-21 -> 21, medium 22-47 -> 47, high 48-73 ->
73, critical 74-100 -> 99. Every bound is a parameter; the worker passes ``alert_min_risk``
from its settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from classifiers.logs.taxonomy import label_info


@lru_cache(maxsize=16)
def _weights(label_names: tuple[str, ...]) -> np.ndarray:
    return np.array([label_info(name).risk_weight for name in label_names])


SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH, SEVERITY_CRITICAL = 21, 47, 73, 99
#: Risks are rounded to this step; a gated risk is capped one step below the alert threshold.
RISK_STEP = 0.01
#: Default confidence gate (see the module docstring).
ALERT_MIN_PROBABILITY = 0.6


@dataclass(frozen=True)
class RiskPolicy:
    """Thresholds that turn a prediction into risk, severity and alert-or-not."""

    alert_min_risk: float = 47.0
    novelty_weight: float = 20.0
    alert_min_probability: float = ALERT_MIN_PROBABILITY
    medium_from: float = 22.0
    high_from: float = 48.0
    critical_from: float = 74.0

    def __post_init__(self) -> None:
        if not 0 <= self.medium_from <= self.high_from <= self.critical_from <= 100:
            raise ValueError("severity bounds must rise within 0..100")
        if not 0 <= self.novelty_weight < max(self.alert_min_risk, 1e-9):
            raise ValueError(
                "novelty_weight must be below alert_min_risk: novelty alone must not make an alert"
            )
        if not 0 <= self.alert_min_probability <= 1:
            raise ValueError("alert_min_probability must lie within 0..1")

    def risk_score(
        self, probabilities: np.ndarray, label_names: Sequence[str], novelty: float
    ) -> float:
        """Risk 0..100 of one event from its class probabilities and novelty."""
        risks = self.risk_scores(
            np.asarray(probabilities)[None, :], label_names, np.array([novelty])
        )
        return float(risks[0])

    def risk_scores(
        self, probabilities: np.ndarray, label_names: Sequence[str], novelty: np.ndarray
    ) -> np.ndarray:
        """Risks of a batch: ``probabilities`` (n, labels), ``novelty`` (n,)."""
        weights = _weights(tuple(label_names))
        risk = np.clip(
            100.0 * (probabilities @ weights) + self.novelty_weight * novelty, 0.0, 100.0
        )
        threat = probabilities[:, weights > 0].sum(axis=1)
        ceiling = max(0.0, self.alert_min_risk - RISK_STEP)
        risk = np.where(threat < self.alert_min_probability, np.minimum(risk, ceiling), risk)
        return np.round(risk, 2)

    def severity(self, risk: float) -> int:
        """Elastic severity (21/47/73/99) of a risk score."""
        if risk >= self.critical_from:
            return SEVERITY_CRITICAL
        if risk >= self.high_from:
            return SEVERITY_HIGH
        if risk >= self.medium_from:
            return SEVERITY_MEDIUM
        return SEVERITY_LOW

    def is_alert(self, risk: float) -> bool:
        return risk >= self.alert_min_risk
