"""The local broker fixture is a real Kafka-compatible broker."""

from __future__ import annotations

import uuid

import psutil
import pytest

from connectors.kafka import ensure_topics, produce_records
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import LocalBroker, LocalBrokerError
from tests.kafka_helpers import consume_all


def test_round_trip_keeps_values_and_headers(kafka: KafkaConnection) -> None:
    topic = f"roundtrip-{uuid.uuid4().hex[:8]}"
    assert ensure_topics(kafka, {topic: 3}) == [topic]
    values = [f"line {i} é".encode() for i in range(50)] + [b"\xff\xfe not utf-8"]
    report = produce_records(
        kafka,
        topic,
        values,
        headers=lambda i: [("traceparent", f"00-{i:032x}-{i:016x}-01".encode())],
    )
    assert report.sent == len(values) and report.failed == 0

    records = consume_all(kafka, topic, len(values))
    assert sorted(r.value for r in records) == sorted(values)
    by_value = {r.value: dict(r.headers) for r in records}
    assert by_value[values[7]]["traceparent"] == f"00-{7:032x}-{7:016x}-01".encode()
    assert {r.partition for r in records} <= {0, 1, 2}


def test_ensure_topics_is_idempotent(kafka: KafkaConnection) -> None:
    topic = f"idem-{uuid.uuid4().hex[:8]}"
    assert ensure_topics(kafka, {topic: 2}) == [topic]
    assert ensure_topics(kafka, {topic: 2}) == []


def test_busy_port_is_an_error_not_a_silent_exit(broker: LocalBroker) -> None:
    with pytest.raises(LocalBrokerError, match=r"before listening|did not listen"):
        LocalBroker(port=broker.port).start(timeout_s=5)


def test_stop_leaves_no_process() -> None:
    with LocalBroker() as local:
        pid = local.pid
        assert pid is not None and psutil.pid_exists(pid)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
