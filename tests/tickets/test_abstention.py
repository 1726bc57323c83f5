"""Abstention: vague, near-empty and foreign-language tickets go to triage with a reason,
while ordinary tickets route as before. The held-out set (tests/tickets/data/should_triage.csv)
was written for this test, not drawn from the training data."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from classifiers.runtime.abstention import AbstentionPolicy, triage_reason
from classifiers.runtime.classifier import TextClassifier

HELD_OUT = Path(__file__).parent / "data" / "should_triage.csv"


def test_the_issue_examples_abstain_with_their_reason() -> None:
    vocabulary = {"access", "shared", "folder", "finance", "laptop", "screen", "broken", "replace"}
    policy = AbstentionPolicy()
    assert triage_reason("it doesn't work", vocabulary, policy) == "too_little_content"
    spanish = "Necesito acceso a la carpeta compartida de finanzas"
    assert triage_reason(spanish, vocabulary, policy) == "unsupported_language"
    assert triage_reason(spanish, vocabulary, replace(policy, languages=("en", "es"))) != (
        "unsupported_language"
    )
    assert triage_reason("laptop screen broken please replace", vocabulary, policy) is None
    odd = "laptop screen zorblax quuxifier frobnicator wibble"
    assert triage_reason(odd, vocabulary, policy) == "unfamiliar_text"


@pytest.mark.slow
def test_cli_sends_four_in_five_held_out_tickets_of_each_kind_to_triage(
    shipped_model: Path,
) -> None:
    with HELD_OUT.open(newline="") as handle:
        kinds = [row["kind"] for row in csv.DictReader(handle)]
    result = subprocess.run(
        [sys.executable, "-m", "stream.cli", "classify", "tickets", str(HELD_OUT)],
        capture_output=True,
        timeout=600,
        check=True,
    )
    out = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(kinds)
    triaged: dict[str, list[bool]] = defaultdict(list)
    for kind, row in zip(kinds, out, strict=True):
        triaged[kind].append(row["queue"] == "triage")
        assert (row["queue"] == "triage") == ("triage_reason" in row)
    shares = {kind: sum(flags) / len(flags) for kind, flags in triaged.items()}
    assert set(shares) == {"vague", "near_empty", "foreign"}
    assert min(shares.values()) >= 0.8, shares


@pytest.mark.slow
@pytest.mark.data
def test_abstention_keeps_the_auto_routed_share_of_ordinary_tickets(
    shipped_model: Path, shared_data: Path
) -> None:
    from benches.tickets import ticket_test_split

    model = TextClassifier.load(shipped_model, threads=1)
    assert model.abstention is not None
    texts = ticket_test_split(model.metadata, shared_data / "tickets" / "tickets.csv").texts
    with_checks = sum(p.auto_routed for p in model.classify(texts))
    model.metadata.abstention = {}
    del model.abstention
    without = sum(p.auto_routed for p in model.classify(texts))
    assert without - with_checks <= 0.002 * len(texts)
