"""Command-line contract of ``classify tickets`` and ``bench classifier`` (other checks use it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from benches.classifier import ROW_KEYS

pytestmark = [pytest.mark.slow]
LOGWARDEN = [sys.executable, "-m", "stream.cli"]


def run_cli(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*LOGWARDEN, *args],
        input=stdin,
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, **(env or {})},
    )


def lines(result: subprocess.CompletedProcess[bytes], returncode: int = 0) -> list[dict]:
    assert result.returncode == returncode, result.stderr.decode()
    return [orjson.loads(line) for line in result.stdout.splitlines()]


def test_classify_json_lines_in_order_with_ids(shipped_model: Path) -> None:
    stdin = b"\n".join(
        [
            b'{"id": "t-1", "text": "laptop screen broken replace"}',
            b'{"text": "grant access shared folder"}',
            b"this is not json",
            b'{"id": 9, "text": "caf\xff printer toner"}',
            b'{"id": 10, "text": ""}',
        ]
    )
    out = lines(run_cli("classify", "tickets", "-", stdin=stdin), returncode=1)
    assert [row["id"] for row in out] == ["t-1", 1, 2, 9, 10]
    assert "error" in out[2]
    for row in (out[0], out[1], out[3], out[4]):
        keys = {"id", "label", "confidence", "queue", "top3"}
        assert set(row) == (keys | {"triage_reason"} if row["queue"] == "triage" else keys)
        assert row["queue"] in (row["label"], "triage")
        assert len(row["top3"]) == 3 and row["top3"][0]["label"] == row["label"]
    assert (out[4]["queue"], out[4]["triage_reason"]) == ("triage", "empty_text")


def test_classify_csv_file_and_single_text(shipped_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "tickets.csv"
    source.write_text('Document,Topic_group\nlaptop broken,Hardware\n"access, folder",Access\n')
    assert len(lines(run_cli("classify", "tickets", str(source)))) == 2
    (single,) = lines(run_cli("classify", "tickets", "--text", "need admin rights install"))
    assert single["label"] and 0 < single["confidence"] <= 1


def test_classify_subject_body_csv_and_named_columns(shipped_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "Number,Title,Description\nINC1,Laptop,screen broken replace\nINC2,Access,"
        '"grant access, shared folder"\n'
    )
    out = lines(
        run_cli(
            "classify", "tickets", str(source), "--text-column", "Title",
            "--text-column", "Description", "--id-column", "Number",
        )
    )  # fmt: skip
    assert [row["id"] for row in out] == ["INC1", "INC2"]
    subject_body = tmp_path / "subject_body.csv"
    subject_body.write_text("id,subject,body\n1,printer,toner empty\n")
    assert lines(run_cli("classify", "tickets", str(subject_body)))[0]["id"] == "1"


def test_classify_missing_column_is_one_line_naming_it(shipped_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("subject,body\nprinter,toner\n")
    result = run_cli("classify", "tickets", str(source), "--text-column", "Title")
    assert result.returncode == 2 and result.stdout == b""
    message = result.stderr.decode()
    assert "'Title'" in message and "columns present: subject, body" in message
    assert "Traceback" not in message


def test_every_command_honours_the_ticket_model_path(shipped_model: Path, tmp_path: Path) -> None:
    custom = tmp_path / "custom"
    shutil.copytree(shipped_model, custom)
    metadata = orjson.loads((custom / "metadata.json").read_bytes())
    (custom / "metadata.json").write_bytes(orjson.dumps({**metadata, "version": "9.9.9"}))
    env = {
        "LOGWARDEN_TICKET_MODEL_PATH": str(custom),
        "LOGWARDEN_TICKET_QUEUES": '{"Hardware": "hw"}',
    }
    (tickets, logs) = orjson.loads(run_cli("models", "--json", env=env).stdout)
    assert (tickets["version"], tickets["source"], tickets["path"]) == (
        "9.9.9",
        "configured",
        str(custom),
    )
    assert tickets["queues"]["Hardware"] == "hw" and logs["source"] == "shipped"
    shown = run_cli("models", "show", "tickets", env=env)
    assert shown.returncode == 0 and b"# Model card" in shown.stdout and b"hw" in shown.stdout
    empty = {"LOGWARDEN_TICKET_MODEL_PATH": str(tmp_path / "nothing")}
    result = run_cli("classify", "tickets", "--text", "printer broken", env=empty)
    assert result.returncode == 2 and str(tmp_path / "nothing").encode() in result.stderr


def test_classify_unreadable_file_is_a_clear_error(shipped_model: Path, tmp_path: Path) -> None:
    result = run_cli("classify", "tickets", str(tmp_path / "absent.jsonl"))
    assert result.returncode == 2 and b"cannot read" in result.stderr


@pytest.mark.data
def test_bench_json_has_one_object_per_model_with_the_contract_keys(
    shipped_model: Path, shared_data: Path
) -> None:
    # The MiniLM teacher row is left out: it alone takes minutes on a 2-core machine.
    args = ("--task", "tickets", "--json", "--limit", "256", "--skip", "teacher")
    result = run_cli("bench", "classifier", *args)
    assert result.returncode == 0, result.stderr.decode()
    rows = orjson.loads(result.stdout)
    assert {"baseline", "student_int8"} <= set(rows) <= {"baseline", "student_fp32", "student_int8"}
    for row in rows.values():
        assert set(row) == set(ROW_KEYS)
        assert 0 <= row["macro_f1"] <= 1 and row["items_per_s"] > 0 and row["size_mb"] > 0


def test_bench_unknown_task_is_a_clear_error() -> None:
    result = run_cli("bench", "classifier", "--task", "nope")
    assert result.returncode == 2 and b"no benchmark" in result.stderr
