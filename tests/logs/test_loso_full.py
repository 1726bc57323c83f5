"""The full-recipe leave-one-system-out run on a tiny slice: the shipped training pipeline
(a few student steps) trained without one Loghub system, which its int8 model then scores."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from classifiers.logs.dataset import (
    BGL_SYSTEM,
    GENERATED,
    background_lines,
    corpus_lines,
    texts_of,
)
from classifiers.logs.evaluation import LOSO_FULL_FILE
from classifiers.logs.taxonomy import BENIGN
from classifiers.logs.training import (
    LOSO_FULL_DIR,
    loso_recipe_options,
    write_leave_one_system_out_full,
)
from classifiers.runtime import TextClassifier
from classifiers.sparse_linear import TOKEN_PATTERN
from classifiers.training.loop import TrainConfig
from classifiers.training.modeling import StudentShape

SYSTEMS = ("OpenSSH", "Zookeeper")
GENERATED_LINES = 300


def _words(texts: list[str]) -> set[str]:
    return {word for text in texts for word in re.findall(TOKEN_PATTERN, text.lower())}


@pytest.mark.data
def test_left_out_system_is_unseen_and_scored_line_by_line(
    shared_data: Path, tmp_path: Path
) -> None:
    options = replace(
        loso_recipe_options(seed=5),
        student=TrainConfig(epochs=1, max_steps=4, batch_size=16, learning_rate=1e-3, seed=5),
        shape=StudentShape(layers=1, hidden=32, heads=2, intermediate=64),
        seed_embeddings=False,
    )
    path = write_leave_one_system_out_full(
        tmp_path, options, left_out=("Zookeeper",), systems=SYSTEMS, generated=GENERATED_LINES
    )
    figure = json.loads(path.read_text())
    assert path.name == LOSO_FULL_FILE and figure["systems_missing"] == ["OpenSSH"]
    result = figure["fp_rates"]["Zookeeper"]
    assert result["trained_on_systems"] == ["OpenSSH"]

    # Rates come from every benign line of the left-out system, scored one by one.
    benign = [line.raw for line in background_lines("Zookeeper") if line.label == BENIGN]
    assert result["benign_lines"] == len(benign)
    assert result["fp_rate"] == round(result["false_positives"] / len(benign), 4)
    assert sum(result["fp_labels"].values()) == result["false_positives"]
    examples = result["fp_examples"]
    assert sum(e["count"] for e in examples) <= result["false_positives"]
    assert {e["line"] for e in examples} <= set(benign)
    assert figure["fp_rate_max"] == result["fp_rate"]

    # The model it wrote never saw Zookeeper: no word found only in Zookeeper's lines is in its
    # TF-IDF vocabulary, while words found only in OpenSSH's lines (trained on) are.
    parts = corpus_lines(GENERATED_LINES, seed=5, systems=SYSTEMS)
    lines = [*parts.train, *parts.val]
    by_source = {
        source: _words(texts_of([line for line in lines if line.source == source]))
        for source in (*SYSTEMS, GENERATED, BGL_SYSTEM)
    }
    only = {
        system: by_source[system].difference(*(w for s, w in by_source.items() if s != system))
        for system in SYSTEMS
    }
    model = TextClassifier.load(tmp_path / LOSO_FULL_DIR / "Zookeeper" / "model")
    assert model.tfidf is not None
    terms = set(model.tfidf.terms)
    assert only["Zookeeper"] and not only["Zookeeper"] & terms
    assert only["OpenSSH"] & terms

    # A rerun reads the cached result back instead of training again.
    onnx = tmp_path / LOSO_FULL_DIR / "Zookeeper" / "model" / "model.onnx"
    written = onnx.stat().st_mtime_ns
    again = write_leave_one_system_out_full(
        tmp_path, options, left_out=("Zookeeper",), systems=SYSTEMS, generated=GENERATED_LINES
    )
    assert json.loads(again.read_text())["fp_rates"]["Zookeeper"] == result
    assert onnx.stat().st_mtime_ns == written
