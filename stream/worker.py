"""``logwarden run``: one worker process, from settings to a running Faust worker.

Start-up order matters for the probes: logs and tracing first, then the models (``/readyz``
says "models" only once they are loaded), topics with explicit partition counts, the sink,
and finally the Faust worker. SIGTERM stops consumption, lets the in-flight batch finish and
reach the sink, commits, and exits 0; if that takes longer than ``shutdown_grace_s`` the
process exits without committing, so the unfinished batch is redelivered, never lost.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import faust
import orjson
from mode import Service, ServiceT
from opentelemetry import trace

from classifiers.logs.templates import TemplateTracker
from connectors.bulk_sinks import (
    BulkAction,
    BulkSink,
    ElasticsearchBulkSink,
    NdjsonBulkSink,
)
from connectors.elasticsearch import (
    ClusterError,
    ElasticsearchConnection,
    UnreachableError,
    build_client,
    check_cluster,
)
from connectors.es_assets.templates import alerts_stream
from connectors.kafka import BrokersUnreachableError, ensure_topics, wait_for_brokers
from connectors.telemetry import configure_json_logging, configure_tracing, trace_fields
from stream.app import Readiness, attach_probes, create_app
from stream.components import (
    ComponentError,
    Components,
    load_components,
    template_state_path,
)
from stream.config import Settings
from stream.connections import elasticsearch_connection, kafka_connection
from stream.detections import DetectionRules, register_detections
from stream.input_consumer import InputConsumer
from stream.log_pipeline import LogBatchProcessor
from stream.metrics import SinkMetrics
from stream.outputs import KafkaPublisher
from stream.records import DeadLetter, RawRecord
from stream.ticket_pipeline import TicketBatchProcessor

log = logging.getLogger(__name__)
tracer = trace.get_tracer("logwarden.stream.detections")

EXIT_GRACE_EXCEEDED = 75
SNAPSHOT_INTERVAL_S = 120.0
#: Container allocations between young-generation collections (CPython's default is 700).
GC_YOUNG_THRESHOLD = 50_000
#: How long a starting worker waits for a Kafka broker before it gives up with one line.
KAFKA_START_TIMEOUT_S = 10.0


def check_elasticsearch(connection: ElasticsearchConnection) -> None:
    """``GET /`` once at start: a URL that is not Elasticsearch, refused credentials or a too
    old cluster stop the worker with one line; an unreachable one only warns (the sink
    retries, and the cluster may be starting too)."""
    client = build_client(connection, max_retries=0)
    try:
        check_cluster(client, connection.url)
    except UnreachableError as exc:
        log.warning("%s; starting anyway, the sink retries", exc)
    except ClusterError as exc:
        raise ComponentError(str(exc)) from exc
    finally:
        client.close()


def build_sink(settings: Settings) -> BulkSink:
    """Elasticsearch when a URL is configured, else the local NDJSON file."""
    if settings.elasticsearch_url:
        return ElasticsearchBulkSink(elasticsearch_connection(settings), observer=SinkMetrics())
    return NdjsonBulkSink(settings.output_file, observer=SinkMetrics())


def pipeline_topics(settings: Settings, queues: list[str], signals: str) -> dict[str, int]:
    """Every topic the worker reads or writes, with its partition count."""
    names = [settings.topic_logs_raw, settings.topic_tickets_raw, settings.topic_deadletter]
    names.append(signals)
    names += [settings.routed_topic(queue) for queue in [*queues, "triage"]]
    return dict.fromkeys(names, settings.topic_partitions)


class DetectionAlertWriter:
    """Indexes the windowed detections' alerts, idempotently (content-hash ``_id``)."""

    def __init__(self, sink: BulkSink, index: str) -> None:
        self._sink = sink
        self._index = index

    async def __call__(self, alert: dict[str, Any]) -> None:
        with tracer.start_as_current_span("detection-alert") as span:
            alert.update(trace_fields(span.get_span_context()))
            doc_id = (
                "detection-"
                + hashlib.sha256(
                    orjson.dumps(
                        {k: alert[k] for k in ("rule", "logwarden", "@timestamp")},
                        option=orjson.OPT_SORT_KEYS,
                    )
                ).hexdigest()[:32]
            )
            result = await self._sink.write([BulkAction(self._index, doc_id, alert)])
        for failure in result.failures:
            log.error("detection alert rejected by the sink: %s", failure.reason)


class PipelineResources(Service):
    """Owns the sink, the model threads and the template state; stopped after the app, so the
    in-flight batches finish first. Saves the template miner's snapshot every few minutes and
    at shutdown, so a restart keeps knowing which templates are old news."""

    def __init__(
        self,
        sink: BulkSink,
        executor: ThreadPoolExecutor,
        tracker: TemplateTracker | None,
        state_path: Path,
        **kwargs: Any,
    ) -> None:
        self.sink = sink
        self.executor = executor
        self.tracker = tracker
        self.state_path = state_path
        super().__init__(**kwargs)

    @Service.timer(SNAPSHOT_INTERVAL_S)
    async def _snapshot(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self.executor, self._save)

    def _save(self) -> None:
        if self.tracker is not None:
            self.tracker.save(self.state_path)

    async def on_stop(self) -> None:
        await self.sink.close()
        self.executor.shutdown(wait=True)
        self._save()


class GracefulWorker(faust.Worker):
    """A Faust worker whose SIGTERM shutdown is bounded by a grace period.

    ``after_app`` services start once the app (its producer) runs and stop before it, so
    their last batch can still produce dead letters and tickets.
    """

    def __init__(
        self, *args: Any, grace_s: float, after_app: Sequence[Service] = (), **kwargs: Any
    ) -> None:
        self._grace_s = grace_s
        self._after_app = list(after_app)
        super().__init__(*args, **kwargs)

    def on_init_dependencies(self) -> Iterable[ServiceT]:
        return [*super().on_init_dependencies(), *self._after_app]

    def _arm_deadline(self) -> None:
        def expire() -> None:
            log.error("shutdown exceeded %.1fs: exiting without commit", self._grace_s)
            os._exit(EXIT_GRACE_EXCEEDED)

        timer = threading.Timer(self._grace_s, expire)
        timer.daemon = True
        timer.start()

    def _on_sigterm(self) -> None:
        log.info("SIGTERM: finishing the in-flight batch, then commit and exit")
        self._arm_deadline()
        super()._on_sigterm()

    def _on_sigint(self) -> None:
        self._arm_deadline()
        super()._on_sigint()


def build_worker(
    settings: Settings,
    *,
    web: bool,
    loglevel: str,
    components: Components | None = None,
) -> GracefulWorker:
    """Everything ``logwarden run`` starts, assembled but not yet running."""
    readiness = Readiness()
    connection = kafka_connection(settings)
    try:  # before loading the models: an unreachable cluster is the commonest first mistake
        wait_for_brokers(connection, KAFKA_START_TIMEOUT_S)
    except BrokersUnreachableError as exc:
        raise ComponentError(str(exc)) from exc
    if settings.elasticsearch_url:
        check_elasticsearch(elasticsearch_connection(settings))
    components = components or load_components(settings)
    readiness.models = True
    readiness.details["log_model"] = components.scorer.model_version
    readiness.details["ticket_model"] = components.router.model_version
    ensure_topics(
        connection,
        pipeline_topics(settings, components.router.queues(), DetectionRules().topic),
        replication_factor=settings.topic_replicas,
    )
    sink = build_sink(settings)
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="logwarden-model")
    app = create_app(settings, web_enabled=web)
    detections = register_detections(
        app,
        settings,
        sink=DetectionAlertWriter(sink, alerts_stream(settings.elasticsearch_namespace)),
    )

    def send(
        topic: str, *, key: bytes | None, value: bytes, headers: Any, timestamp: float | None
    ) -> Any:
        return app.producer.send(topic, key, value, None, timestamp, headers)

    publisher = KafkaPublisher(send, settings.topic_deadletter, settings.max_event_bytes)
    logs, tickets = build_processors(
        settings,
        components,
        sink=sink,
        publisher=publisher,
        executor=executor,
        signals_topic=detections.signals.get_topic_name(),
    )
    if web:
        attach_probes(app, readiness, sink)

    async def deadletter_batch(records: Sequence[RawRecord], exc: Exception) -> None:
        await publisher.deadletter(
            [DeadLetter(r, "internal", f"internal_error: {exc!r}") for r in records]
        )

    def assigned() -> None:
        readiness.kafka = True

    inputs = InputConsumer(
        settings,
        {settings.topic_logs_raw: logs.process, settings.topic_tickets_raw: tickets.process},
        on_failure=deadletter_batch,
        on_assigned=assigned,
    )
    # Start order resources, app, inputs; stop order the reverse: the inputs finish their
    # batch and commit first, then the Faust app (producer), then the sink and model threads.
    return GracefulWorker(
        app,
        PipelineResources(sink, executor, components.tracker, template_state_path(settings)),
        after_app=[inputs],
        loglevel=loglevel,
        quiet=True,
        override_logging=False,
        grace_s=settings.shutdown_grace_s,
    )


def build_processors(
    settings: Settings,
    components: Components,
    *,
    sink: BulkSink,
    publisher: KafkaPublisher,
    executor: Executor,
    signals_topic: str | None = None,
) -> tuple[LogBatchProcessor, TicketBatchProcessor]:
    """The log and ticket batch processors over the loaded stages, sharing sink and threads."""
    logs = LogBatchProcessor(
        settings,
        parser=components.parser,
        scorer=components.scorer,
        sink=sink,
        publisher=publisher,
        executor=executor,
        signals_topic=signals_topic,
    )
    tickets = TicketBatchProcessor(
        settings, router=components.router, sink=sink, publisher=publisher, executor=executor
    )
    return logs, tickets


def tune_garbage_collector() -> None:
    """Fewer and cheaper cyclic garbage collections for a long-running worker.

    A batch allocates tens of thousands of short-lived containers (the event dicts): with
    CPython's default thresholds that ran a young collection every few events, promoted the
    live batch to the older generations and made full collections frequent, each walking the
    models, templates and framework objects loaded at start (~20% of the worker's CPU here).
    Those start-up objects live as long as the process, so they are frozen out of collections.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


def run_worker(settings: Settings, *, web: bool = True, loglevel: str | None = None) -> None:
    """Run a worker until SIGTERM/SIGINT (never returns)."""
    level = (loglevel or settings.log_level).upper()
    configure_json_logging(level)
    configure_tracing("logwarden-worker", settings.otlp_endpoint, max_links=settings.batch_max_size)
    worker = build_worker(settings, web=web, loglevel=level)
    tune_garbage_collector()
    worker.execute_from_commandline()
