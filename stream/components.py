"""Load the real stages from ``classifiers`` and adapt them to ``stream.stages``.

This is the only module that knows the classifier packages' entry points; the agents only
see the small protocols. Loading happens once per worker, before it reports ready.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.logs.model import RuntimeProbabilityModel
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer as ClassifierLogScorer
from classifiers.logs.templates import TemplateTracker
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.declared import DeclaredFormatError
from classifiers.paths import SHIPPED_MODELS
from classifiers.runtime import ModelDirError, TextClassifier
from stream.config import Settings
from stream.formats import load_formats
from stream.stages import LogVerdict, StageFailure, TicketDecision

#: Where the trained, quantised models ship inside the package.


class ComponentError(RuntimeError):
    """A stage could not be loaded (missing model directory, bad metadata)."""


@dataclass
class Components:
    """The loaded stages of one worker."""

    parser: ParserAdapter
    scorer: ScoringAdapter
    router: RouterAdapter
    tracker: TemplateTracker | None = None


class ParserAdapter:
    """``classifiers.parsing.parse`` with the worker's options, failures made typed."""

    def __init__(self, options: ParseOptions) -> None:
        self._options = options

    def __call__(self, raw: bytes) -> dict[str, Any] | StageFailure:
        result = parse(raw, self._options)
        if isinstance(result, ParseFailure):
            return StageFailure(result.type, result.reason)
        return result


class ScoringAdapter:
    """``classifiers.logs.scoring.LogScorer`` behind the ``LogScorer`` protocol."""

    def __init__(self, scorer: ClassifierLogScorer) -> None:
        self._scorer = scorer
        self.model = scorer.model
        self.model_name = str(scorer.model.name)
        self.model_version = str(scorer.model.version)

    def score(self, events: Sequence[dict[str, Any]]) -> list[LogVerdict]:
        return [
            LogVerdict(s.label, s.alert, s.severity, s.ecs_fields)
            for s in self._scorer.score_batch(events)
        ]

    def cache_hit_ratio(self) -> float | None:
        return float(self._scorer.cache.hit_rate)

    def settled_ratio(self) -> float | None:
        return self._scorer.settled_ratio


class RouterAdapter:
    """The ticket ``TextClassifier`` (with its routing thresholds) as a ``TicketRouter``."""

    def __init__(self, classifier: TextClassifier, queues: Mapping[str, str]) -> None:
        self._classifier = classifier
        self._queues = dict(queues)
        self.model_name = classifier.metadata.name
        self.model_version = classifier.metadata.version

    def queues(self) -> list[str]:
        return [self._queues.get(label, label) for label in self._classifier.labels]

    def route(self, texts: Sequence[str]) -> list[TicketDecision]:
        return [
            TicketDecision(
                label=p.label,
                confidence=round(p.confidence, 6),
                queue=self._queues.get(p.label, p.label) if p.auto_routed else p.queue,
                top3=[{"label": label, "probability": round(pr, 6)} for label, pr in p.top3],
                triage_reason=p.triage_reason,
            )
            for p in self._classifier.classify(texts)
        ]


def model_dir(configured: Path | None, task: str) -> Path:
    """The model folder of ``task``: the configured one, else the shipped one; must exist."""
    path = configured or SHIPPED_MODELS / task
    if not (path / "metadata.json").is_file():
        raise ComponentError(
            f"no {task} model at {path}: train one (logwarden train {task}) or set "
            f"LOGWARDEN_{task.upper().rstrip('S')}_MODEL_PATH"
        )
    return path


def load_classifier(directory: Path, settings: Settings) -> TextClassifier:
    """One model with the configured backend and device; says what is missing for torch."""
    backend = settings.model_backend
    if backend == "torch" and importlib.util.find_spec("torch") is None:
        raise ComponentError(
            "model_backend=torch needs torch, which serving installs do not include: install "
            "the train extra (pip install 'logwarden[train]') or set model_backend=onnx"
        )
    try:
        return TextClassifier.load(
            directory, backend, threads=settings.model_threads, device=settings.model_device
        )
    except ModelDirError as exc:
        if backend == "torch":
            raise ComponentError(
                f"model_backend=torch needs the fp32 weights of a trained model: {exc}. Point "
                "the model path at a training output (logwarden train ...) or use onnx"
            ) from exc
        raise ComponentError(str(exc)) from exc


def load_components(settings: Settings) -> Components:
    """Parser, log scorer and ticket router, with the shipped models unless configured."""
    try:
        formats = load_formats(settings.formats_file)
    except DeclaredFormatError as exc:
        raise ComponentError(str(exc)) from exc
    options = ParseOptions(
        max_bytes=settings.max_event_bytes,
        timezone=settings.timezone,
        scrub_secrets=settings.scrub_secrets,
        store_original=settings.store_original,
        source=settings.topic_logs_raw,
        formats=formats,
    )
    log_model = RuntimeProbabilityModel(
        load_classifier(model_dir(settings.log_model_path, "logs"), settings)
    )
    ticket_model = load_classifier(model_dir(settings.ticket_model_path, "tickets"), settings)
    tracker = TemplateTracker()
    tracker.load(template_state_path(settings))
    scorer = ClassifierLogScorer(
        log_model,
        policy=RiskPolicy(alert_min_risk=float(settings.alert_min_risk)),
        tracker=tracker,
    )
    return Components(
        parser=ParserAdapter(options),
        scorer=ScoringAdapter(scorer),
        router=RouterAdapter(ticket_model, settings.ticket_queues),
        tracker=tracker,
    )


def template_state_path(settings: Settings) -> Path:
    """Where the template miner's snapshot lives, so a restart does not forget templates."""
    return settings.state_dir / "templates.snapshot"
