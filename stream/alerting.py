"""The alerting agent: signals keyed by entity -> the engine over a Faust table -> alerts.

The log pipeline sends, per batch, one message per entity (``source.ip``, ``user.name``,
``host.name`` or ``service.name``) holding that entity's signals, keyed by the entity, to
``<app_id>.signals``. This agent keeps each entity's engine state in one Faust table keyed the
same way, so scale-out keeps every entity on one partition and one worker; the table's
changelog brings the windows back after a restart. Table writes go to the changelog partition
of their key, hashed as Kafka's default partitioner hashes the signals' keys
(:class:`EntityTable`), so the periodic sweep, which runs outside any event, writes where the
agent does.

Bounds: an entity's state holds at most ``max_window_entries`` per rule window and is dropped
once idle past the engine's horizon (the sweep); Faust's producer buffer is drained before
each consumed message (its conductor waits for the buffer to ebb), and alerts are written to
the sink before the next message is taken.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import faust
import orjson
from aiokafka.partitioner import murmur2

from classifiers.alerting import AlertEngine, Signal, entity_key
from classifiers.alerting.documents import revision_id
from connectors.bulk_sinks import BulkAction, BulkSink
from stream import metrics
from stream.config import Settings
from stream.error_documents import ingest_time
from stream.records import OutboundMessage

log = logging.getLogger(__name__)

TABLE_NAME = "alerting-entities"
SWEEP_INTERVAL_S = 60.0
AlertWriter = Callable[[list[dict[str, Any]]], Awaitable[None]]


class EntityTable(faust.Table[bytes, bytes]):
    """A table whose changelog partition is its key's, computed here.

    Faust's own ``use_partitioner`` asks the producer's topic metadata at the moment of the
    write, which aiokafka only has for topics it has already sent to: the first write of a
    fresh worker found none and crashed the agent. The key's partition needs no metadata: it is
    murmur2 of the key over the table's partitions, as Kafka's default partitioner places the
    signals of that key.
    """

    def partition_for_key(self, key: bytes) -> int:
        return key_partition(key, self.partitions or self.app.conf.topic_partitions)


def key_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key`` among ``partitions``."""
    return int(murmur2(key) & 0x7FFFFFFF) % partitions


def signal_messages(topic: str, signals: Sequence[Signal]) -> list[OutboundMessage]:
    """One message per entity with its signals in order, keyed by the entity."""
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    latest: dict[str, float] = {}
    for signal in signals:
        payload = signal.to_dict()
        for kind, value in signal.entities():
            key = entity_key(kind, value)
            by_entity[key].append(payload)
            latest[key] = max(latest.get(key, signal.ts), signal.ts)
    return [
        OutboundMessage(
            topic=topic, value=orjson.dumps(payloads), key=key.encode(), timestamp_s=latest[key]
        )
        for key, payloads in by_entity.items()
    ]


class AlertDocumentWriter:
    """Writes alert revisions to the alerts data stream (each revision its own ``_id``)."""

    def __init__(self, sink: BulkSink, index: str) -> None:
        self._sink = sink
        self._index = index

    async def __call__(self, documents: list[dict[str, Any]]) -> None:
        ingested = ingest_time()
        for document in documents:
            document["event"]["ingested"] = ingested  # Security's External Alerts orders by it
        actions = [BulkAction(self._index, revision_id(d), d) for d in documents]
        result = await self._sink.write(actions)
        for failure in result.failures:
            log.error("alert rejected by the sink: %s", failure.reason)
        for document in documents:
            if document["logwarden"]["alert"]["revision"] == 1:
                metrics.ALERTS.labels(rule=document["rule"]["id"]).inc()


def register_alerting(
    app: faust.App, settings: Settings, engine: AlertEngine, write: AlertWriter
) -> faust.TopicT:
    """Register the signals topic, the entity table, the agent and the sweep on ``app``."""
    signals = app.topic(settings.signals_topic, partitions=settings.topic_partitions)
    # Keys and values are raw bytes: the entity key as produced (so the partitioner puts a
    # key's changelog where its signals are), the state as orjson.
    table: Any = app.tables.add(
        EntityTable(
            app,
            name=TABLE_NAME,
            default=None,
            beacon=app.tables.beacon,
            key_type=bytes,
            value_type=bytes,
            partitions=settings.topic_partitions,
        )
    )
    watermark = {"ts": 0.0}

    @app.agent(signals, name="alerting")
    async def alerting(stream: Any) -> None:
        async for event in stream.events():
            key: bytes = event.key
            try:
                batch = [Signal.from_dict(item) for item in orjson.loads(event.value)]
            except (orjson.JSONDecodeError, TypeError, ValueError) as error:
                log.error("unreadable signals message for %r skipped: %s", key, error)
                continue
            state, documents = engine.process_entity(key.decode(), entity_state(table, key), batch)
            _store(table, key, state)
            watermark["ts"] = max(watermark["ts"], *(s.ts for s in batch))
            if documents:
                await write(documents)

    @app.timer(SWEEP_INTERVAL_S)  # type: ignore[untyped-decorator]  # Faust's is untyped
    async def sweep() -> None:
        """Close expired alerts and forget idle entities (bounded state under any key churn)."""
        documents: list[dict[str, Any]] = []
        for key in list(table.keys()):
            state, emitted = engine.sweep(
                key.decode(), entity_state(table, key) or {}, watermark["ts"]
            )
            _store(table, key, state)
            documents += emitted
        if documents:
            await write(documents)
        metrics.ALERTING_ENTITIES.set(len(table))

    del alerting, sweep  # registered on the app
    return signals


def entity_state(table: Any, key: bytes) -> dict[str, Any] | None:
    """One entity's engine state from the table (``None`` when it has none)."""
    raw = table.get(key)
    return orjson.loads(raw) if raw else None


def _store(table: Any, key: bytes, state: dict[str, Any] | None) -> None:
    if state is not None:
        table[key] = orjson.dumps(state)
    elif key in table:
        del table[key]
