"""One micro-batch of ``logs.raw``: parse → classify + novelty → signals → index → route.

Every classified event that is not benign, or that a correlation rule reads (logons, account
and group changes, firewall denies), becomes a *signal*: stored in the events data stream as
``event.kind: signal`` (non-benign ones always, benign ones sampled like other events) and
sent, per entity, to the alerting agent (``stream.alerting``), which alone raises alerts.

The batch is the unit of work and of acknowledgement: ``process`` returns only when every
record of the batch is either acknowledged by the sink or in the dead-letter topic, and its
signals and tickets are on their topics. The input consumer (``stream.input_consumer``, plain
aiokafka, not a Faust agent) commits the batch's offsets after that.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind

from classifiers.alerting import AllowList, Signal, correlates, signal_from_event
from classifiers.logs.scoring import merge_fields
from classifiers.logs.taxonomy import BENIGN, OPERATIONAL_LABELS
from connectors.bulk_sinks import BulkAction, BulkSink
from connectors.es_assets.templates import events_stream
from connectors.telemetry import extract_context, inject_headers, trace_fields
from stream import metrics
from stream.alerting import signal_messages
from stream.alerting_config import alerting_policy
from stream.config import Settings
from stream.error_documents import ErrorDocumentWriter, ingest_time
from stream.incident_tickets import IncidentTickets, event_seconds, incident_window
from stream.outputs import KafkaPublisher
from stream.records import DeadLetter, OutboundMessage, RawRecord, join_continuations
from stream.stages import LogParser, LogScorer, LogVerdict, StageFailure

log = logging.getLogger(__name__)
tracer = trace.get_tracer("logwarden.stream.logs")

_T = TypeVar("_T")


def scrubbed_count(event: dict[str, Any]) -> int:
    """``logwarden.scrubbed.count`` of a parsed event (the parser cannot emit metrics)."""
    count = event.get("logwarden", {}).get("scrubbed", {}).get("count", 0)
    return count if isinstance(count, int) else 0


def sampled(doc_id: str, rate: float) -> bool:
    """Deterministic sampling: the same record is sampled the same way on every replay."""
    if rate <= 0:
        return False
    return rate >= 1 or zlib.crc32(doc_id.encode()) / 2**32 < rate


@dataclass
class BatchReport:
    """What one batch did (for metrics, the benchmark and logs)."""

    records: int = 0
    signals: int = 0
    suppressed: int = 0
    events: int = 0
    tickets: int = 0
    deadlettered: int = 0
    duplicates: int = 0
    scrubbed: int = 0
    labels: dict[str, int] = field(default_factory=dict)


@dataclass
class _Item:
    """A record on its way through the batch."""

    record: RawRecord
    span: Span | None = None
    event: dict[str, Any] | None = None


class LogBatchProcessor:
    """Runs the log stages over one batch and writes the results, at least once."""

    def __init__(
        self,
        settings: Settings,
        *,
        parser: LogParser,
        scorer: LogScorer,
        sink: BulkSink,
        publisher: KafkaPublisher,
        executor: Executor,
        signals_topic: str | None = None,
        allowlist: AllowList | None = None,
    ) -> None:
        self._settings = settings
        self._signals_topic = signals_topic
        self._allowlist = allowlist or AllowList()
        self._policy = alerting_policy(settings)
        self._parser = parser
        self._scorer = scorer
        self._sink = sink
        self._publisher = publisher
        self._executor = executor
        # Parse and classify run for one batch at a time, in arrival order (the template miner
        # and the caches are stateful and not thread-safe); the writes of batch n may overlap
        # the parsing of batch n + 1.
        self._stages = asyncio.Lock()
        self._events_index = events_stream(settings.elasticsearch_namespace)
        self._errors = ErrorDocumentWriter(
            sink,
            self._events_index,
            store_original=settings.store_original,
            max_original_bytes=settings.max_event_bytes,
        )
        self._incidents = IncidentTickets(settings.ticket_window_s)

    async def process(self, records: Sequence[RawRecord]) -> BatchReport:
        """Process and durably write one batch; never raises for bad records."""
        started = time.perf_counter()
        report = BatchReport(records=len(records))
        if self._settings.multiline:
            records = join_continuations(records, self._settings.max_event_bytes)
        items = [_Item(record) for record in records]
        links = self._start_event_spans(items)
        with tracer.start_as_current_span(
            f"process {self._settings.topic_logs_raw}",
            kind=SpanKind.CONSUMER,
            links=links,
            attributes={"messaging.batch.message_count": len(records)},
        ) as batch_span:
            batch_ids = trace_fields(batch_span.get_span_context())
            async with self._stages:
                letters = await self._in_thread(self._parse, items, report)
                scored = await self._classify(items, letters)
            actions, tickets, signals = self._enrich(scored, batch_ids, report)
            with tracer.start_as_current_span("bulk-index", attributes={"docs": len(actions)}):
                result = await self._sink.write(actions)
            report.duplicates = result.duplicates
            rejected = {failure.action.doc_id: failure for failure in result.failures}
            letters.extend(
                DeadLetter(failure.action.ref, "index", f"http_{failure.status}: {failure.reason}")
                for failure in rejected.values()
            )
            with tracer.start_as_current_span("produce", attributes={"tickets": len(tickets)}):
                await self._publisher.deadletter(letters)
            with tracer.start_as_current_span("index-errors", attributes={"docs": len(letters)}):
                await self._errors.write(letters, ingest_time())
                await self._publisher.publish([*tickets.values(), *self._route(signals)])
            self._incidents.remember(tickets)
            report.deadlettered = len(letters)
            report.tickets = len(tickets)
        for item in items:
            if item.span is not None:
                item.span.end()
        self._record_metrics(
            report,
            time.perf_counter() - started,
            len(actions) - len(result.failures),
            [record.timestamp_ms for record in records],
        )
        return report

    async def _in_thread(self, function: Callable[..., _T], *args: Any) -> _T:
        """Run CPU work in the thread pool, inside the current trace context."""
        context = contextvars.copy_context()
        call = functools.partial(context.run, function, *args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def _start_event_spans(self, items: list[_Item]) -> list[Link]:
        """Continue each producer's trace with a per-event span; the batch span links them."""
        links: list[Link] = []
        topic = self._settings.topic_logs_raw
        for item in items:
            context = extract_context(item.record.headers)
            if context is None:
                continue
            item.span = tracer.start_span(
                f"receive {topic}",
                context=context,
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "messaging.kafka.destination.partition": item.record.partition,
                    "messaging.kafka.message.offset": item.record.offset,
                },
            )
            links.append(Link(item.span.get_span_context()))
        return links

    def _parse(self, items: list[_Item], report: BatchReport) -> list[DeadLetter]:
        """Decode, size-check, parse and scrub; failures become dead letters."""
        letters: list[DeadLetter] = []
        limit = self._settings.max_event_bytes
        with tracer.start_as_current_span("parse", attributes={"records": len(items)}):
            for item in items:
                raw = item.record.value
                if len(raw) > limit:
                    letters.append(
                        DeadLetter(item.record, "parse", f"too_large: {len(raw)} bytes > {limit}")
                    )
                    continue
                try:
                    outcome = self._parser(raw)
                except Exception as exc:  # a parser bug must not stop the stream
                    outcome = StageFailure("internal_error", repr(exc))
                if isinstance(outcome, StageFailure):
                    letters.append(DeadLetter(item.record, "parse", str(outcome)))
                else:
                    item.event = outcome
                    report.scrubbed += scrubbed_count(outcome)
        return letters

    async def _classify(
        self, items: list[_Item], letters: list[DeadLetter]
    ) -> list[tuple[_Item, LogVerdict]]:
        """Score the parsed events in the thread pool, so the event loop keeps consuming."""
        parsed = [item for item in items if item.event is not None]
        if not parsed:
            return []
        events = [item.event for item in parsed if item.event is not None]
        with tracer.start_as_current_span("classify", attributes={"events": len(events)}):
            started = time.perf_counter()
            try:
                verdicts = await self._in_thread(self._scorer.score, events)
            except Exception as exc:  # model failure: dead-letter the batch, keep consuming
                log.exception("log scorer failed on a batch of %d events", len(events))
                letters.extend(
                    DeadLetter(i.record, "classify", f"model_error: {exc!r}") for i in parsed
                )
                return []
            metrics.MODEL_SECONDS.labels(model=self._scorer.model_name).observe(
                time.perf_counter() - started
            )
        for gauge, ratio in (
            (metrics.MODEL_CACHE_HIT_RATIO, self._scorer.cache_hit_ratio()),
            (metrics.MODEL_SETTLED_RATIO, self._scorer.settled_ratio()),
        ):
            if ratio is not None:
                gauge.set(ratio)
        return list(zip(parsed, verdicts, strict=True))

    def _enrich(
        self,
        scored: list[tuple[_Item, LogVerdict]],
        batch_ids: dict[str, dict[str, str]],
        report: BatchReport,
    ) -> tuple[list[BulkAction], dict[str, OutboundMessage], list[Signal]]:
        """Documents for the events stream (every non-benign signal, sampled benign events),
        the tickets of incidents this worker has not opened yet (by ticket id), and the signals
        for the alerting agent.

        A record keeps its ``_id`` whatever a replay scores it (novelty state is not replayed),
        so it is never stored twice.
        """
        actions: list[BulkAction] = []
        tickets: dict[str, OutboundMessage] = {}
        signals: list[Signal] = []
        ingested = ingest_time()
        rate = self._settings.events_sample_rate
        model = {"name": self._scorer.model_name, "version": self._scorer.model_version}
        # Tickets of events without a producer trace carry the batch span's (current) context:
        # injected once per batch, not per ticket.
        batch_headers = inject_headers()
        for item, verdict in scored:
            record, doc = item.record, item.event
            assert doc is not None
            threat = verdict.label != BENIGN
            keep_event = threat or (rate > 0 and sampled(record.doc_id, rate))
            if not threat and not keep_event and not correlates(doc):
                continue  # most events: nothing to store, nothing to correlate
            fields = verdict.fields()
            signal = (
                self._signal(doc, record, verdict, fields) if threat or correlates(doc) else None
            )
            if signal is not None:
                report.signals += 1
                report.labels[verdict.label] = report.labels.get(verdict.label, 0) + 1
                exception = self._allowlist.signal_exception(signal)
                if exception is None:
                    signals.append(signal)
                else:
                    report.suppressed += 1
                    metrics.SUPPRESSED.labels(kind="signal", entry=exception).inc()
            if not keep_event:
                continue
            merge_fields(doc, fields)
            event = doc.setdefault("event", {})
            event.setdefault("ingested", ingested)
            event["kind"] = "signal" if threat else "event"
            doc.setdefault("@timestamp", event["ingested"])
            meta = doc.setdefault("logwarden", {})
            meta.update(
                model=model,
                source={
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                },
            )
            if signal is not None:
                meta["signal"] = signal.document_fields(self._policy, exception)
                technique = signal.threat()
                if technique is not None and "threat" not in doc:
                    doc["threat"] = technique.ecs()
            doc.update(trace_fields(item.span.get_span_context()) if item.span else batch_ids)
            actions.append(BulkAction(self._events_index, record.doc_id, doc, ref=record))
            report.events += 1
            if self._opens_ticket(verdict):
                seconds = event_seconds(doc, record)
                host = (_host(doc) or "unknown-host")[:200]
                ticket_id = self._incidents.ticket_id(verdict.label, host, seconds, record)
                meta["ticket"] = {"id": ticket_id}
                if ticket_id not in tickets and not self._incidents.opened(ticket_id):
                    headers = inject_headers(item.span) if item.span else list(batch_headers)
                    tickets[ticket_id] = self._ticket(
                        ticket_id, record, doc, verdict, seconds=seconds, headers=headers
                    )
        return actions, tickets, signals

    def _signal(
        self, doc: dict[str, Any], record: RawRecord, verdict: LogVerdict, fields: dict[str, Any]
    ) -> Signal:
        """The signal of one event (read before the model's fields are merged: a vendor
        severity in the parsed event must stay distinguishable from the model's)."""
        labels = fields.get("logwarden", {})
        return signal_from_event(
            doc,
            signal_id=record.doc_id,
            label=verdict.label,
            probability=float(labels.get("probability", 1.0)),
            risk=float(fields.get("event", {}).get("risk_score", 0.0)),
            severity=verdict.severity,
            template=(labels.get("template") or {}).get("text"),
            fallback_ts=event_seconds(doc, record),
        )

    def _route(self, signals: list[Signal]) -> list[OutboundMessage]:
        """The signals, one message per entity, for the alerting agent (none without one)."""
        if self._signals_topic is None or not signals:
            return []
        return signal_messages(self._signals_topic, signals)

    def _opens_ticket(self, verdict: LogVerdict) -> bool:
        return (
            verdict.label in OPERATIONAL_LABELS
            and verdict.severity >= self._settings.ticket_min_severity
        )

    def _ticket(
        self,
        ticket_id: str,
        record: RawRecord,
        doc: dict[str, Any],
        verdict: LogVerdict,
        *,
        seconds: float,
        headers: list[tuple[str, bytes]],
    ) -> OutboundMessage:
        """The IT ticket of an operational incident, from its first signal (at ``seconds``,
        event time)."""
        host = _host(doc) or "unknown host"
        message = str(doc.get("message", ""))
        body = (
            f"{message}\n\nseverity {verdict.severity}, "
            f"source {record.topic}/{record.partition}/{record.offset}"
        )
        if self._incidents.window_s > 0:
            start, end = incident_window(seconds, self._incidents.window_s)
            body += (
                f"\n\nFirst signal of this incident. Further {verdict.label} signals on {host} "
                f"between {_utc(start)} and {_utc(end)} join this ticket: in the events data "
                f"stream they carry logwarden.ticket.id {ticket_id}."
            )
        ticket = {
            "id": ticket_id,
            "subject": f"[logwarden] {verdict.label.replace('_', ' ')} on {host}",
            "body": body,
            "reporter": "logwarden",
            "created": doc.get("@timestamp"),
            "log_label": verdict.label,
        }
        return OutboundMessage(
            topic=self._settings.topic_tickets_raw,
            value=orjson.dumps(ticket),
            key=ticket_id.encode(),
            headers=headers,
        )

    def _record_metrics(
        self, report: BatchReport, seconds: float, written: int, timestamps: list[int | None]
    ) -> None:
        topic = self._settings.topic_logs_raw
        metrics.EVENTS_IN.labels(topic=topic).inc(report.records)
        metrics.observe_end_to_end(topic, timestamps)
        metrics.BATCH_SIZE.labels(topic=topic).observe(report.records)
        metrics.BATCH_SECONDS.labels(topic=topic).observe(seconds)
        if report.scrubbed:
            metrics.SCRUBBED.inc(report.scrubbed)
        if written:
            metrics.EVENTS_OUT.labels(dest="elasticsearch").inc(written)
        if report.tickets:
            metrics.EVENTS_OUT.labels(dest=self._settings.topic_tickets_raw).inc(report.tickets)
        for label, count in report.labels.items():
            metrics.SIGNALS.labels(label=label).inc(count)


def _host(doc: dict[str, Any]) -> str | None:
    hostname = (doc.get("host") or {}).get("hostname")
    return str(hostname) if hostname else None


def _utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")
