"""Kafka edges that Faust does not cover: topic administration and a bulk file producer.

:class:`KafkaConnection` (how to reach the cluster) comes from :mod:`connectors.kafka_connection`.

kafka-python is used here (not aiokafka) because these are short, synchronous jobs run from
the CLI, the demo and the benchmarks, outside any event loop.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kafka import KafkaAdminClient, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

# Re-exported (explicitly, for strict type checking) for code that imports it from here.
from connectors.kafka_connection import KafkaConnection as KafkaConnection

Headers = Sequence[tuple[str, bytes]]


def ensure_topics(
    connection: KafkaConnection,
    topics: Mapping[str, int],
    replication_factor: int = 1,
    timeout_s: float = 30.0,
) -> list[str]:
    """Create the topics that are missing, with explicit partition counts.

    Returns the names that were created. Existing topics are left as they are: changing a
    partition count would move keys between partitions and break windowed state.
    """
    admin = _admin(connection, timeout_s)
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=partitions, replication_factor=replication_factor)
            for name, partitions in topics.items()
            if name not in existing
        ]
        if not missing:
            return []
        # Another worker may create them at the same moment.
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics(missing, timeout_ms=int(timeout_s * 1000))
        return [t.name for t in missing]
    finally:
        admin.close()


def committed_offsets(
    connection: KafkaConnection,
    group_id: str,
    partitions: Sequence[TopicPartition] | None = None,
    timeout_s: float = 10.0,
) -> dict[TopicPartition, int]:
    """Offsets a consumer group has committed, for the given partitions (or all it has)."""
    admin = _admin(connection, timeout_s)
    try:
        spec = list(partitions) if partitions is not None else None
        offsets = admin.list_group_offsets({group_id: spec}).get(group_id, {})
        return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        admin.close()


class BrokersUnreachableError(RuntimeError):
    """No broker of the bootstrap list answered in time."""


def wait_for_brokers(connection: KafkaConnection, timeout_s: float) -> None:
    """Return once a broker answers; else one :class:`BrokersUnreachableError` naming them.

    kafka-python logs every failed attempt; those lines are held back here, since the caller
    reports the failure once.
    """
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL)
    try:
        _admin(connection, timeout_s).close()
    except KafkaError as exc:
        servers = ", ".join(connection.bootstrap_servers)
        raise BrokersUnreachableError(
            f"no Kafka broker answered at {servers} within {timeout_s:.0f} s "
            f"({type(exc).__name__}); check LOGWARDEN_BROKER_URL and that the brokers are up"
        ) from exc
    finally:
        kafka_log.setLevel(level)


def _admin(connection: KafkaConnection, timeout_s: float) -> KafkaAdminClient:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return KafkaAdminClient(
                client_id="logwarden-admin",
                request_timeout_ms=int(timeout_s * 1000),
                bootstrap_timeout_ms=int(timeout_s * 1000),
                **connection.client_options(),
            )
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class ProduceReport:
    """What a bulk produce run delivered, per partition (end offset = last offset + 1)."""

    sent: int = 0
    failed: int = 0
    bytes: int = 0
    end_offsets: dict[int, int] = field(default_factory=dict)


def iter_file_records(path: Path) -> Iterator[bytes]:
    """Lines of a log or JSON-lines file as raw bytes, without the line ending.

    Bytes are passed through untouched, so invalid UTF-8 reaches the pipeline (and its
    dead-letter topic) exactly as it was written. Blank lines are skipped.
    """
    with path.open("rb") as handle:
        for line in handle:
            record = line.rstrip(b"\r\n")
            if record:
                yield record


class RateLimiter:
    """Spaces calls to at most ``rate`` per second (``None`` = unlimited)."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._next = clock()

    def wait(self) -> None:
        """Block until the next call is allowed."""
        if not self._interval:
            return
        now = self._clock()
        if now < self._next:
            time.sleep(self._next - now)
            now = self._next
        self._next = max(self._next + self._interval, now - 1.0)


def produce_records(
    connection: KafkaConnection,
    topic: str,
    records: Iterable[bytes],
    *,
    rate: float | None = None,
    headers: Callable[[int], Headers] | None = None,
    on_sent: Callable[[int], None] | None = None,
) -> ProduceReport:
    """Produce raw records to a topic, optionally rate limited, and wait for every ack.

    ``headers(i)`` may attach Kafka headers (e.g. a W3C ``traceparent``) to record ``i``.
    The producer is neither idempotent nor transactional so it works on every broker.
    """
    producer = KafkaProducer(
        acks="all", linger_ms=5, batch_size=256 * 1024, **connection.client_options()
    )
    report = ProduceReport()
    limiter = RateLimiter(rate)

    def delivered(size: int, metadata: object) -> None:
        report.sent += 1
        report.bytes += size
        partition, offset = metadata.partition, metadata.offset  # type: ignore[attr-defined]
        report.end_offsets[partition] = max(report.end_offsets.get(partition, 0), offset + 1)
        if on_sent:
            on_sent(1)

    def failed(_exc: BaseException) -> None:
        report.failed += 1

    try:
        for index, record in enumerate(records):
            limiter.wait()
            future = producer.send(
                topic, value=record, headers=list(headers(index)) if headers else None
            )
            future.add_callback(partial(delivered, len(record)))
            future.add_errback(failed)
        producer.flush()
    finally:
        producer.close()
    return report
