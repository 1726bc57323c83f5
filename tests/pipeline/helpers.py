"""Producing traced records and reading results back, independently of the code under test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from connectors.kafka_connection import KafkaConnection


class TracedProducer:
    """Produces records each inside its own producer span, recorded in memory."""

    def __init__(self, kafka: KafkaConnection, max_request_size: int = 1_048_576) -> None:
        self.exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self._tracer = provider.get_tracer("tests.producer")
        self._producer = KafkaProducer(
            acks="all", linger_ms=5, max_request_size=max_request_size, **kafka.client_options()
        )
        self.trace_ids: dict[tuple[str, int, int], str] = {}

    def send(
        self, topic: str, values: Sequence[bytes], traced: bool = True
    ) -> list[tuple[int, int]]:
        """Produce ``values`` in order; returns each record's (partition, offset)."""
        futures = []
        for value in values:
            headers: list[tuple[str, bytes]] = []
            trace_id = None
            if traced:
                span = self._tracer.start_span(f"send {topic}", kind=SpanKind.PRODUCER)
                carrier: dict[str, str] = {}
                TraceContextTextMapPropagator().inject(carrier, context=set_span_in_context(span))
                headers = [(k, v.encode()) for k, v in carrier.items()]
                trace_id = format(span.get_span_context().trace_id, "032x")
                span.end()
            futures.append((self._producer.send(topic, value=value, headers=headers), trace_id))
        self._producer.flush()
        coordinates = []
        for future, trace_id in futures:
            metadata = future.get(timeout=30)
            coordinates.append((metadata.partition, metadata.offset))
            if trace_id:
                self.trace_ids[(topic, metadata.partition, metadata.offset)] = trace_id
        return coordinates

    def close(self) -> None:
        self._producer.close()


def read_topic(kafka: KafkaConnection, topic: str, idle_s: float = 3.0) -> list[ConsumerRecord]:
    """Every record of ``topic`` until it has been quiet for ``idle_s``."""
    consumer = KafkaConsumer(
        topic,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(idle_s * 1000),
        group_id=None,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        **kafka.client_options(),
    )
    try:
        return list(consumer)
    finally:
        consumer.close()


def header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            return value.decode("utf-8", "replace")
    return None


def source_offsets(docs: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """(partition, offset) of the Kafka record each document came from."""
    result = []
    for doc in docs:
        source = doc["logwarden"]["source"]
        result.append((int(source["partition"]), int(source["offset"])))
    return result
