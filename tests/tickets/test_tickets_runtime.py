"""The serving runtime: shipped model sanity, threshold routing, hostile input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.calibration import fit_temperature, fit_thresholds
from classifiers.evaluation import routing_report
from classifiers.runtime import TRIAGE_QUEUE, InvalidTextError, ModelDirError, TextClassifier

HAND_WRITTEN = [
    ("laptop charger broken need new charger laptop thank", "Hardware"),
    ("please activate access cards new visitors thank", "Access"),
    ("new starter start date please fill contract details administration officer", "HR Support"),
    ("purchase po new licence order please log purchase kind regards administrator", "Purchase"),
    (
        "need administrator rights install software local admin rights laptop",
        "Administrative rights",
    ),
]


@pytest.fixture(scope="module")
def shipped(shipped_model: Path) -> TextClassifier:
    return TextClassifier.load(shipped_model)


def test_shipped_model_scores_hand_written_tickets_sensibly(shipped: TextClassifier) -> None:
    predictions = shipped.classify([text for text, _ in HAND_WRITTEN])
    hits = [p.label == expected for p, (_, expected) in zip(predictions, HAND_WRITTEN, strict=True)]
    in_top3 = [
        expected in [lab for lab, _ in p.top3]
        for p, (_, expected) in zip(predictions, HAND_WRITTEN, strict=True)
    ]
    assert sum(hits) >= 4 and all(in_top3), predictions
    for prediction in predictions:
        assert 0 < prediction.confidence <= 1
        assert [prob for _, prob in prediction.top3] == sorted(
            (prob for _, prob in prediction.top3), reverse=True
        )


def test_shipped_model_is_small_and_says_where_it_came_from(shipped: TextClassifier) -> None:
    size = sum(p.stat().st_size for p in shipped.directory.iterdir()) / 1e6
    assert size <= 25
    assert len(shipped.metadata.training_data_sha256) == 64 and shipped.metadata.version
    assert (shipped.directory / "MODEL_CARD.md").is_file()


def test_low_confidence_goes_to_triage(shipped: TextClassifier) -> None:
    text = HAND_WRITTEN[0][0]
    confident = shipped.classify_one(text)
    label = confident.label
    original = dict(shipped.metadata.thresholds)
    try:
        shipped.metadata.thresholds[label] = 0.0
        assert shipped.classify_one(text).queue == label
        shipped.metadata.thresholds[label] = 1.01
        routed = shipped.classify_one(text)
        assert routed.queue == TRIAGE_QUEUE and routed.reason == "below_threshold"
        assert routed.label == label  # the best guess is still reported for the person
    finally:
        shipped.metadata.thresholds.clear()
        shipped.metadata.thresholds.update(original)


def test_bad_input_gets_a_clear_result_or_error(shipped: TextClassifier) -> None:
    huge = "printer broken " * 70_000  # about 1 MB
    results = shipped.classify(["", "   ", huge, b"caf\xff\xfe printer toner", "laptop broken"])
    assert [r.queue for r in results[:2]] == [TRIAGE_QUEUE, TRIAGE_QUEUE]
    assert results[0].reason == "empty_text"
    assert results[2].label in shipped.labels and results[3].label in shipped.labels
    with pytest.raises(InvalidTextError):
        shipped.classify([42])
    assert shipped.classify([]) == []


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelDirError, match=r"metadata\.json"):
        TextClassifier.load(tmp_path)


def test_thresholds_reach_the_target_precision_on_what_they_route() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=3000)
    logits = rng.normal(size=(3000, 3))
    logits[np.arange(3000), labels] += rng.uniform(0, 4, size=3000)
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    names = ["a", "b", "c"]
    thresholds = fit_thresholds(probs, labels, names, target_precision=0.95)
    report = routing_report(probs, labels, names, thresholds)
    assert report.precision >= 0.95 and 0 < report.coverage < 1
    assert routing_report(probs, labels, names, dict.fromkeys(names, 0.0)).coverage == 1.0


def test_temperature_scaling_softens_overconfident_scores() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, size=2000)
    logits = rng.normal(size=(2000, 4))
    logits[np.arange(2000), labels] += 1.0
    assert fit_temperature(logits * 5, labels) > 3


def test_temperature_stays_finite_when_validation_is_separable() -> None:
    """Every validation item right: plain NLL would push the temperature to the grid's floor
    (probability 1.0 everywhere); the Laplace-smoothed fit stops at a finite temperature whose
    mean top probability is about 1 - 1/(n + 1)."""
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, size=500)
    logits = rng.normal(size=(500, 4))
    logits[np.arange(500), labels] += 6.0
    temperature = fit_temperature(logits, labels)
    assert temperature > 0.5
    shifted = logits / temperature
    probabilities = np.exp(shifted - shifted.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    assert 0.99 < probabilities.max(axis=1).mean() < 0.9999


def test_sparse_head_scores_like_scikit_learn() -> None:
    """The numpy TF-IDF head (vectorised term lookup) equals the fitted scikit-learn model,
    including repeated words, unknown words, bigrams across a text boundary and empty text."""
    from classifiers.baseline import train_baseline

    texts = [
        "printer toner empty please order toner",
        "password reset for my account please",
        "laptop screen broken laptop charger",
        "new starter contract hr details",
        "printer jammed again printer",
        "reset password account locked",
        "laptop battery broken",
        "hr contract start date",
    ]
    labels = np.array([0, 1, 2, 3, 0, 1, 2, 3])
    baseline = train_baseline(texts, labels, "logreg", c=10.0, min_df=1)
    head = baseline.to_head(["printer", "access", "hardware", "hr"])
    probes = [
        "printer printer printer toner",
        "unknown words only here",
        "",
        "Password RESET, laptop!",
        "order toner",  # "toner" ends one probe and "order" starts the next: no bigram
        "hr details contract start date laptop charger broken",
    ]
    assert np.allclose(head.decision(probes), baseline.decision(probes), atol=1e-4)
    assert head.decision([]).shape == (0, 4)


def test_worker_threads_change_no_score(shipped_model: Path) -> None:
    """Model calls and tokenising on worker threads give the single-threaded scores, in order
    (a batch large enough to be tokenised in chunks and cut into many length buckets)."""
    texts = [text for text, _ in HAND_WRITTEN] * 30 + ["", "printer " * 500, "laptop"]
    serial = TextClassifier.load(shipped_model, threads=1)
    parallel = TextClassifier.load(shipped_model, threads=2)
    assert serial._pool is None and parallel._pool is not None
    assert np.array_equal(serial.probabilities(texts), parallel.probabilities(texts))
