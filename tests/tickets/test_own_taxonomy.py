"""Bring your own taxonomy: ``train tickets`` on a team's CSV layout checks the data first,
refuses unusable data with what to do, fits thresholds that route on small data, and never
writes into the installed package. Real CLI runs (subprocess)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pytest

from classifiers.calibration import fit_thresholds
from classifiers.evaluation import routing_report

LOGWARDEN = [sys.executable, "-m", "stream.cli"]
LAYOUT = ["--text-column", "subject", "--text-column", "body", "--label-column", "group"]
TINY = ["--student-steps", "6", "--student-layers", "1", "--student-hidden", "64",
        "--student-intermediate", "128", "--no-minilm-teacher", "--max-length", "32"]  # fmt: skip


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [*LOGWARDEN, *args], capture_output=True, text=True, timeout=900, check=False,
        cwd=cwd, env=env,
    )  # fmt: skip


def export(shared_data: Path, path: Path, rows: int, rare: int = 0) -> Path:
    """``rows`` shared tickets re-laid out as ``subject,body,group`` (plus a ``rare`` queue)."""
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "tickets" / "tickets.csv").open(newline="") as handle:
        source = list(csv.DictReader(handle))[:rows]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", "body", "group"])
        for i, row in enumerate(source):
            words = row["Document"].split()
            group = "Rare" if i < rare else row["Topic_group"]
            writer.writerow([" ".join(words[:4]), " ".join(words[4:]), group])
    return path


def test_missing_label_column_names_it_and_lists_the_columns(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("subject,body,assignment_group\nvpn,down,Network\n")
    result = run_cli("train", "tickets", "--data", str(data), "--output", str(tmp_path / "m"))
    assert result.returncode == 2
    assert "no label column" in result.stderr
    assert "columns present: subject, body, assignment_group" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.data
def test_a_two_ticket_queue_is_refused_with_what_to_do(shared_data: Path, tmp_path: Path) -> None:
    data = export(shared_data, tmp_path / "export.csv", 300, rare=2)
    result = run_cli("train", "tickets", "--data", str(data), *LAYOUT, "--output", str(tmp_path))
    assert result.returncode == 2
    assert "queue 'Rare' has 2 ticket(s)" in result.stderr and "merge" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.data
def test_custom_data_never_goes_into_the_installed_package(
    shared_data: Path, tmp_path: Path
) -> None:
    package_models = Path(__file__).resolve().parents[2] / "classifiers" / "models" / "tickets"
    data = export(shared_data, tmp_path / "export.csv", 300)
    result = run_cli(
        "train", "tickets", "--data", str(data), *LAYOUT, "--output", str(package_models)
    )
    assert result.returncode == 2 and "refusing" in result.stderr


@pytest.mark.slow
@pytest.mark.data
def test_a_small_custom_taxonomy_trains_routes_and_describes_its_data(
    shared_data: Path, tmp_path: Path
) -> None:
    data = export(shared_data, tmp_path / "export.csv", 1000)
    result = run_cli(
        "train", "tickets", "--data", str(data), *LAYOUT, *TINY, "--work-dir",
        str(tmp_path / "work"), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    model = tmp_path / "models" / "tickets"  # the default output: the working directory's
    metadata = orjson.loads((model / "metadata.json").read_bytes())
    assert metadata["metrics"]["routing"]["coverage"] > 0
    assert "auto-routed" in result.stderr
    for queue in metadata["metrics"]["never_routed"]:
        assert f"queue {queue!r} cannot auto-route" in result.stderr
    card = (model / "MODEL_CARD.md").read_text()
    assert str(data) in card and "1000 tickets in" in card and "38,331" not in card
    assert metadata["abstention"]["languages"][0] == "en"
    routed = run_cli("classify", "tickets", str(data), "--text-column", "subject",
                     "--text-column", "body", "--model", str(model))  # fmt: skip
    assert len(routed.stdout.splitlines()) == 1000


def test_thresholds_route_classes_with_few_validation_tickets() -> None:
    """A queue with 8 validation tickets (the old fixed minimum was 20) can auto-route."""
    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1, 2], 8)
    probs = np.full((24, 3), 0.02)
    probs[np.arange(24), labels] = rng.uniform(0.7, 0.96, 24)
    probs /= probs.sum(axis=1, keepdims=True)
    thresholds = fit_thresholds(probs, labels, ["a", "b", "c"])
    assert all(value <= 1 for value in thresholds.values())
    report = routing_report(probs, labels, ["a", "b", "c"], thresholds)
    assert report.coverage > 0.5 and report.precision == 1.0
