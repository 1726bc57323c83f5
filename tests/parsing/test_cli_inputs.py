"""``logwarden parse`` on rotated .gz files, with --multiline, --explain and --formats."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from classifiers.parsing import infer
from stream.cli.apps import app

runner = CliRunner()
NOVA = [
    b"2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-1] GET /v2",
    b"2017-05-16 00:00:01.010 25746 ERROR nova.compute.manager [req-2] boom",
    b"Traceback (most recent call last):",
    b'  File "manager.py", line 12, in run',
    b"ValueError: bad",
    b"2017-05-16 00:00:02.000 25747 WARNING nova.virt slow",
]


@pytest.fixture(autouse=True)
def fresh_layouts() -> None:
    infer.forget()


def _rows(output: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in output.splitlines()]


def _write(path: Path, lines: list[bytes], *, gz: bool) -> Path:
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_gz_file_reads_like_the_plain_file(tmp_path: Path) -> None:
    plain = runner.invoke(app, ["parse", str(_write(tmp_path / "n.log", NOVA, gz=False))])
    packed = runner.invoke(app, ["parse", str(_write(tmp_path / "n.log.1.gz", NOVA, gz=True))])
    assert plain.exit_code == packed.exit_code == 0
    assert _own_time(_rows(packed.stdout_bytes)) == _own_time(_rows(plain.stdout_bytes))
    assert len(_rows(packed.stdout_bytes)) == len(NOVA)


def _own_time(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows without the ingest time of unparsed lines (it differs between two runs)."""
    for row in rows:
        if row["logwarden"]["parse"]["status"] == "unparsed":
            del row["@timestamp"]
    return rows


def test_gz_on_stdin() -> None:
    result = runner.invoke(app, ["parse", "-"], input=gzip.compress(b"\n".join(NOVA[:2])))
    assert [row["log"]["level"] for row in _rows(result.stdout_bytes)] == ["info", "error"]


def test_truncated_gz_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(b"\n".join(NOVA) * 50)[:60])
    assert runner.invoke(app, ["parse", str(path)]).exit_code == 2


def test_multiline_joins_the_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path / "n.log.gz", NOVA, gz=True)
    rows = _rows(runner.invoke(app, ["parse", "--multiline", str(path)]).stdout_bytes)
    assert len(rows) == 3
    assert rows[1]["log"]["level"] == "error"
    assert rows[1]["message"].endswith("ValueError: bad")
    assert rows[1]["process"]["pid"] == 25746


def test_explain_prints_the_inferred_layout(tmp_path: Path) -> None:
    path = _write(tmp_path / "nova.log", NOVA, gz=False)
    result = runner.invoke(app, ["parse", "--explain", str(path)])
    assert result.exit_code == 0
    assert "inferred" in result.stdout
    assert "timestamp: ISO8601" in result.stdout
    assert "fields: level, logger, pid" in result.stdout


def test_invalid_formats_file_exits_2_naming_source_and_pattern(tmp_path: Path) -> None:
    formats = tmp_path / "formats.yml"
    formats.write_text("sources:\n  - name: pay\n    grok: '%{NOPE:x}'\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", "--formats", str(formats), "-"], input=b"x\n")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())  # the console may wrap a long temporary path
    assert "source 'pay'" in said and "%{NOPE}" in said


def test_formats_file_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formats = tmp_path / "formats.yml"
    formats.write_text(
        "sources:\n  - name: kv\n    grok: 'id=%{INT:event.id} %{GREEDYDATA:message}'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOGWARDEN_FORMATS_FILE", str(formats))
    from stream.config import get_settings

    get_settings.cache_clear()
    try:
        rows = _rows(runner.invoke(app, ["parse", "-"], input=b"id=42 hello\n").stdout_bytes)
    finally:
        get_settings.cache_clear()
    assert rows[0]["event"]["id"] == "42"
    assert rows[0]["logwarden"]["parse"]["format"] == "declared:kv"
