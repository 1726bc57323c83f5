"""End-to-end training of a shipped classifier: split → baseline → teacher → students →
ONNX → int8 → calibration → evaluation → model directory (+ card and plots).

The ensemble teacher is the fine-tuned MiniLM plus the TF-IDF model's out-of-fold scores (each
calibrated on validation, probabilities averaged). The shipped student is *hybrid*: the int8
transformer's logits plus a weighted TF-IDF linear head stored as sparse numpy weights; the weight,
temperature and routing thresholds are fitted on validation through the int8 runtime itself.
Deterministic given the seed (single-threaded reductions aside; see the model card).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from classifiers.baseline import LinearKind, out_of_fold_decision, train_baseline
from classifiers.calibration import fit_temperature, fit_thresholds
from classifiers.datasets import TaskSplit, TextTask, sample_task, stratified_split
from classifiers.evaluation import (
    classification_metrics,
    expected_calibration_error,
    plot_confusion,
    plot_reliability,
    routing_report,
)
from classifiers.runtime.abstention import AbstentionPolicy, training_languages
from classifiers.runtime.batching import encode, load_tokenizer
from classifiers.runtime.bundle import ONNX_FILE, TOKENIZER_FILE, TORCH_FILE, ModelMetadata
from classifiers.runtime.classifier import TextClassifier, softmax
from classifiers.training.export import export_onnx, quantize_int8, transformer_margin_bounds
from classifiers.training.loop import TrainConfig, predict_logits, train, training_hardware
from classifiers.training.model_card import write_model_card
from classifiers.training.modeling import (
    StudentShape,
    build_student,
    build_teacher,
    minilm_dir,
    projected_embeddings,
)
from classifiers.training.teacher import teacher_hardware, teacher_logits

log = logging.getLogger(__name__)

TFIDF_HEAD_FILE = "tfidf_head.npz"
HYBRID_WEIGHTS = tuple(np.round(np.arange(0.0, 3.01, 0.1), 2))


@dataclass(frozen=True)
class PipelineOptions:
    """Everything that decides the shipped model; recorded in its metadata."""

    seed: int = 13
    val_share: float = 0.1
    test_share: float = 0.2
    limit: int | None = None
    max_length: int = 64
    teacher_max_length: int = 64
    teacher: TrainConfig = field(
        default_factory=lambda: TrainConfig(epochs=0.6, batch_size=32, learning_rate=1e-4)
    )
    student: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            epochs=3.0, batch_size=64, learning_rate=1e-3, temperature=2.0, alpha=0.7
        )
    )
    shape: StudentShape = field(default_factory=StudentShape)
    use_minilm_teacher: bool = True
    #: Also distil a student from the ensemble teacher and ship the better hybrid; False
    #: trains the plain student alone (no teacher at all), e.g. to re-run a recipe whose
    #: validation picked the plain student.
    distilled_student: bool = True
    baseline_kind: LinearKind = "logreg"
    oof_folds: int = 5
    target_precision: float = 0.95
    version: str = "1.1.0"
    include_torch_weights: bool = False
    parallel_students: bool = True
    seed_embeddings: bool = True
    #: A fine-tuned all-MiniLM-L6-v2 state dict (a GPU run on this split) shipped as the
    #: transformer instead of a student; None trains the students.
    encoder_weights: str | None = None
    #: Write abstention checks (ticket models): the training data's languages are kept.
    abstention: bool = False

    def with_seed(self, seed: int) -> PipelineOptions:
        return replace(
            self,
            seed=seed,
            teacher=replace(self.teacher, seed=seed),
            student=replace(self.student, seed=seed),
        )


def _fingerprint(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _cached(path: Path, compute: Any) -> np.ndarray:
    if path.exists():
        return np.load(path)
    value = np.asarray(compute(), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, value)
    return value


def _calibrated(scores_val: np.ndarray, labels_val: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return softmax(scores / fit_temperature(scores_val, labels_val))


def _student(
    name: str,
    split: TaskSplit,
    ids_train: list[list[int]],
    options: PipelineOptions,
    *,
    soft: np.ndarray | None,
    work_dir: Path,
) -> torch.nn.Module:
    torch.manual_seed(options.seed)
    tokenizer_vocab = 30522
    model = build_student(
        len(split.train.label_names),
        tokenizer_vocab,
        options.shape,
        projected_embeddings(None, options.shape.hidden) if options.seed_embeddings else None,
    )
    key = _fingerprint(
        name,
        split.train.data_hash,
        split.describe(),
        options.student.result_settings(),
        asdict(options.shape),
        options.max_length,
        None if soft is None else float(np.round(soft.sum(), 2)),
        *([] if options.seed_embeddings else ["random-embeddings"]),
    )
    folder = work_dir / f"student_{name}_{key}"
    weights = folder / "student.pt"
    if weights.exists():
        model.load_state_dict(torch.load(weights))
        return model.eval()
    train(
        model,
        ids_train,
        split.train.labels,
        options.student,
        soft_targets=soft,
        checkpoint_dir=folder,
        description=f"student {name}",
    )
    torch.save(model.state_dict(), weights)
    return model.eval()


def _student_job(  # noqa: PLR0917 (submitted positionally to a process pool)
    name: str,
    split: TaskSplit,
    ids_train: list[list[int]],
    options: PipelineOptions,
    soft: np.ndarray | None,
    work_dir: Path,
) -> dict[str, torch.Tensor]:
    """One student in its own process (single torch thread), returning its weights."""
    torch.set_num_threads(1)
    model = _student(name, split, ids_train, options, soft=soft, work_dir=work_dir)
    return model.state_dict()


def _train_students(
    split: TaskSplit,
    ids_train: list[list[int]],
    options: PipelineOptions,
    soft: np.ndarray,
    work_dir: Path,
) -> tuple[torch.nn.Module, torch.nn.Module]:
    """The plain and the distilled student, trained side by side in two processes.

    Separate processes keep each run deterministic (own RNG) and use both cores without the
    thread over-subscription that makes a crowded 2-core machine crawl.
    """
    jobs = {"plain": None, "distilled": soft}
    if options.parallel_students:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            futures = {
                name: pool.submit(_student_job, name, split, ids_train, options, target, work_dir)
                for name, target in jobs.items()
            }
            states = {name: future.result() for name, future in futures.items()}
    else:
        states = {
            name: _student_job(name, split, ids_train, options, target, work_dir)
            for name, target in jobs.items()
        }
    models = []
    for name in jobs:
        model = build_student(len(split.train.label_names), 30522, options.shape, None)
        model.load_state_dict(states[name])
        models.append(model.eval())
    return models[0], models[1]


def _best_hybrid_weight(
    transformer_val: np.ndarray, tfidf_val: np.ndarray, labels: np.ndarray, n: int
) -> float:
    """Weight of the TF-IDF head maximising validation macro-F1 (ties: smaller weight)."""
    scores = [
        classification_metrics(labels, (transformer_val + w * tfidf_val).argmax(1), n)["macro_f1"]
        for w in HYBRID_WEIGHTS
    ]
    return float(HYBRID_WEIGHTS[int(np.argmax(scores))])


def _ensemble_soft_targets(
    split: TaskSplit,
    baseline_scores: tuple[np.ndarray, np.ndarray],
    *,
    work_dir: Path,
    options: PipelineOptions,
    data_key: str,
    report: dict[str, Any],
) -> np.ndarray:
    """The distilled student's soft targets: the log of the ensemble teacher's probabilities on
    train (out-of-fold TF-IDF, plus the fine-tuned MiniLM with ``use_minilm_teacher``), each
    member calibrated on validation; the teachers' test figures go into ``report``."""
    n = len(split.train.label_names)
    base_val, base_test = baseline_scores
    folds = min(options.oof_folds, int(np.bincount(split.train.labels).min()))
    oof = _cached(
        work_dir / f"tfidf_oof_{data_key}_{options.baseline_kind}.npy",
        lambda: out_of_fold_decision(
            split.train.texts,
            split.train.labels,
            max(2, folds),
            options.baseline_kind,
            options.seed,
        ),
    )

    # Ensemble teacher: calibrated probabilities of MiniLM and of the out-of-fold TF-IDF model.
    members_train = [_calibrated(base_val, split.val.labels, oof)]
    members_test = [_calibrated(base_val, split.val.labels, base_test)]
    if options.use_minilm_teacher:
        teacher = teacher_logits(split, work_dir, options.teacher, options.teacher_max_length)
        report["teacher_hardware"] = teacher_hardware(work_dir) or report["hardware"]
        report["models"]["teacher"] = classification_metrics(
            split.test.labels, teacher["test"].argmax(1), n
        )
        members_train.append(_calibrated(teacher["val"], split.val.labels, teacher["train"]))
        members_test.append(_calibrated(teacher["val"], split.val.labels, teacher["test"]))
    report["teacher_members"] = "TF-IDF out-of-fold" + (
        " + fine-tuned MiniLM" if options.use_minilm_teacher else ""
    )
    ensemble_test = np.mean(members_test, axis=0)
    report["models"]["ensemble_teacher"] = classification_metrics(
        split.test.labels, ensemble_test.argmax(1), n
    )
    return np.log(np.clip(np.mean(members_train, axis=0), 1e-6, 1.0)).astype(np.float32)


def _abstention(texts: list[str]) -> dict[str, Any]:
    """Abstention checks for a model trained on ``texts``: its languages are those of at least
    0.5% of them (the shared tickets are English with some Romanian)."""
    languages = tuple(training_languages(texts, min_share=0.005)) or ("en",)
    return AbstentionPolicy(languages=languages).as_metadata()


def _imported_encoder(weights: Path, n_labels: int) -> torch.nn.Module:
    """A MiniLM fine-tuned elsewhere (a GPU run on the same split), fp16 weights accepted."""
    model = build_teacher(n_labels)
    state = torch.load(weights, map_location="cpu")
    model.load_state_dict({key: value.float() for key, value in state.items()})
    return model.eval()


def _best_student(  # noqa: PLR0917 (one call site, the pipeline's own state)
    split: TaskSplit,
    ids: dict[str, list[list[int]]],
    baseline_scores: tuple[np.ndarray, np.ndarray],
    options: PipelineOptions,
    work_dir: Path,
    data_key: str,
    report: dict[str, Any],
) -> torch.nn.Module:
    """Train the plain (and distilled) student; the better hybrid on validation ships."""
    n = len(split.train.label_names)
    base_val, base_test = baseline_scores
    students: dict[str, torch.nn.Module]
    if options.distilled_student:
        soft = _ensemble_soft_targets(
            split,
            (base_val, base_test),
            work_dir=work_dir,
            options=options,
            data_key=data_key,
            report=report,
        )
        plain, distilled = _train_students(split, ids["train"], options, soft, work_dir)
        students = {"student_plain": plain, "student_distilled": distilled}
    else:
        plain = _student("plain", split, ids["train"], options, soft=None, work_dir=work_dir)
        students = {"student_plain": plain}
    # Ship whichever student makes the better hybrid on validation (never on test).
    hybrid_val_f1: dict[str, float] = {}
    for name, model in students.items():
        logits = predict_logits(model, ids["test"])
        report["models"][name] = classification_metrics(split.test.labels, logits.argmax(1), n)
        val_logits = predict_logits(model, ids["val"])
        weight = _best_hybrid_weight(val_logits, base_val, split.val.labels, n)
        hybrid_val_f1[name] = classification_metrics(
            split.val.labels, (val_logits + weight * base_val).argmax(1), n
        )["macro_f1"]
        log.info(
            "%s test %s, hybrid val macro-F1 %s", name, report["models"][name], hybrid_val_f1[name]
        )
    selected = max(hybrid_val_f1, key=lambda key: (hybrid_val_f1[key], key == "student_distilled"))
    shipped = students[selected]
    report.update(selected_student=selected, hybrid_val_macro_f1=hybrid_val_f1)
    return shipped


def run_training(
    task: TextTask,
    output_dir: Path,
    work_dir: Path,
    options: PipelineOptions,
    split: TaskSplit | None = None,
    *,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train, export, calibrate and evaluate; write the model directory; return the report.

    ``split`` overrides the stratified split of ``task`` when a task needs its own (the log
    classifier keeps a BGL test part and whole Loghub systems out of training); ``data`` (the
    data check's findings) goes into the report and so onto the card.
    """
    torch.manual_seed(options.seed)
    if split is None:
        task = sample_task(task, options.limit, options.seed)
        split = stratified_split(task, options.seed, options.val_share, options.test_share)
    names = task.label_names
    n = len(names)
    work_dir.mkdir(parents=True, exist_ok=True)
    data_key = _fingerprint(task.data_hash, split.describe(), options.seed)
    report: dict[str, Any] = {
        "split": split.describe(),
        "models": {},
        "options": asdict(options),
        "hardware": training_hardware(options.teacher.device),
        **({"data": data} if data else {}),
    }
    log.info("split %s", split.describe())

    # Baseline: TF-IDF + linear model, also the hybrid student's sparse head.
    baseline = train_baseline(
        split.train.texts, split.train.labels, options.baseline_kind, seed=options.seed
    )
    head = baseline.to_head(names)
    base_val, base_test = head.decision(split.val.texts), head.decision(split.test.texts)
    report["models"]["baseline"] = classification_metrics(split.test.labels, base_test.argmax(1), n)
    svc = train_baseline(split.train.texts, split.train.labels, "svc", seed=options.seed)
    report["models"]["baseline_svc"] = classification_metrics(
        split.test.labels, svc.predict(split.test.texts), n
    )
    log.info("baseline %s", report["models"]["baseline"])
    # Students: the same shape with and without the teacher (or the plain one alone).
    tokenizer_path = minilm_dir() / TOKENIZER_FILE
    tokenizer = load_tokenizer(tokenizer_path, options.max_length)
    ids = {part: encode(tokenizer, getattr(split, part).texts) for part in ("train", "val", "test")}
    if options.encoder_weights:
        shipped = _imported_encoder(Path(options.encoder_weights), n)
        report.update(selected_student=f"imported encoder {Path(options.encoder_weights).name}")
        architecture: dict[str, Any] = {"kind": "teacher", "base": "all-MiniLM-L6-v2"}
    else:
        shipped = _best_student(
            split, ids, (base_val, base_test), options, work_dir, data_key, report
        )
        architecture = {"kind": "student", "shape": asdict(options.shape), "vocab_size": 30522}

    # Export, quantise, and build the model directory.
    output_dir.mkdir(parents=True, exist_ok=True)
    fp32_path = export_onnx(shipped, work_dir / f"student_fp32_{data_key}.onnx")
    quantize_int8(fp32_path, output_dir / ONNX_FILE)
    shutil.copyfile(fp32_path, work_dir / "student_fp32.onnx")
    shutil.copyfile(tokenizer_path, output_dir / TOKENIZER_FILE)
    head.save(output_dir / TFIDF_HEAD_FILE)
    if options.include_torch_weights:
        torch.save(shipped.state_dict(), output_dir / TORCH_FILE)
    metadata = ModelMetadata(
        name=f"{task.name}-{'minilm' if options.encoder_weights else 'student'}",
        task=task.name,
        version=options.version,
        training_data_sha256=task.data_hash,
        labels=names,
        max_length=options.max_length,
        tfidf_head=TFIDF_HEAD_FILE,
        architecture={**architecture, "quantisation": "onnxruntime dynamic int8 (weights)"},
        transformer_margin_bounds=transformer_margin_bounds(shipped),
        split={
            "seed": options.seed,
            "val_share": options.val_share,
            "test_share": options.test_share,
            **split.describe(),
        },
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        abstention=_abstention(split.train.texts) if options.abstention else {},
    )
    metadata.write(output_dir)

    # Calibrate through the int8 runtime itself: hybrid weight, temperature, thresholds.
    runtime = TextClassifier.load(output_dir)
    runtime.metadata.tfidf_weight = 0.0
    int8_val, int8_test = runtime.logits(split.val.texts), runtime.logits(split.test.texts)
    report["models"]["student_int8_transformer_only"] = classification_metrics(
        split.test.labels, int8_test.argmax(1), n
    )
    weight = _best_hybrid_weight(int8_val, base_val, split.val.labels, n)
    combined_val = int8_val + weight * base_val
    metadata.tfidf_weight = weight
    metadata.temperature = fit_temperature(combined_val, split.val.labels)
    val_probs = softmax(combined_val / metadata.temperature)
    metadata.thresholds = fit_thresholds(
        val_probs, split.val.labels, names, options.target_precision
    )
    metadata.write(output_dir)

    final = TextClassifier.load(output_dir)
    test_probs = final.probabilities(split.test.texts)
    predicted = test_probs.argmax(1)
    report["models"]["student_int8"] = classification_metrics(split.test.labels, predicted, n)
    routing = routing_report(test_probs, split.test.labels, names, metadata.thresholds)
    report["never_routed"] = sorted(k for k, v in metadata.thresholds.items() if v > 1)
    uncalibrated = softmax(int8_test + weight * base_test)
    report.update(
        hybrid_weight=weight,
        temperature=metadata.temperature,
        thresholds=metadata.thresholds,
        routing=routing.as_dict(),
        target_precision=options.target_precision,
        ece={
            "uncalibrated": round(expected_calibration_error(uncalibrated, split.test.labels), 4),
            "calibrated": round(expected_calibration_error(test_probs, split.test.labels), 4),
        },
    )
    plot_confusion(
        split.test.labels,
        predicted,
        names,
        output_dir / "confusion_matrix.png",
        "Hybrid int8 student, test split (row-normalised)",
    )
    plot_reliability(
        {"uncalibrated": uncalibrated, "temperature-scaled": test_probs},
        split.test.labels,
        output_dir / "reliability.png",
    )
    metadata.metrics = report
    metadata.write(output_dir)
    write_model_card(output_dir, report)
    log.info("report %s", json.dumps(report["models"]))
    return report
