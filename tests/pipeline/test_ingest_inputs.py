"""Shipper envelopes, multiline joining and declared formats through the real log batch
processor (shipped models, NDJSON sink): what lands in the documents."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from connectors.bulk_sinks import NdjsonBulkSink
from stream.components import ComponentError, load_components
from stream.config import Settings
from stream.records import RawRecord
from tests.pipeline.in_process import process_in_process

SSHD = (
    "Dec  4 10:11:12 web1 sshd[2213]: Failed password for invalid user admin from "
    "198.51.100.23 port 41112 ssh2"
)
FILEBEAT = orjson.dumps({
    "@timestamp": "2026-12-04T10:11:13.000Z",
    "@metadata": {"beat": "filebeat", "type": "_doc", "version": "8.11.0"},
    "log": {"offset": 7, "file": {"path": "/var/log/auth.log"}},
    "message": SSHD,
    "host": {"name": "web1"},
    "agent": {"type": "filebeat", "version": "8.11.0"},
})  # fmt: skip
CRI = (
    b"2026-12-04T10:11:12.123456789Z stderr F 2017-05-16 00:00:00.008 25746 ERROR "
    b"nova.compute.manager [req-1] Instance failed to spawn"
)
TRACE = (
    b"2026-12-04 10:11:12,345 ERROR [main] com.example.App - request failed",
    b"java.lang.IllegalStateException: pool exhausted",
    b"\tat com.example.Pool.take(Pool.java:42)",
)


def _documents(tmp_path: Path, settings: Settings, values: list[bytes]) -> dict[str, dict]:
    """``_id`` -> document of everything the batch wrote for ``values`` (offsets 0..n-1)."""
    components = load_components(settings)
    records = [RawRecord("logs.raw", 0, n, value) for n, value in enumerate(values)]

    async def run() -> None:
        sink = NdjsonBulkSink(settings.output_file)
        await process_in_process(settings, components, sink, logs=records)
        await sink.close()

    asyncio.run(run())
    lines = [orjson.loads(line) for line in settings.output_file.read_bytes().splitlines()]
    return {a["create"]["_id"]: d for a, d in zip(lines[0::2], lines[1::2], strict=True)}


def test_envelopes_and_a_trace_become_the_right_documents(models: None, tmp_path: Path) -> None:
    settings = Settings(events_sample_rate=1.0, output_file=tmp_path / "out.ndjson")
    docs = _documents(tmp_path, settings, [FILEBEAT, CRI, *TRACE])
    assert sorted(docs) == ["logs.raw-0-0", "logs.raw-0-1", "logs.raw-0-2"]
    sshd = docs["logs.raw-0-0"]
    assert sshd["source"]["ip"] == "198.51.100.23" and sshd["event"]["outcome"] == "failure"
    assert sshd["log"]["file"]["path"] == "/var/log/auth.log"
    assert sshd["agent"]["type"] == "filebeat"
    nova = docs["logs.raw-0-1"]
    assert nova["@timestamp"] == "2017-05-16T00:00:00.008Z"
    assert nova["log"]["level"] == "error" and nova["process"]["pid"] == 25746
    assert nova["logwarden"]["envelope"] == {"format": "cri", "stream": "stderr"}
    trace = docs["logs.raw-0-2"]
    assert trace["message"].endswith("at com.example.Pool.take(Pool.java:42)")
    assert trace["log"]["level"] == "error"


def test_multiline_off_keeps_one_document_per_record(models: None, tmp_path: Path) -> None:
    settings = Settings(
        events_sample_rate=1.0, output_file=tmp_path / "out.ndjson", multiline=False
    )
    assert len(_documents(tmp_path, settings, list(TRACE))) == len(TRACE)


def test_declared_formats_file_is_checked_when_the_worker_loads(
    models: None, tmp_path: Path
) -> None:
    formats = tmp_path / "formats.yml"
    formats.write_text("sources:\n  - name: pay\n    grok: '%{NOPE:x}'\n", encoding="utf-8")
    with pytest.raises(ComponentError, match="source 'pay': grok pattern"):
        load_components(Settings(formats_file=formats))
