"""The Elasticsearch bulk sink against the wire-level test server, with the real async client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from connectors.bulk_sinks import (
    Backoff,
    BulkAction,
    ElasticsearchBulkSink,
    NdjsonBulkSink,
)
from connectors.elasticsearch import ElasticsearchConnection
from tests.doubles.es_server import ElasticsearchTestServer

STREAM = "logs-logwarden.alerts-sinktest"


def _sink(server: ElasticsearchTestServer) -> ElasticsearchBulkSink:
    return ElasticsearchBulkSink(
        ElasticsearchConnection(server.url), backoff=Backoff(base_s=0.01, cap_s=0.05)
    )


def _actions(count: int, start: int = 0) -> list[BulkAction]:
    return [
        BulkAction(
            STREAM,
            f"doc-{i}",
            {"@timestamp": "2026-01-01T00:00:00Z", "message": f"event {i}"},
            ref=i,
        )
        for i in range(start, start + count)
    ]


async def test_create_is_idempotent_and_409_counts_as_success(
    es_server: ElasticsearchTestServer,
) -> None:
    sink = _sink(es_server)
    try:
        first = await sink.write(_actions(5))
        again = await sink.write(_actions(5))
    finally:
        await sink.close()
    assert (first.created, first.duplicates, first.failures) == (5, 0, [])
    assert (again.created, again.duplicates, again.failures) == (0, 5, [])
    assert len(es_server.documents(STREAM)) == 5


async def test_per_item_429_inside_http_200_is_retried(es_server: ElasticsearchTestServer) -> None:
    es_server.reject_bulk_items(3, status=429)
    sink = _sink(es_server)
    try:
        result = await sink.write(_actions(10))
    finally:
        await sink.close()
    assert result.created == 10
    assert result.retries >= 1
    assert not result.failures
    assert len(es_server.documents(STREAM)) == 10


async def test_whole_request_503_and_dropped_connection_are_retried(
    es_server: ElasticsearchTestServer,
) -> None:
    es_server.fail_next(2, status=503, path="_bulk")
    sink = _sink(es_server)
    try:
        result = await sink.write(_actions(4))
        es_server.drop_next(1, path="_bulk")
        dropped = await sink.write(_actions(4, start=4))
    finally:
        await sink.close()
    assert (result.created, result.retries) == (4, 2)
    assert dropped.created == 4  # aiohttp or the sink retried the dropped connection
    assert len(es_server.documents(STREAM)) == 8


async def test_mapping_rejection_fails_only_that_document(
    es_server: ElasticsearchTestServer,
) -> None:
    es_server.reject_documents(ids={"doc-2"})
    sink = _sink(es_server)
    try:
        result = await sink.write(_actions(5))
    finally:
        await sink.close()
    assert result.created == 4
    assert [(f.action.ref, f.status) for f in result.failures] == [(2, 400)]
    assert "document_parsing_exception" in result.failures[0].reason


async def test_ndjson_sink_writes_bulk_format(tmp_path: Path) -> None:
    path = tmp_path / "out" / "alerts.ndjson"
    sink = NdjsonBulkSink(path)
    result = await sink.write(_actions(3))
    await sink.close()
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert result.created == 3
    assert lines[0] == {"create": {"_index": STREAM, "_id": "doc-0"}}
    assert lines[1]["message"] == "event 0"
    assert len(lines) == 6


@pytest.mark.parametrize("version", ["8.15.0", "9.1.0"])
async def test_sink_writes_to_8x_and_9x_clusters(
    es_server_factory: Callable[..., ElasticsearchTestServer], version: str
) -> None:
    server = es_server_factory(version=version)
    sink = _sink(server)
    try:
        assert await sink.healthy()
        result = await sink.write(_actions(3))
    finally:
        await sink.close()
    assert (result.created, result.failures) == (3, [])
    assert len(server.documents(STREAM)) == 3
