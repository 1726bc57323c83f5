"""The Faust application of a worker: broker settings, the detection agents' home, probes.

The input topics are not Faust agents: ``stream.input_consumer`` reads them in batches with a
plain aiokafka consumer in group ``app_id`` (Faust's per-record path costs more than the
pipeline's own work). The Faust app runs the windowed detections (tables, repartitioning) in
its own group ``<app_id>-detections``, produces every outbound message and serves the probes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.web import Request, Response, View

from connectors.bulk_sinks import BulkSink
from stream.config import Settings
from stream.connections import kafka_connection

log = logging.getLogger(__name__)

#: The Faust app's consumer group is ``app_id`` plus this; group ``app_id`` reads the inputs.
FAUST_GROUP_SUFFIX = "-detections"


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


def create_app(settings: Settings, *, web_enabled: bool = True) -> faust.App:
    """A Faust app configured from the settings (the agents are attached separately)."""
    return faust.App(
        f"{settings.app_id}{FAUST_GROUP_SUFFIX}",
        broker=settings.broker_url,
        **kafka_connection(settings).faust_options(),
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
        table_standby_replicas=settings.table_standby_replicas,
        datadir=str(settings.state_dir),
        store="memory://",
        web_enabled=web_enabled,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_in_thread=False,
        autodiscover=False,
    )


def attach_probes(app: faust.App, readiness: Readiness, sink: BulkSink) -> None:
    """``/livez``, ``/readyz`` and ``/metrics`` on the worker's web port."""
    setup_prometheus_sensors(app, pattern="/metrics", name_prefix="logwarden_faust")

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
