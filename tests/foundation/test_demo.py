"""``logwarden demo`` runs the whole product end to end and leaves nothing running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import psutil
import pytest

from connectors.es_assets.templates import tickets_index
from stream.demo import demo_lines

ROOT = Path(__file__).resolve().parents[2]
MARK = "LW_TEST_DEMO_MARK"  # not LOGWARDEN_*: the demo passes other variables on


def marked_processes(mark: str) -> list[str]:
    """Live processes that inherited the demo's environment marker (its broker and workers)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get(MARK) == mark:
                found.append(" ".join(process.info["cmdline"] or []))
        except psutil.Error:
            continue  # gone meanwhile, or not ours to inspect
    return found


@pytest.mark.slow
def test_demo_end_to_end_leaves_no_process(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    output = tmp_path / "alerts.ndjson"
    result = subprocess.run(
        [sys.executable, "-m", "stream.cli", "demo", "--lines", "600", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=tmp_path,
        # PYTHONPATH: this checkout's code, not whatever an editable install points at.
        env={**os.environ, MARK: mark, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "events in" in result.stdout and str(len(demo_lines(600))) in result.stdout
    assert "throughput" in result.stdout

    lines = output.read_bytes().splitlines()
    assert lines and len(lines) % 2 == 0
    actions, documents = lines[0::2], lines[1::2]
    for action, document in zip(actions, documents, strict=True):
        verb, meta = next(iter(orjson.loads(action).items()))
        index = meta["_index"]
        assert verb == "create"
        assert index.startswith("logs-logwarden.") or index == tickets_index("default"), index
        assert "@timestamp" in orjson.loads(document)
    alerts = [orjson.loads(d) for d in documents if b'"alert"' in d]
    assert alerts, "the sample contains attacks and faults, so the demo must raise alerts"

    time.sleep(0.5)
    assert marked_processes(mark) == []
