"""``logwarden parse`` and ``logwarden bench parse|layouts`` through the real typer app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from classifiers.shared_data import shared_data_dir
from stream.cli.apps import app

runner = CliRunner()

LINES = [
    b"Mar  3 10:15:08 web1 sshd[2213]: Invalid user admin from 198.51.100.23 port 41112",
    b'{"broken": ',
    b"",
    b"just some words",
    b"\xff\xfe not utf8",
    b"CEF:0|V|P|1|7|Blocked|5|src=10.0.0.1",
]


def _rows(output: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in output.splitlines()]


def test_one_object_per_line_in_order_from_a_file(tmp_path: Path) -> None:
    source = tmp_path / "in.log"
    source.write_bytes(b"\n".join(LINES) + b"\n")
    result = runner.invoke(app, ["parse", str(source)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout_bytes)
    assert len(rows) == len(LINES)
    assert rows[0]["user"] == {"name": "admin"}
    assert rows[1]["error"]["type"] == "invalid_json"
    assert rows[1]["event"] == {"original": '{"broken":'}
    assert rows[2]["error"]["type"] == "empty"
    assert rows[3]["logwarden"]["parse"]["status"] == "unparsed"
    assert rows[4]["error"]["type"] == "invalid_encoding"
    assert rows[5]["event"]["dataset"] == "cef"


def test_stdin_and_forced_format() -> None:
    data = b"Mar  3 10:15:08 web1 app: hello\n" + LINES[5] + b"\n"
    result = runner.invoke(app, ["parse", "-", "--format", "cef"], input=data)
    assert result.exit_code == 0
    rows = _rows(result.stdout_bytes)
    assert rows[0]["error"]["type"] == "format_mismatch"
    assert rows[1]["logwarden"]["parse"]["format"] == "cef"


def test_loghub_format_option() -> None:
    line = b"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating\n"
    result = runner.invoke(app, ["parse", "--format", "loghub:HDFS"], input=line)
    assert result.exit_code == 0
    assert _rows(result.stdout_bytes)[0]["event"]["dataset"] == "loghub.hdfs"


def test_usage_errors_exit_non_zero(tmp_path: Path) -> None:
    assert runner.invoke(app, ["parse", "--format", "xml"], input=b"x\n").exit_code == 2
    missing = runner.invoke(app, ["parse", str(tmp_path / "nope.log")])
    assert missing.exit_code == 2
    assert missing.stdout_bytes == b""


def test_bench_parse_json() -> None:
    result = runner.invoke(
        app, ["bench", "parse", "--json", "--rounds", "1", "--mixed-lines", "500"]
    )
    assert result.exit_code == 0, result.output
    figures = orjson.loads(result.stdout_bytes)
    names = {row["name"] for row in figures["formats"]}
    assert {"syslog-auth", "rfc5424", "nginx", "cef", "json"} <= names
    assert figures["mixed"]["lines"] == 500
    assert figures["mixed"]["failed"] == 0
    assert all(row["lines_per_s"] > 0 for row in [*figures["formats"], figures["mixed"]])


def test_evtx_file_gives_one_object_per_record(tmp_path: Path) -> None:
    base = shared_data_dir()
    found = sorted((base / "evtx").rglob("CA_hashdump_4663_4656_lsass_access.evtx")) if base else []
    if not found:
        pytest.skip("shared EVTX recordings absent: set LOGWARDEN_SHARED_DATA")
    result = runner.invoke(app, ["parse", str(found[0])])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout_bytes)
    assert [row["event"]["code"] for row in rows] == ["4656", "4663"]
    assert all(row["logwarden"]["parser"]["alert"] for row in rows)
    broken = tmp_path / "broken.evtx"
    broken.write_bytes(b"not an event log")
    failed = runner.invoke(app, ["parse", str(broken)])
    assert failed.exit_code == 2
    assert "readable .evtx file" in " ".join(failed.output.split())


LAYOUT_SET = (
    "# A two-layout set.\n"
    "# first run: time 1/4, level 0/3\n"
    "app-dash\t2026-12-03T10:11:12.000Z\tinfo\t2026-12-03 10:11:12,000 - app - INFO - up\n"
    "app-dash\t2026-12-03T10:11:13.000Z\terror\t2026-12-03 10:11:13,000 - app - ERROR - down\n"
    "redis\t2026-12-03T10:11:14.123Z\t-\t1:M 03 Dec 2026 10:11:14.123 * Ready\n"
    # Wrong on purpose: the line says 10:11:15 and WARNING.
    "redis\t2026-12-03T10:11:16.000Z\twarning-x\t1:M 03 Dec 2026 10:11:15.000 # WARNING x\n"
)


def test_bench_layouts_scores_a_set_beside_its_first_run(tmp_path: Path) -> None:
    path = tmp_path / "tiny_layouts.tsv"
    path.write_text(LAYOUT_SET, encoding="utf-8")
    result = runner.invoke(app, ["bench", "layouts", "--json", str(path)])
    assert result.exit_code == 0, result.output
    figures = orjson.loads(result.stdout_bytes)
    (scored,) = figures["sets"]
    assert scored["sources"] == 2
    assert scored["now"] == {"timed": 3, "lines": 4, "leveled": 2, "with_level": 3}
    assert scored["first_run"] == {"timed": 1, "lines": 4, "leveled": 0, "with_level": 3}
    assert [(miss["field"], miss["got"]) for miss in scored["misses"]] == [
        ("level where none", "notice"), ("time", "2026-12-03T10:11:15.000Z"),
        ("level", "warning"),
    ]  # fmt: skip
    assert scored["levels_where_none"] == 1  # Redis' "*" marker: notice
    assert figures["all"]["now"] == scored["now"]
    table = runner.invoke(app, ["bench", "layouts", "--misses", str(path)])
    assert table.exit_code == 0, table.output
    assert "75.0%" in table.stdout  # today's time (the console may wrap the count above it)
    assert "25.0%" in table.stdout  # the first run's
    assert "expected 'warning-x'" in table.stdout


def test_bench_layouts_names_a_malformed_set(tmp_path: Path) -> None:
    path = tmp_path / "bad_layouts.tsv"
    path.write_text("only\ttwo columns\n", encoding="utf-8")
    result = runner.invoke(app, ["bench", "layouts", str(path)])
    assert result.exit_code == 2
    assert "bad_layouts.tsv:1: expected 4 tab-separated columns" in result.output
