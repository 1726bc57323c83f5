"""The Faust application of a worker: broker settings, topics, agents and probes.

Values travel as raw bytes (no per-message codec in Faust); the pipeline decodes them in
batches. Each agent takes micro-batches with ``stream.take_events`` and returns from a batch
only after its documents are acknowledged, so the offsets Faust commits are always written.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.types import TP, StreamT
from faust.web import Request, Response, View
from mode import BaseSignalT

from connectors.bulk_sinks import BulkSink
from stream.config import Settings
from stream.log_pipeline import LogBatchProcessor
from stream.metrics import CONSUMER_LAG
from stream.outputs import KafkaPublisher
from stream.records import DeadLetter, RawRecord
from stream.ticket_pipeline import TicketBatchProcessor

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    """What ``/readyz`` reports: ready only when every dependency is."""

    kafka: bool = False
    sink: bool = False
    models: bool = False
    details: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.kafka and self.sink and self.models


def broker_credentials(settings: Settings) -> Any:
    """Faust credentials for SASL/SSL clusters, ``None`` for plaintext."""
    protocol = settings.kafka_security_protocol
    context = None
    if protocol.endswith("SSL"):
        context = ssl.create_default_context(
            cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
        )
    if protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password.get_secret_value() if password else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,
        )
    return faust.SSLCredentials(context) if context else None


def create_app(settings: Settings, *, web_enabled: bool = True) -> faust.App:
    """A Faust app configured from the settings (the agents are attached separately)."""
    session = settings.kafka_session_timeout_s
    return faust.App(
        settings.app_id,
        broker=settings.broker_url,
        broker_credentials=broker_credentials(settings),
        broker_session_timeout=session,
        broker_heartbeat_interval=max(0.3, min(3.0, session / 10)),
        broker_rebalance_timeout=session,
        broker_max_poll_records=settings.kafka_max_poll_records,
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        stream_buffer_maxsize=max(4096, 2 * settings.batch_max_size),
        stream_wait_empty=True,
        producer_max_request_size=settings.max_event_bytes + 65_536,
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        datadir=str(settings.state_dir),
        store="memory://",
        web_enabled=web_enabled,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_in_thread=False,
        autodiscover=False,
    )


def _record_lag(app: faust.App, records: list[RawRecord]) -> None:
    """Consumer lag per partition from the fetcher's highwater (where the broker reports it)."""
    last: dict[tuple[str, int], int] = {}
    for record in records:
        last[(record.topic, record.partition)] = record.offset
    for (topic, partition), offset in last.items():
        try:
            highwater = app.consumer.highwater(TP(topic, partition))
        except Exception:  # partition revoked meanwhile, or no fetch yet: skip the gauge
            continue
        if highwater is not None and highwater >= 0:
            lag = max(0, highwater - offset - 1)
            CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)


def _take(
    app: faust.App,
    settings: Settings,
    *,
    topic_name: str,
    agent_name: str,
    process: Callable[[list[RawRecord]], Awaitable[Any]],
    publisher: KafkaPublisher,
) -> None:
    """Attach an agent that feeds ``process`` one micro-batch at a time.

    Faust acknowledges a batch's records as soon as the loop asks for the next batch, even
    after an exception, so a batch that fails unexpectedly (a bug, not a bad record) is
    dead-lettered whole before moving on: its records stay replayable instead of lost.
    """
    topic = app.topic(
        topic_name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.topic_partitions,
    )

    async def consume(stream: StreamT[bytes]) -> None:
        # take_events is faust-streaming's batching API; StreamT does not declare it yet.
        async for events in stream.take_events(  # type: ignore[attr-defined]
            settings.batch_max_size, within=settings.batch_max_wait_s
        ):
            records = [RawRecord.from_event(event) for event in events]
            try:
                await process(records)
            except Exception as exc:
                log.exception("batch of %d records from %s failed", len(records), topic_name)
                await publisher.deadletter(
                    [DeadLetter(r, "internal", f"internal_error: {exc!r}") for r in records]
                )
            _record_lag(app, records)

    app.agent(topic, name=agent_name)(consume)


def attach_pipeline(
    app: faust.App,
    settings: Settings,
    logs: LogBatchProcessor,
    tickets: TicketBatchProcessor,
    publisher: KafkaPublisher,
) -> None:
    """Wire both batch agents onto the app."""
    for topic, name, process in (
        (settings.topic_logs_raw, "logwarden.logs", logs.process),
        (settings.topic_tickets_raw, "logwarden.tickets", tickets.process),
    ):
        _take(
            app, settings, topic_name=topic, agent_name=name, process=process, publisher=publisher
        )


def attach_probes(app: faust.App, readiness: Readiness, sink: BulkSink) -> None:
    """``/livez``, ``/readyz`` and ``/metrics`` on the worker's web port."""
    setup_prometheus_sensors(app, pattern="/metrics", name_prefix="logwarden_faust")

    @app.on_partitions_assigned.connect
    def _assigned(sender: Any, /, *args: Any, signal: BaseSignalT[Any], **kwargs: Any) -> None:
        readiness.kafka = True

    @app.page("/livez")
    class Live(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/readyz")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            readiness.sink = await sink.healthy()
            body = {
                "ready": readiness.ready,
                "kafka": readiness.kafka,
                "sink": readiness.sink,
                "models": readiness.models,
                **readiness.details,
            }
            return self.json(body, status=200 if readiness.ready else 503)
