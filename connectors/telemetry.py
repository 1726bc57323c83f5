"""OpenTelemetry tracing and structured JSON logs for the worker.

Producers put a W3C ``traceparent`` into Kafka headers; the worker continues that trace for
every event it indexes, so Kibana can jump from an alert to the whole path of the event.
Exporting is off unless an OTLP endpoint (or ``OTEL_TRACES_EXPORTER``) is configured: trace and
span ids are still generated, because every stored document carries them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter, Setter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanLimits, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span, SpanContext
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

KafkaHeaders = Sequence[tuple[str, bytes]] | Mapping[str, bytes] | None

_PROPAGATOR = TraceContextTextMapPropagator()

#: Client libraries that log every connection at INFO; kept at WARNING unless debugging.
NOISY_LOGGERS = ("kafka", "aiokafka", "elastic_transport", "mode", "faust")


def _header_items(carrier: KafkaHeaders) -> Iterable[tuple[str, bytes]]:
    if not carrier:
        return ()
    if isinstance(carrier, Mapping):
        return carrier.items()
    return carrier


class KafkaHeadersGetter(Getter[KafkaHeaders]):
    """Reads W3C trace headers from Kafka headers (``str`` keys, ``bytes`` values)."""

    def get(self, carrier: KafkaHeaders, key: str) -> list[str] | None:
        wanted = key.lower()
        values = [
            value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)
            for name, value in _header_items(carrier)
            if name.lower() == wanted and value is not None
        ]
        return values or None

    def keys(self, carrier: KafkaHeaders) -> list[str]:
        return [name for name, _ in _header_items(carrier)]


class KafkaHeadersSetter(Setter[list[tuple[str, bytes]]]):
    """Appends W3C trace headers to a Kafka header list."""

    def set(self, carrier: list[tuple[str, bytes]], key: str, value: str) -> None:
        carrier.append((key, value.encode("latin-1")))


HEADERS_GETTER = KafkaHeadersGetter()
HEADERS_SETTER = KafkaHeadersSetter()


def extract_context(headers: KafkaHeaders) -> Context | None:
    """The producer's trace context from Kafka headers, or ``None`` when there is none."""
    if not headers:
        return None
    context = _PROPAGATOR.extract(headers, getter=HEADERS_GETTER)
    span_context = trace.get_current_span(context).get_span_context()
    return context if span_context.is_valid else None


def inject_headers(span: Span | None = None) -> list[tuple[str, bytes]]:
    """Kafka headers carrying the given (or current) span as ``traceparent``."""
    headers: list[tuple[str, bytes]] = []
    context = trace.set_span_in_context(span) if span is not None else None
    _PROPAGATOR.inject(headers, context=context, setter=HEADERS_SETTER)
    return headers


def trace_fields(span_context: SpanContext) -> dict[str, dict[str, str]]:
    """ECS ``trace.id`` and ``span.id`` of a span, as stored in documents."""
    return {
        "trace": {"id": format(span_context.trace_id, "032x")},
        "span": {"id": format(span_context.span_id, "016x")},
    }


def otlp_configured(endpoint: str | None) -> bool:
    """Whether spans should be exported (standard ``OTEL_*`` variables or our setting)."""
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter == "none":
        return False
    return bool(
        endpoint
        or exporter
        or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def _http_traces_url(endpoint: str) -> str:
    """The collector's base URL plus ``/v1/traces``, as the OTLP spec does for the generic
    endpoint variable (an explicit ``endpoint=`` is otherwise used by the exporter as is)."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1/traces") else f"{base}/v1/traces"


def _otlp_exporter(endpoint: str | None) -> SpanExporter:
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    )
    if protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return (
            OTLPSpanExporter(endpoint=_http_traces_url(endpoint))
            if endpoint
            else OTLPSpanExporter()
        )
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
        OTLPSpanExporter as GrpcExporter,
    )

    return GrpcExporter(endpoint=endpoint) if endpoint else GrpcExporter()


def configure_tracing(
    service_name: str,
    otlp_endpoint: str | None = None,
    max_links: int = 1024,
    processor: SpanProcessor | None = None,
) -> TracerProvider:
    """Install the global tracer provider of this process and return it.

    ``processor`` replaces the OTLP export (tests pass a ``SimpleSpanProcessor`` around an
    in-memory exporter). ``max_links`` lets one batch span link every event of the batch.
    """
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource, span_limits=SpanLimits(max_links=max_links))
    if processor is not None:
        provider.add_span_processor(processor)
    elif otlp_configured(otlp_endpoint):
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(otlp_endpoint)))
    trace.set_tracer_provider(provider)
    return provider


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log line, with the active trace and span ids (ECS field names)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "@timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "log": {"level": record.levelname.lower(), "logger": record.name},
            "message": record.getMessage(),
            "process": {"pid": record.process},
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry.update(trace_fields(span_context))
        if record.exc_info:
            entry["error"] = {"stack_trace": self.formatException(record.exc_info)}
        return orjson.dumps(entry, default=str).decode()


def configure_json_logging(level: str) -> None:
    """Route every logger of the process to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    if root.level > logging.DEBUG:
        for chatty in NOISY_LOGGERS:
            logging.getLogger(chatty).setLevel(logging.WARNING)
