"""What the real pipeline writes fits the installed mappings: every field mapped, every value
of its mapped type, for alerts, scored events, dead-letter error documents and tickets.

The batch processors run in process with the shipped models over generated log lines, poison
lines and tickets, into the NDJSON sink (the exact bulk requests the worker would send).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from classifiers.logs.generator import generate
from connectors.bulk_sinks import NdjsonBulkSink
from connectors.es_assets.templates import (
    alerts_stream,
    events_stream,
    mapped_field_types,
    tickets_index,
    unmapped_fields,
)
from stream.components import load_components
from stream.config import Settings
from stream.records import RawRecord
from tests.doubles.es_query import value_errors
from tests.pipeline.in_process import process_in_process

LINES = 300
POISON = (
    b"Mar  3 10:00:00 host sshd[1]: \xff\xfe bad bytes password=hunter2",
    b"A" * 70_000,
    b'{"message": "login failed", "user": {"name": "bo',
)
TICKETS = (
    b'{"id": "T1", "subject": "VPN drops every hour", "body": "since monday", '
    b'"reporter": "ana", "created": "2026-11-20T09:00:00Z"}',
    b'{"id": "T2", "subject": "new laptop for a hire", "body": "starts next week"}',
    b'{"id": "T3", "subject": "printer',
)


@pytest.fixture(scope="module")
def written(models: None, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict]]:
    """(index, document) of every create the pipeline sent for logs and tickets."""
    output: Path = tmp_path_factory.mktemp("docs") / "out.ndjson"
    settings = Settings(events_sample_rate=1.0, output_file=output, max_event_bytes=65536)
    components = load_components(settings)
    texts = [line.text.encode() for line in generate(LINES, seed=11)]
    logs = [RawRecord("logs.raw", 0, n, v) for n, v in enumerate([*texts, *POISON])]
    tickets = [RawRecord("tickets.raw", 0, n, v) for n, v in enumerate(TICKETS)]

    async def run() -> None:
        sink = NdjsonBulkSink(output)
        await process_in_process(settings, components, sink, logs=logs, tickets=tickets)
        await sink.close()

    asyncio.run(run())
    lines = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    return [(a["create"]["_index"], d) for a, d in zip(lines[0::2], lines[1::2], strict=True)]


def _target(index: str, settings: Settings) -> str:
    namespace = settings.elasticsearch_namespace
    targets = {
        alerts_stream(namespace): "alerts",
        events_stream(namespace): "events",
        tickets_index(namespace): "tickets",
    }
    return targets[index]


def test_the_sample_covers_every_document_kind(written: list[tuple[str, dict]]) -> None:
    settings = Settings()
    kinds = {(_target(index, settings), doc["event"]["kind"]) for index, doc in written}
    assert kinds >= {
        ("alerts", "alert"),
        ("events", "event"),
        ("events", "pipeline_error"),
        ("tickets", "event"),
    }


def test_every_written_field_is_mapped(written: list[tuple[str, dict]]) -> None:
    settings = Settings()
    missing = {
        (_target(index, settings), path)
        for index, doc in written
        for path in unmapped_fields(doc, _target(index, settings))
    }
    assert sorted(missing) == []


def test_every_written_value_fits_its_mapped_type(written: list[tuple[str, dict]]) -> None:
    settings = Settings()
    types = {t: mapped_field_types(t) for t in ("alerts", "events", "tickets")}
    wrong: set[str] = set()
    for index, doc in written:
        wrong.update(value_errors(doc, types[_target(index, settings)]))
    assert sorted(wrong) == []
