"""The log training data: attack payload variety, benign look-alikes across formats, the fair
benign sample, and the held-out-system false-positive evaluation."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from classifiers.logs.dataset import GENERATED, LabelledLine, _distinct, _fair_quotas
from classifiers.logs.evaluation import leave_one_system_out
from classifiers.logs.generator import generate
from classifiers.logs.payloads import benign_path, sql_injection
from classifiers.parsing import ParseOptions, parse


def test_sql_injections_take_many_spellings() -> None:
    rng = random.Random(1)
    paths = [sql_injection(rng) for _ in range(2000)]
    union = [p for p in paths if re.search(r"union", p, re.IGNORECASE)]
    separators = {
        m.group(1) for p in union for m in [re.search(r"(?i)union(\+|%20|/\*\*/)", p)] if m
    }
    assert separators == {"+", "%20", "/**/"}
    assert any("%27" in p for p in union) and any("'" in p for p in union)
    assert len(set(paths)) > 1500


def test_benign_queries_share_the_words_of_attacks() -> None:
    rng = random.Random(2)
    queries = " ".join(benign_path(rng) for _ in range(500)).lower()
    for word in ("select", "union", "order", "script", "../"):
        assert word in queries


def test_benign_lines_span_formats_and_harmless_error_words() -> None:
    options = ParseOptions()
    benign = [line.text for line in generate(4000, seed=3) if line.label == "benign"]
    formats = Counter(
        parse(text.encode(), options)["logwarden"]["parse"]["format"]  # type: ignore[index]
        for text in benign
    )
    assert len(formats) >= 8, formats
    wordy = [t for t in benign if re.search(r"(?i)error|failed|timed out|interrupted|denied", t)]
    assert len(wordy) >= 0.03 * len(benign)


def test_fair_quotas_give_unused_share_to_larger_sources() -> None:
    assert _fair_quotas({"a": 10, "b": 500, "c": 500}, 300) == {"a": 10, "b": 145, "c": 145}
    assert _fair_quotas({"a": 10, "b": 20}, 300) == {"a": 10, "b": 20}


def test_benign_sample_keeps_each_systems_commonest_texts() -> None:
    lines: list[LabelledLine] = []
    texts: list[str] = []

    def add(text: str, label: str, source: str, times: int = 1) -> None:
        for _ in range(times):
            lines.append(LabelledLine(text, label, source))
            texts.append(text)

    add("WARN: routine queue worker stopping", "benign", "Small", times=200)
    for i in range(30):
        add(f"INFO: small line {i}", "benign", "Small")
    for i in range(2000):
        add(f"INFO: block blk_{i} served", "benign", "Huge")
    for i in range(40):
        add(f"INFO: generated look-alike {i}", "benign", GENERATED)
    add("ERROR: disk failed", "storage", "Huge", times=3)
    kept = [texts[i] for i in _distinct(lines, texts, benign_cap=60, seed=1)]
    assert "WARN: routine queue worker stopping" in kept
    assert "ERROR: disk failed" in kept and len(kept) == len(set(kept))
    assert sum(t.startswith("INFO: generated") for t in kept) == 40
    assert sum(t.startswith("INFO: block") for t in kept) == 30
    assert sum("small" in t for t in kept) == 29  # Small's share of 30, its commonest text first


@pytest.mark.data
def test_unseen_zookeeper_routine_warnings_do_not_alert(shared_data: Path) -> None:
    """Zookeeper left out (only generated data and BGL in training): its routine WARN lines
    were 57% false positives before the benign look-alikes; the target is <= 2%."""
    result = leave_one_system_out(systems=("Zookeeper",))["Zookeeper"]
    assert result["benign_lines"] > 1500
    assert result["fp_rate"] <= 0.02, result
