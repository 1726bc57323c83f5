# ruff: noqa: E501
"""Scenario generator, Loghub labelling data files, and the ``classify logs`` command."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from classifiers.logs.dataset import BGL_TAG_LABELS, bgl_label, template_labels
from classifiers.logs.evaluation import read_hand_labelled
from classifiers.logs.generator import generate
from classifiers.logs.model import SHIPPED_LOG_MODEL
from classifiers.logs.taxonomy import LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse
from stream.cli.apps import app


def test_generator_is_seeded_and_covers_every_label() -> None:
    first = list(generate(600, seed=5))
    assert first == list(generate(600, seed=5))
    assert first != list(generate(600, seed=6))
    counts = Counter(line.label for line in first)
    assert set(counts) == set(LABELS)
    assert counts["benign"] > 150
    assert len({line.text for line in first}) > 550


def test_generated_lines_are_in_formats_the_parser_reads() -> None:
    options = ParseOptions()
    statuses: Counter[str] = Counter()
    for line in generate(400, seed=9):
        event = parse(line.text.encode(), options)
        assert not isinstance(event, ParseFailure), line.text
        statuses[event["logwarden"]["parse"]["status"]] += 1
    assert statuses["parsed"] >= 0.97 * 400


def test_template_label_map_uses_taxonomy_labels() -> None:
    labels = template_labels()
    assert labels[("OpenSSH", "E9")] == "auth_failure"  # Failed password for <*> ...
    assert set(labels.values()) <= set(LABELS)
    assert set(BGL_TAG_LABELS.values()) <= set(LABELS)
    assert bgl_label("-") == "benign" and bgl_label("KERNDTLB") == "hardware_fault"


@pytest.mark.data
def test_template_label_map_matches_loghub_templates(shared_data: Path) -> None:
    for (system, event_id), _ in template_labels().items():
        path = shared_data / "loghub" / system / f"{system}_2k.log_templates.csv"
        with path.open(encoding="utf-8", errors="replace") as handle:
            ids = {row["EventId"] for row in csv.DictReader(handle)}
        assert event_id in ids, (system, event_id)


def test_hand_labelled_set_is_large_and_valid() -> None:
    hand = read_hand_labelled(Path(__file__).parent / "hand_labelled.tsv")
    assert len(hand) >= 200
    assert len({h.source for h in hand}) == 13
    assert len({h.label for h in hand}) >= 7


@pytest.mark.skipif(not (SHIPPED_LOG_MODEL / "metadata.json").exists(), reason="no model")
def test_classify_logs_one_json_line_per_input_in_order(tmp_path: Path) -> None:
    lines = [
        b"Mar  3 09:20:11 bastion-2 sshd[7711]: Failed password for root from 45.141.84.10 port 41888 ssh2",
        b"\xff\xfe not utf-8 \x00",
        b"Mar  3 09:20:12 bastion-2 sshd[7712]: Failed password for root from 45.141.84.10 port 41890 ssh2",
        b"Mar  3 09:21:00 bastion-2 sshd[7720]: Accepted publickey for deploy from 10.0.0.8 port 50000 ssh2",
    ]
    source = tmp_path / "auth.log"
    source.write_bytes(b"\n".join(lines) + b"\n")
    state = tmp_path / "state.json"
    result = CliRunner().invoke(app, ["classify", "logs", str(source), "--state", str(state)])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 3, 4]
    assert rows[0]["label"] == "auth_failure" and rows[0]["alert"] is True
    assert rows[0]["template"]["id"] == rows[2]["template"]["id"]
    assert rows[2]["novelty"] < rows[0]["novelty"]
    assert "error" in rows[1] and rows[1]["alert"] is False
    assert rows[3]["alert"] is False
    for row in (rows[0], rows[3]):
        assert {"label", "probability", "risk_score", "severity", "template", "explanation"} <= set(
            row
        )
    assert state.exists()
    again = CliRunner().invoke(app, ["classify", "logs", str(source), "--state", str(state)])
    assert orjson.loads(again.stdout.splitlines()[0])["novelty"] < 1.0
