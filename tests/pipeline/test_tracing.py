"""Tracing through one batch, in process, with an in-memory span exporter.

The batch runs through the real stages (parser, shipped models) into the NDJSON sink; the
producer side is a span of this test whose ``traceparent`` travels in str→bytes Kafka headers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from connectors.bulk_sinks import NdjsonBulkSink
from connectors.es_assets.templates import events_stream
from connectors.telemetry import (
    JsonLogFormatter,
    configure_tracing,
    extract_context,
    inject_headers,
)
from stream.components import load_components
from stream.config import Settings
from stream.records import RawRecord
from tests.pipeline.in_process import process_in_process

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    """Spans of this process, whoever installed the provider first."""
    memory = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.add_span_processor(SimpleSpanProcessor(memory))
    else:
        configure_tracing("tests", processor=SimpleSpanProcessor(memory))
    return memory


@pytest.fixture
def fresh(exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    exporter.clear()
    yield exporter


def test_traceparent_is_read_from_kafka_headers() -> None:
    headers = [("other", b"x"), ("TraceParent", TRACEPARENT.encode())]
    context = extract_context(headers)
    assert context is not None
    span_context = trace.get_current_span(context).get_span_context()
    assert format(span_context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert extract_context([("traceparent", b"garbage")]) is None
    assert extract_context(None) is None
    assert extract_context({"traceparent": TRACEPARENT.encode()}) is not None


async def test_batch_continues_each_producer_trace_into_its_document(
    models: None, fresh: InMemorySpanExporter, tmp_path: Path
) -> None:
    settings = Settings(events_sample_rate=1.0, output_file=tmp_path / "out.ndjson")
    components = load_components(settings)
    tracer = trace.get_tracer("tests.producer")
    records, producer_traces = [], []
    for offset in range(3):
        with tracer.start_as_current_span("send logs.raw") as span:
            headers = inject_headers()
            producer_traces.append(format(span.get_span_context().trace_id, "032x"))
        line = (
            f"Mar  3 10:00:0{offset} db-1 sshd[77]: Accepted publickey for ops from 10.0.0.{offset}"
        )
        records.append(RawRecord("logs.raw", 0, offset, line.encode(), tuple(headers)))
    sink = NdjsonBulkSink(settings.output_file)
    report = await process_in_process(settings, components, sink, logs=records)
    await sink.close()
    assert report.records == 3 and report.deadlettered == 0
    events_index = events_stream(settings.elasticsearch_namespace)

    lines = [orjson.loads(line) for line in settings.output_file.read_bytes().splitlines()]
    pairs = list(zip(lines[0::2], lines[1::2], strict=True))
    documents = [doc for action, doc in pairs if action["create"]["_index"] == events_index]
    assert all(doc["trace"]["id"] in producer_traces for _, doc in pairs)
    assert [d["trace"]["id"] for d in documents] == producer_traces

    spans = {span.name: span for span in fresh.get_finished_spans()}
    batch = spans["process logs.raw"]
    for name in ("parse", "classify", "bulk-index"):
        assert spans[name].parent is not None
        assert spans[name].parent.span_id == batch.context.span_id
    receive = [s for s in fresh.get_finished_spans() if s.name == "receive logs.raw"]
    assert sorted(format(s.context.trace_id, "032x") for s in receive) == sorted(producer_traces)
    assert {link.context.span_id for link in batch.links} == {s.context.span_id for s in receive}
    for document in documents:
        assert document["span"]["id"] in {format(s.context.span_id, "016x") for s in receive}


def test_json_log_lines_carry_the_active_trace(fresh: InMemorySpanExporter) -> None:
    record = logging.LogRecord("stream", logging.INFO, __file__, 1, "indexed %d", (3,), None)
    with trace.get_tracer("tests").start_as_current_span("work") as span:
        line = orjson.loads(JsonLogFormatter().format(record))
    assert line["message"] == "indexed 3"
    assert line["trace"]["id"] == format(span.get_span_context().trace_id, "032x")
    assert line["log"]["level"] == "info"


@pytest.mark.parametrize(
    "endpoint",
    ["http://collector:4318", "http://collector:4318/", "http://collector:4318/v1/traces"],
)
def test_http_exporter_posts_to_the_traces_path(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.telemetry import _otlp_exporter

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    exporter = _otlp_exporter(endpoint)
    assert exporter._endpoint == "http://collector:4318/v1/traces"  # type: ignore[attr-defined]
