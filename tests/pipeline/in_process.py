"""Running the batch processors in this process, with a Kafka producer that acknowledges
at once (what was sent is kept), for tests that need the real stages but no broker. The
signals the log batch sends go through the alerting engine here, as the worker's alerting
agent would take them, and its alerts reach the same sink."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from classifiers.alerting import Signal
from connectors.bulk_sinks import BulkSink
from connectors.es_assets.templates import alerts_stream
from stream.alerting import AlertDocumentWriter
from stream.alerting_config import alert_engine
from stream.components import Components
from stream.config import Settings
from stream.log_pipeline import BatchReport
from stream.outputs import KafkaPublisher
from stream.records import RawRecord
from stream.worker import build_processors


class AckingSend:
    """A Faust-like ``send``: records each message and acknowledges it immediately."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, topic: str, **message: Any) -> Any:
        self.sent.append((topic, message))
        future: Any = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


async def process_in_process(
    settings: Settings,
    components: Components,
    sink: BulkSink,
    *,
    logs: Sequence[RawRecord] = (),
    tickets: Sequence[RawRecord] = (),
    send: AckingSend | None = None,
) -> BatchReport:
    """One log batch, then one ticket batch, through the real processors into ``sink``."""
    send = send or AckingSend()
    publisher = KafkaPublisher(send, settings.topic_deadletter, settings.max_event_bytes)
    with ThreadPoolExecutor(1) as executor:
        log_batch, ticket_batch = build_processors(
            settings,
            components,
            sink=sink,
            publisher=publisher,
            executor=executor,
            signals_topic=settings.signals_topic,
        )
        report = await log_batch.process(logs)
        if tickets:
            await ticket_batch.process(tickets)
    await _alerting(settings, send, sink)
    return report


async def _alerting(settings: Settings, send: AckingSend, sink: BulkSink) -> None:
    """The alerting agent's work on the signals sent, closing every alert at the end."""
    engine = alert_engine(settings)
    store: dict[str, dict[str, Any]] = {}
    documents: list[dict[str, Any]] = []
    for topic, message in send.sent:
        if topic == settings.signals_topic:
            key = message["key"].decode()
            signals = [Signal.from_dict(item) for item in orjson.loads(message["value"])]
            state, emitted = engine.process_entity(key, store.get(key), signals)
            store[key] = state or {}
            documents += emitted
    documents += engine.flush(store)
    if documents:
        await AlertDocumentWriter(sink, alerts_stream(settings.elasticsearch_namespace))(documents)
