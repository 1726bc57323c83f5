"""One micro-batch of ``tickets.raw``: decode → classify → route to a queue topic + index.

Tickets are JSON ``{id, subject, body, reporter, created}`` or ``{id, text, ...}``
(:mod:`classifiers.ticket_records`). Confident ones go to
``tickets.routed.<queue>``; the router sends the rest to ``tickets.routed.triage``. Every
ticket is also indexed in ``logwarden-tickets-<namespace>`` under its own id, so a replay does not
duplicate it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any

import orjson
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind

from classifiers.ticket_records import RecordError, TicketColumns, decode_json_ticket
from classifiers.ticket_records import ticket_text as joined_text
from connectors.bulk_sinks import BulkAction, BulkSink
from connectors.es_assets.templates import events_stream, tickets_index
from connectors.telemetry import extract_context, inject_headers, trace_fields
from stream import metrics
from stream.config import Settings
from stream.error_documents import ErrorDocumentWriter, ingest_time
from stream.outputs import KafkaPublisher
from stream.records import DeadLetter, OutboundMessage, RawRecord
from stream.stages import TicketDecision, TicketRouter

tracer = trace.get_tracer("logwarden.stream.tickets")

#: ``log_label``: set by the log pipeline on tickets for operational alerts (see
#: ``Settings.incident_queues``).
TICKET_FIELDS = ("id", "subject", "body", "text", "reporter", "created", "log_label")
#: The stream reads the same shapes as ``classify tickets``: ``text``, or ``subject``/``body``.
STREAM_COLUMNS = TicketColumns()


def decode_ticket(raw: bytes) -> dict[str, Any] | str:
    """The ticket object (with the ``text`` the model reads), or why this is not a ticket."""
    decoded = decode_json_ticket(raw, 0, STREAM_COLUMNS)
    if isinstance(decoded, RecordError):
        return f"{decoded.kind}: {decoded.error}"
    if not decoded.text:
        return "invalid_ticket: the text columns are all empty"
    fields = decoded.fields or {}
    return {**{k: fields.get(k) for k in TICKET_FIELDS if k in fields}, "text": decoded.text}


def ticket_text(ticket: dict[str, Any]) -> str:
    """What the model reads: the ticket's text columns joined (its ``text`` once decoded)."""
    return joined_text(ticket, STREAM_COLUMNS.text_columns(list(ticket)))


class TicketBatchProcessor:
    """Classifies and routes one batch of tickets, writing both outputs before returning."""

    def __init__(
        self,
        settings: Settings,
        *,
        router: TicketRouter,
        sink: BulkSink,
        publisher: KafkaPublisher,
        executor: Executor,
    ) -> None:
        self._settings = settings
        self._router = router
        self._sink = sink
        self._publisher = publisher
        self._executor = executor
        self._index = tickets_index(settings.elasticsearch_namespace)
        self._errors = ErrorDocumentWriter(
            sink,
            events_stream(settings.elasticsearch_namespace),
            store_original=settings.store_original,
            max_original_bytes=settings.max_event_bytes,
        )

    async def process(self, records: Sequence[RawRecord]) -> int:
        """Route the batch; returns how many tickets were routed."""
        started = time.perf_counter()
        topic = self._settings.topic_tickets_raw
        contexts = [extract_context(record.headers) for record in records]
        links = [
            Link(trace.get_current_span(c).get_span_context()) for c in contexts if c is not None
        ]
        letters: list[DeadLetter] = []
        tickets: list[tuple[RawRecord, dict[str, Any]]] = []
        with tracer.start_as_current_span(
            f"process {topic}", kind=SpanKind.CONSUMER, links=links
        ) as span:
            for record in records:
                decoded = decode_ticket(record.value)
                if isinstance(decoded, str):
                    letters.append(DeadLetter(record, "decode", decoded))
                else:
                    tickets.append((record, decoded))
            decisions = await self._classify(tickets, letters)
            ids = trace_fields(span.get_span_context())
            actions, routed = self._outputs(tickets, decisions, ids)
            with tracer.start_as_current_span("bulk-index", attributes={"docs": len(actions)}):
                result = await self._sink.write(actions)
            letters.extend(
                DeadLetter(f.action.ref, "index", f"http_{f.status}: {f.reason}")
                for f in result.failures
            )
            with tracer.start_as_current_span("produce", attributes={"routed": len(routed)}):
                await self._publisher.publish(routed)
                await self._publisher.deadletter(letters)
            with tracer.start_as_current_span("index-errors", attributes={"docs": len(letters)}):
                await self._errors.write(letters, ingest_time())
        metrics.EVENTS_IN.labels(topic=topic).inc(len(records))
        metrics.BATCH_SIZE.labels(topic=topic).observe(len(records))
        metrics.BATCH_SECONDS.labels(topic=topic).observe(time.perf_counter() - started)
        for message in routed:
            metrics.EVENTS_OUT.labels(dest=message.topic).inc()
        return len(routed)

    async def _classify(
        self, tickets: list[tuple[RawRecord, dict[str, Any]]], letters: list[DeadLetter]
    ) -> list[TicketDecision]:
        """Decisions in ticket order: incident tickets by their log label, the rest by model
        (when the model fails, its tickets are dead-lettered and dropped from ``tickets``)."""
        incident = [self._incident_decision(ticket) for _, ticket in tickets]
        helpdesk = [pair for pair, known in zip(tickets, incident, strict=True) if known is None]
        modelled = await self._model_decisions(helpdesk, letters)
        if modelled is None:
            kept = [(pair, d) for pair, d in zip(tickets, incident, strict=True) if d is not None]
            tickets[:] = [pair for pair, _ in kept]
            return [decision for _, decision in kept]
        answers = iter(modelled)
        return [known or next(answers) for known in incident]

    def _incident_decision(self, ticket: dict[str, Any]) -> TicketDecision | None:
        """The configured queue of a ticket the log pipeline opened for an operational alert."""
        queue = self._settings.incident_queues.get(str(ticket.get("log_label")))
        if queue is None:
            return None
        return TicketDecision(label=str(ticket["log_label"]), confidence=1.0, queue=queue, top3=[])

    async def _model_decisions(
        self, tickets: list[tuple[RawRecord, dict[str, Any]]], letters: list[DeadLetter]
    ) -> list[TicketDecision] | None:
        """The classifier's decisions, or None when it failed (the tickets dead-lettered)."""
        if not tickets:
            return []
        texts = [ticket_text(ticket) for _, ticket in tickets]
        with tracer.start_as_current_span("classify", attributes={"tickets": len(texts)}):
            started = time.perf_counter()
            try:
                loop = asyncio.get_running_loop()
                decisions = await loop.run_in_executor(self._executor, self._router.route, texts)
            except Exception as exc:  # model failure: dead-letter, keep consuming
                letters.extend(
                    DeadLetter(r, "classify", f"model_error: {exc!r}") for r, _ in tickets
                )
                return None
            metrics.MODEL_SECONDS.labels(model=self._router.model_name).observe(
                time.perf_counter() - started
            )
        return decisions

    def _outputs(
        self,
        tickets: list[tuple[RawRecord, dict[str, Any]]],
        decisions: list[TicketDecision],
        ids: dict[str, dict[str, str]],
    ) -> tuple[list[BulkAction], list[OutboundMessage]]:
        actions: list[BulkAction] = []
        routed: list[OutboundMessage] = []
        now = ingest_time()
        model = {"name": self._router.model_name, "version": self._router.model_version}
        headers = inject_headers()
        for (record, ticket), decision in zip(tickets, decisions, strict=True):
            ticket_id = str(ticket.get("id") or record.doc_id)
            classified = {
                **ticket,
                "id": ticket_id,
                "queue": decision.queue,
                "label": decision.label,
                "confidence": decision.confidence,
                "top3": decision.top3,
                "auto_routed": decision.auto_routed,
                **({"triage_reason": decision.triage_reason} if decision.triage_reason else {}),
            }
            doc = {
                "@timestamp": ticket.get("created") or now,
                "event": {"kind": "event", "dataset": "logwarden.tickets", "ingested": now},
                "logwarden": {
                    "ticket": classified,
                    "model": model,
                    "source": {
                        "topic": record.topic,
                        "partition": record.partition,
                        "offset": record.offset,
                    },
                },
                **ids,
            }
            actions.append(BulkAction(self._index, f"ticket-{ticket_id}", doc, ref=record))
            routed.append(
                OutboundMessage(
                    topic=self._settings.routed_topic(decision.queue),
                    value=orjson.dumps(classified),
                    key=ticket_id.encode(),
                    headers=list(headers),
                )
            )
        return actions, routed
