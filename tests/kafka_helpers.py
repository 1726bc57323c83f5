"""Reading topics back in tests, with kafka-python (independent of the code under test)."""

from __future__ import annotations

from kafka import KafkaConsumer
from kafka.consumer.fetcher import ConsumerRecord

from connectors.kafka_connection import KafkaConnection


def consume_all(
    kafka: KafkaConnection, topic: str, expected: int, timeout_s: float = 5.0
) -> list[ConsumerRecord]:
    """Records of ``topic`` from the start, stopping at ``expected`` or after a quiet spell."""
    consumer = KafkaConsumer(
        topic,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(timeout_s * 1000),
        group_id=None,
        **kafka.client_options(),
    )
    records: list[ConsumerRecord] = []
    try:
        for record in consumer:
            records.append(record)
            if len(records) >= expected:
                break
    finally:
        consumer.close()
    return records
