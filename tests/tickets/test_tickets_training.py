"""The training machinery on a tiny slice: split, model directory, parity with torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from classifiers.datasets import file_sha256, stratified_split, task_from_records
from classifiers.runtime import TextClassifier
from classifiers.training.loop import TrainConfig, train
from classifiers.training.modeling import StudentShape, build_student

pytestmark = [pytest.mark.slow, pytest.mark.data]


def test_split_is_stratified_disjoint_and_deterministic() -> None:
    labels = ["a"] * 60 + ["b"] * 30 + ["c"] * 10
    task = task_from_records("toy", [f"text {i}" for i in range(100)], labels, "hash")
    first, again = stratified_split(task, seed=3), stratified_split(task, seed=3)
    other = stratified_split(task, seed=4)
    assert first.train.texts == again.train.texts and first.test.texts == again.test.texts
    assert first.test.texts != other.test.texts
    parts = [set(first.train.texts), set(first.val.texts), set(first.test.texts)]
    assert sum(len(p) for p in parts) == 100 and len(set.union(*parts)) == 100
    assert np.bincount(first.test.labels).tolist() == [12, 6, 2]


def test_tiny_run_writes_a_loadable_model_directory(tiny_run, shared_data) -> None:  # type: ignore[no-untyped-def]
    files = {p.name for p in tiny_run.model_dir.iterdir()}
    assert {
        "model.onnx",
        "tokenizer.json",
        "labels.json",
        "metadata.json",
        "tfidf_head.npz",
        "MODEL_CARD.md",
        "confusion_matrix.png",
        "reliability.png",
    } <= files
    metadata = json.loads((tiny_run.model_dir / "metadata.json").read_text())
    assert metadata["version"] and metadata["split"]["seed"] == 7
    assert metadata["training_data_sha256"] == file_sha256(shared_data / "tickets" / "tickets.csv")
    classifier = TextClassifier.load(tiny_run.model_dir)
    predictions = classifier.classify(tiny_run.split.test.texts[:10])
    assert [p.label in classifier.labels for p in predictions] == [True] * 10
    assert set(tiny_run.report["models"]) >= {
        "baseline",
        "student_plain",
        "student_distilled",
        "student_int8",
    }


def test_onnx_runtime_matches_the_torch_model_it_was_exported_from(tiny_run) -> None:  # type: ignore[no-untyped-def]
    """fp32 ONNX logits equal torch's within 1e-4; int8 labels agree on >= 95% of texts."""
    texts = tiny_run.split.val.texts + tiny_run.split.test.texts
    torch_model = TextClassifier.load(tiny_run.model_dir, backend="torch")
    fp32 = TextClassifier.load(
        tiny_run.model_dir, onnx_file=tiny_run.work_dir / "student_fp32.onnx"
    )
    int8 = TextClassifier.load(tiny_run.model_dir)
    for model in (torch_model, fp32, int8):
        model.metadata.tfidf_weight = 0.0  # compare the transformers alone
    reference = torch_model.logits(texts)
    assert np.abs(fp32.logits(texts) - reference).max() < 1e-4
    for model in (torch_model, int8):
        model.metadata.tfidf_weight = tiny_run.report["hybrid_weight"]
    agreement = np.mean(int8.logits(texts).argmax(1) == torch_model.logits(texts).argmax(1))
    assert agreement >= 0.95


def test_margin_bounds_hold_for_the_fp32_weights_on_any_input(tiny_run) -> None:  # type: ignore[no-untyped-def]
    """The stored bounds, less the int8 slack, hold for torch on real texts and random ids."""
    from classifiers.training.export import INT8_MARGIN_SLACK

    model = TextClassifier.load(tiny_run.model_dir, backend="torch")
    bounds = np.asarray(model.metadata.transformer_margin_bounds) - INT8_MARGIN_SLACK
    np.fill_diagonal(bounds, 0.0)  # a logit never exceeds itself; no slack there
    n = len(model.labels)
    assert bounds.shape == (n, n)
    model.metadata.tfidf_weight = 0.0
    real = model.logits(tiny_run.split.val.texts + tiny_run.split.test.texts)
    generator = np.random.default_rng(3)
    ids = generator.integers(1000, 30000, size=(256, 24))
    mask = (np.arange(24)[None, :] < generator.integers(1, 25, size=(256, 1))).astype(np.int64)
    random = model.backend.logits(ids, mask)
    for logits in (real, random):
        margins = logits[:, None, :] - logits[:, :, None]  # [row, i, j] = logit_j - logit_i
        assert np.all(margins <= bounds + 1e-4), float((margins - bounds).max())


def test_training_is_deterministic_given_the_seed() -> None:
    ids = [[101, 2000 + i % 50, 2100 + i % 7, 102] for i in range(64)]
    labels = np.array([i % 3 for i in range(64)])
    config = TrainConfig(epochs=1, batch_size=16, learning_rate=1e-3, seed=5)
    weights = []
    for _ in range(2):
        torch.manual_seed(5)
        model = build_student(
            3, 30522, StudentShape(layers=1, hidden=32, heads=2, intermediate=64), None
        )
        train(model, ids, labels, config)
        weights.append(torch.cat([p.detach().flatten() for p in model.parameters()]))
    assert torch.equal(weights[0], weights[1])


def test_runtime_import_needs_neither_torch_nor_transformers() -> None:
    code = (
        "import sys, classifiers.runtime, classifiers.runtime.input_lines;"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_model_card_reproduce_command_parses_back_to_the_run_options(tiny_run) -> None:  # type: ignore[no-untyped-def]
    import shlex

    import typer

    from classifiers.training.model_card import reproduce_command
    from stream.cli.apps import train_app

    options = tiny_run.report["options"]
    args = shlex.split(reproduce_command(options))[3:]  # after "logwarden train tickets"
    group = typer.main.get_command(train_app)
    command = group.commands["tickets"]  # type: ignore[attr-defined]
    params = command.make_context("tickets", args).params
    assert params["seed"] == options["seed"]
    assert params["limit"] == options["limit"]
    assert params["student_epochs"] == options["student"]["epochs"]
    assert params["student_steps"] == options["student"]["max_steps"]
    assert params["max_length"] == options["max_length"]
    assert params["model_version"] == options["version"]
    shape = {key: params[f"student_{key}"] for key in options["shape"] if key != "max_positions"}
    assert shape == {k: v for k, v in options["shape"].items() if k != "max_positions"}
    assert params["minilm_teacher"] == options["use_minilm_teacher"]
