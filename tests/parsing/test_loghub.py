"""Coverage on the real Loghub samples: every system's lines parse with a timestamp and
content, and the content matches Loghub's own field split (``*_structured.csv``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse

SYSTEMS = [
    "Android", "Apache", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp", "Linux", "Mac",
    "OpenSSH", "Spark", "Windows", "Zookeeper",
]  # fmt: skip
pytestmark = pytest.mark.data


def _sample(shared_data: Path, system: str) -> Path:
    name = "BGL_dev.log" if system == "BGL" else f"{system}_2k.log"
    path = shared_data / "loghub" / system / name
    if not path.exists():
        pytest.skip(f"Loghub sample {path} absent from the shared data")
    return path


@pytest.mark.parametrize("fmt", ["auto", "loghub"])
@pytest.mark.parametrize("system", SYSTEMS)
def test_at_least_99_percent_parse_with_timestamp_and_content(
    shared_data: Path, system: str, fmt: str
) -> None:
    lines = _sample(shared_data, system).read_bytes().splitlines()
    options = ParseOptions(format="auto" if fmt == "auto" else f"loghub:{system}")
    good = 0
    for line in lines:
        event = parse(line, options)
        if (
            not isinstance(event, ParseFailure)
            and event["logwarden"]["parse"]["status"] == "parsed"
            and event["@timestamp"]
            and event["message"].strip()
        ):
            good += 1
    assert good / len(lines) >= 0.99, f"{system}: {good}/{len(lines)} parsed"


@pytest.mark.parametrize("system", [s for s in SYSTEMS if s != "BGL"])
def test_content_matches_the_loghub_field_split(shared_data: Path, system: str) -> None:
    log = _sample(shared_data, system)
    structured = log.with_name(log.name + "_structured.csv")
    if not structured.exists():
        pytest.skip(f"{structured} absent")
    with structured.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = list(csv.DictReader(handle))
    options = ParseOptions(format=f"loghub:{system}", scrub_secrets=False)
    lines = log.read_bytes().splitlines()
    same = sum(
        1
        for row, line in zip(rows, lines, strict=False)
        if isinstance(event := parse(line, options), dict)
        and event["message"].strip() == row["Content"].strip()
    )
    # Apache error lines keep "[client ip]" out of the message (it becomes source.ip) and a
    # few Mac tags hold spaces: everything else must split exactly as Loghub does.
    assert same / len(rows) >= 0.9, f"{system}: {same}/{len(rows)} contents match"


def test_loghub_fields(shared_data: Path) -> None:
    hdfs = _sample(shared_data, "HDFS").read_bytes().splitlines()[0]
    event = parse(hdfs, ParseOptions(format="loghub:HDFS"))
    assert not isinstance(event, ParseFailure)
    assert event["@timestamp"] == "2008-11-09T20:36:15.000Z"
    assert event["log"] == {"level": "info", "logger": "dfs.DataNode$PacketResponder"}
    assert event["process"] == {"pid": 148}
    assert event["event"]["dataset"] == "loghub.hdfs"
    lines = _sample(shared_data, "BGL").read_bytes().splitlines()
    bgl = next(line for line in lines if not line.startswith(b"-"))
    event = parse(bgl)
    assert not isinstance(event, ParseFailure)
    assert event["logwarden"]["loghub"]["label"] != "-"
    assert event["logwarden"]["parse"]["format"] == "loghub:BGL"
