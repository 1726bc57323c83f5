"""Dead letters as ``pipeline_error`` documents in the events stream, with the real client."""

from __future__ import annotations

import pytest

from connectors.bulk_sinks import Backoff, ElasticsearchBulkSink
from connectors.elasticsearch import ElasticsearchConnection, build_client
from connectors.es_assets.install import setup_elasticsearch
from connectors.es_assets.templates import LifecycleOptions, events_stream, unmapped_fields
from stream.error_documents import ErrorDocumentWriter, ingest_time
from stream.records import DeadLetter, RawRecord
from tests.doubles.es_server import ElasticsearchTestServer

SECRET_LINE = b"Mar  3 10:00:00 host app[1]: \xff login password=hunter2 failed"
STREAM = events_stream("errtest")


def _sink(server: ElasticsearchTestServer) -> ElasticsearchBulkSink:
    """A sink into a cluster with logwarden's templates installed (explicit mappings)."""
    setup_elasticsearch(
        build_client(ElasticsearchConnection(server.url)), server.url, LifecycleOptions()
    )
    return ElasticsearchBulkSink(
        ElasticsearchConnection(server.url), backoff=Backoff(base_s=0.01, cap_s=0.05)
    )


def _writer(sink: ElasticsearchBulkSink, store_original: str) -> ErrorDocumentWriter:
    return ErrorDocumentWriter(
        sink,
        STREAM,
        store_original=store_original,  # type: ignore[arg-type]
        max_original_bytes=1000,
    )


def _letter(offset: int) -> DeadLetter:
    record = RawRecord("logs.raw", 2, offset, SECRET_LINE)
    return DeadLetter(record, "parse", "invalid_encoding: near 'password=hunter2'")


@pytest.mark.parametrize("store_original", ["scrubbed", "none"])
async def test_error_document_is_scrubbed_mapped_and_written_once(
    es_server: ElasticsearchTestServer, store_original: str
) -> None:
    sink = _sink(es_server)
    writer = _writer(sink, store_original)
    try:
        assert await writer.write([_letter(7)], ingest_time()) == 0
        assert await writer.write([_letter(7)], ingest_time()) == 0  # a replay
    finally:
        await sink.close()
    (doc,) = es_server.documents(STREAM)
    assert "hunter2" not in str(doc)
    assert doc["event"]["kind"] == "pipeline_error"
    assert doc["error"]["type"] == "invalid_encoding"
    assert doc["logwarden"]["source"] == {"topic": "logs.raw", "partition": 2, "offset": 7}
    assert ("original" in doc["event"]) == (store_original == "scrubbed")
    assert unmapped_fields(doc, "events") == []
    assert es_server.indices[STREAM].unindexed_fields == set()
    assert es_server.document(STREAM, "deadletter-logs.raw-2-7") == doc


async def test_a_rejected_error_document_is_reported_not_retried(
    es_server: ElasticsearchTestServer,
) -> None:
    es_server.reject_documents(where=lambda source: "pipeline_error" in str(source))
    sink = _sink(es_server)
    writer = _writer(sink, "scrubbed")
    try:
        assert await writer.write([_letter(1), _letter(2)], ingest_time()) == 2
    finally:
        await sink.close()
    assert es_server.documents(STREAM) == []
