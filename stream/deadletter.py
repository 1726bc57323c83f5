"""``logwarden deadletter replay``: re-feed dead-lettered records after a fix.

Reads ``logs.deadletter`` with its own consumer group (so a second replay does not re-send
what the first one did), optionally filtered by stage or reason, and produces each original
value back to the topic it came from, with its trace headers. Records that were cut because
they were over the size limit cannot be replayed faithfully and are skipped and counted.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, KafkaProducer

from connectors.kafka_connection import KafkaConnection
from stream.records import DEADLETTER_PREFIX

REPLAY_GROUP_SUFFIX = ".deadletter-replay"


@dataclass(frozen=True)
class ReplayFilter:
    """Which dead letters to replay (all by default)."""

    stage: str | None = None
    reason_contains: str | None = None

    def accepts(self, stage: str, reason: str) -> bool:
        if self.stage and stage != self.stage:
            return False
        return not (self.reason_contains and self.reason_contains not in reason)


@dataclass
class ReplayReport:
    """What a replay did."""

    read: int = 0
    replayed: int = 0
    skipped_filter: int = 0
    skipped_truncated: int = 0
    by_stage: Counter[str] = field(default_factory=Counter)


def _header(headers: list[tuple[str, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == DEADLETTER_PREFIX + name:
            return value.decode("utf-8", "replace")
    return None


def _records(consumer: KafkaConsumer, join_timeout_s: float) -> Iterator[Any]:
    """Records until the topic is idle; the idle clock starts once the group has joined."""
    deadline = time.monotonic() + join_timeout_s
    while not consumer.assignment() and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=250).values():
            yield from records
    yield from consumer


def replay_deadletters(
    connection: KafkaConnection,
    deadletter_topic: str,
    group_id: str,
    only: ReplayFilter,
    *,
    target_topic: str | None = None,
    dry_run: bool = False,
    idle_timeout_s: float = 3.0,
    join_timeout_s: float = 60.0,
    on_record: Callable[[], None] | None = None,
) -> ReplayReport:
    """Replay until the dead-letter topic has been quiet for ``idle_timeout_s``."""
    report = ReplayReport()
    consumer = KafkaConsumer(
        deadletter_topic,
        group_id=group_id + REPLAY_GROUP_SUFFIX,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(idle_timeout_s * 1000),
        **connection.client_options(),
    )
    producer = None if dry_run else KafkaProducer(acks="all", **connection.client_options())
    try:
        for record in _records(consumer, join_timeout_s):
            report.read += 1
            headers = list(record.headers or [])
            stage = _header(headers, "stage") or "unknown"
            reason = _header(headers, "reason") or ""
            source = target_topic or _header(headers, "source.topic")
            if not only.accepts(stage, reason) or source is None:
                report.skipped_filter += 1
            elif _header(headers, "truncated.from") is not None:
                report.skipped_truncated += 1
            else:
                report.replayed += 1
                report.by_stage[stage] += 1
                if producer is not None:
                    passthrough = [(k, v) for k, v in headers if k in ("traceparent", "tracestate")]
                    producer.send(source, value=record.value, headers=passthrough)
            if on_record:
                on_record()
        if producer is not None:
            producer.flush()
            consumer.commit()
    finally:
        consumer.close()
        if producer is not None:
            producer.close()
    return report
