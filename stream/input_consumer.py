"""The input side of a worker: ``logs.raw`` and ``tickets.raw`` read in batches with aiokafka.

Faust hands every record to an agent one at a time (an Event, sensor calls, queue hand-offs
and tasks per record): measured here a passthrough Faust agent moves ~4,400 records/s per
process where aiokafka's ``getmany`` reads ~200,000/s. The inputs need none of that per-record
machinery, so this service reads them with a plain aiokafka group consumer (group ``app_id``,
the group the chart's KEDA scaler watches) and gives each topic's records to its batch
handler. Faust keeps what needs it: the windowed detection tables and the web server.

Two batches may be in flight: while one waits for Elasticsearch and the broker, the next is
parsed and classified (the handlers keep their CPU stages in arrival order). Not more, so an
Elasticsearch outage stops the reading (backpressure) with bounded memory.

At least once: a batch's offsets are committed only after its handlers returned, i.e. its
documents are acknowledged and its dead letters and tickets produced, and after the batch
before it was committed (commits stay in order). A rebalance waits until no batch is in
flight; a crash before a commit replays the batch, which the sink's deterministic ``_id``
turns into duplicates-ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from mode import Service

from stream.config import Settings
from stream.connections import kafka_connection
from stream.metrics import CONSUMER_LAG
from stream.records import RawRecord

log = logging.getLogger(__name__)

BatchHandler = Callable[[list[RawRecord]], Awaitable[Any]]
FailureHandler = Callable[[Sequence[RawRecord], Exception], Awaitable[None]]
Batches = Mapping[TopicPartition, Sequence[Any]]

#: Start of the log line naming a worker's input partitions after a rebalance.
ASSIGNED_PREFIX = "input partitions assigned: "
#: Batches processed at once: one writing while the next one is parsed and classified.
BATCHES_IN_FLIGHT = 2
#: How long the broker may hold a fetch for more data: short, so a quiet stream's records do
#: not wait (aiokafka's 500 ms default added ~120 ms to the median latency at 1,000 events/s).
FETCH_MAX_WAIT_MS = 50
#: Largest fetch per partition; an over-size record still arrives whole (KIP-74).
MAX_PARTITION_FETCH_BYTES = 4 * 1024 * 1024


def raw_record(record: Any) -> RawRecord:
    """An aiokafka ``ConsumerRecord`` as the pipeline's record type (positional arguments:
    this runs once per event)."""
    stamp = record.timestamp
    return RawRecord(
        record.topic,
        record.partition,
        record.offset,
        record.value if record.value is not None else b"",
        record.headers or (),
        stamp if stamp and stamp > 0 else None,
    )


def consumer_options(settings: Settings) -> dict[str, Any]:
    """aiokafka keyword arguments: the shared connection and timeouts, plus this group's reading."""
    return {
        **kafka_connection(settings).aiokafka_options(),
        "group_id": settings.app_id,
        "client_id": f"{settings.app_id}-inputs",
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "fetch_max_wait_ms": FETCH_MAX_WAIT_MS,
        "max_partition_fetch_bytes": MAX_PARTITION_FETCH_BYTES,
        "fetch_max_bytes": 4 * MAX_PARTITION_FETCH_BYTES,
    }


class _Rebalance(ConsumerRebalanceListener):
    """Lets partitions go only once the in-flight batch is processed and committed."""

    def __init__(self, service: InputConsumer) -> None:
        self._service = service

    async def on_partitions_revoked(self, revoked: Any) -> None:
        await self._service.wait_idle()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        log.info("%s%s", ASSIGNED_PREFIX, sorted(f"{t.topic}/{t.partition}" for t in assigned))
        if self._service.on_assigned is not None:
            self._service.on_assigned()


class InputConsumer(Service):
    """Batches from the input topics → their handlers → commit, in order."""

    def __init__(
        self,
        settings: Settings,
        handlers: Mapping[str, BatchHandler],
        *,
        on_failure: FailureHandler,
        on_assigned: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self._settings = settings
        self._handlers = dict(handlers)
        self._on_failure = on_failure
        self.on_assigned = on_assigned
        self._slots = asyncio.Semaphore(BATCHES_IN_FLIGHT)
        self._in_flight: set[asyncio.Future[None]] = set()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        super().__init__(**kwargs)

    async def on_start(self) -> None:
        consumer = AIOKafkaConsumer(**consumer_options(self._settings))
        consumer.subscribe(list(self._handlers), listener=_Rebalance(self))
        await consumer.start()
        self._consumer = consumer
        self._task = asyncio.ensure_future(self._consume(consumer))

    async def on_stop(self) -> None:
        """Let the loop finish its batch (``should_stop`` is already set), then leave the group."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def wait_idle(self) -> None:
        """Until no batch is in flight (every one processed and committed)."""
        while self._in_flight:
            await asyncio.wait(set(self._in_flight))

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        wait_ms = int(self._settings.batch_max_wait_s * 1000)
        limit = self._settings.batch_max_size
        previous: asyncio.Future[None] | None = None
        try:
            while not self.should_stop:
                await self._slots.acquire()
                try:
                    batches = {}
                    if not self.should_stop:
                        batches = await consumer.getmany(timeout_ms=wait_ms, max_records=limit)
                finally:
                    if not batches:
                        self._slots.release()
                if not batches:
                    continue
                previous = asyncio.ensure_future(self._batch(consumer, batches, previous))
                self._in_flight.add(previous)
                previous.add_done_callback(self._in_flight.discard)
            await self.wait_idle()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the loop itself broke: let the worker crash and restart
            log.exception("input consumer stopped")
            await self.crash(exc)

    async def _batch(
        self, consumer: AIOKafkaConsumer, batches: Batches, previous: asyncio.Future[None] | None
    ) -> None:
        """Process one batch, then commit it once the batch before it is committed."""
        try:
            await self._process(batches)
            if previous is not None:
                await asyncio.wait({previous})
            await self._commit(consumer, batches)
        except Exception as exc:  # a commit or bookkeeping bug: crash, the batch is replayed
            log.exception("input batch failed")
            await self.crash(exc)
        finally:
            self._slots.release()

    async def _process(self, batches: Batches) -> None:
        by_topic: dict[str, list[RawRecord]] = {}
        for tp, records in batches.items():
            by_topic.setdefault(tp.topic, []).extend(map(raw_record, records))
        await asyncio.gather(*(self._handle(topic, rs) for topic, rs in by_topic.items()))

    async def _handle(self, topic: str, records: list[RawRecord]) -> None:
        """Run one topic's handler; a batch that fails unexpectedly (a bug, not a bad record)
        is dead-lettered whole, so its records stay replayable instead of lost."""
        try:
            await self._handlers[topic](records)
        except Exception as exc:
            log.exception("batch of %d records from %s failed", len(records), topic)
            await self._on_failure(records, exc)

    async def _commit(self, consumer: AIOKafkaConsumer, batches: Batches) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batches.items() if records}
        try:
            await consumer.commit(offsets)
        except KafkaError as exc:  # partitions moved meanwhile: the new owner replays them
            log.warning("commit of %d partitions failed: %r", len(offsets), exc)
            return
        for tp, next_offset in offsets.items():
            highwater = consumer.highwater(tp)
            if highwater is not None and highwater >= 0:
                CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(
                    max(0, highwater - next_offset)
                )
