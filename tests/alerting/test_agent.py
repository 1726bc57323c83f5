"""The alerting agent live over the real test broker (Faust apps started in-process).

Signals go through the same path as the worker's: ``signal_messages`` groups them per entity
and keys them by it, the agent keeps each entity's state in its Faust table.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import faust
import pytest
from aiokafka.partitioner import DefaultPartitioner
from kafka import KafkaProducer

from classifiers.alerting import AlertEngine
from connectors.kafka import KafkaConnection, ensure_topics
from connectors.local_broker import LocalBroker
from stream.alerting import (
    TABLE_NAME,
    entity_state,
    key_partition,
    register_alerting,
    signal_messages,
)
from stream.app import create_app
from stream.config import Settings
from tests.alerting.signals import failure
from tests.conftest import TEST_SESSION_TIMEOUT_S

pytestmark = pytest.mark.slow
BRUTE_FORCE = "logwarden-brute-force-source"


def _settings(broker: LocalBroker, app_id: str, tmp_path: Path) -> Settings:
    return Settings(
        broker_url=broker.url,
        app_id=app_id,
        topic_partitions=1,
        kafka_session_timeout_s=TEST_SESSION_TIMEOUT_S,
        state_dir=tmp_path / app_id,
    )


class Agent:
    """One worker's alerting agent: a Faust app with the engine, collecting its alerts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.alerts: list[dict[str, Any]] = []
        self.app: faust.App = create_app(settings, web_enabled=False)
        register_alerting(self.app, settings, AlertEngine(), self._collect)

    async def _collect(self, documents: list[dict[str, Any]]) -> None:
        self.alerts.extend(documents)

    async def __aenter__(self) -> Agent:
        await self.app.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.stop()

    def rules(self) -> set[str]:
        return {a["rule"]["id"] for a in self.alerts}


def _produce(broker: LocalBroker, settings: Settings, signals: list[Any]) -> None:
    """Send signals as the log pipeline does (one message per entity, keyed by it)."""
    producer = KafkaProducer(**KafkaConnection([broker.bootstrap]).client_options())
    try:
        for message in signal_messages(settings.signals_topic, signals):
            producer.send(message.topic, key=message.key, value=message.value)
        producer.flush()
    finally:
        producer.close()


async def _wait(predicate: Any, seconds: float = 60.0) -> bool:
    for _ in range(int(seconds / 0.25)):
        if predicate():
            return True
        await asyncio.sleep(0.25)
    return False


async def test_two_app_ids_on_one_broker_never_see_each_others_signals(
    broker: LocalBroker, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    one = _settings(broker, f"alpha-{run}", tmp_path)
    two = _settings(broker, f"beta-{run}", tmp_path)
    assert one.signals_topic != two.signals_topic
    connection = KafkaConnection([broker.bootstrap])
    ensure_topics(connection, {one.signals_topic: 1, two.signals_topic: 1})
    async with Agent(one) as first, Agent(two) as second:
        attack = [failure(i, "198.51.100.7", f"u{i % 5}") for i in range(20)]
        await asyncio.get_running_loop().run_in_executor(None, _produce, broker, one, attack)
        assert await _wait(lambda: BRUTE_FORCE in first.rules()), first.alerts
        await asyncio.sleep(3.0)  # time for the other deployment to (wrongly) react
    assert second.alerts == []


async def test_entity_windows_survive_a_worker_restart(broker: LocalBroker, tmp_path: Path) -> None:
    settings = _settings(broker, f"restart-{uuid.uuid4().hex[:8]}", tmp_path)
    ensure_topics(KafkaConnection([broker.bootstrap]), {settings.signals_topic: 1})
    source = "198.51.100.8"
    before = [failure(i, source, f"u{i % 5}") for i in range(15)]
    after = [failure(100 + i, source, f"u{i % 5}") for i in range(5)]
    loop = asyncio.get_running_loop()
    async with Agent(settings) as first:
        await loop.run_in_executor(None, _produce, broker, settings, before)
        table = first.app.tables[TABLE_NAME]
        key = f"source.ip|{source}".encode()
        assert await _wait(lambda: len((entity_state(table, key) or {}).get("fail", [])) == 15)
        assert first.alerts == []  # 15 failures: below the threshold of 20
    async with Agent(settings) as second:  # a fresh process's app: memory store, changelog only
        await loop.run_in_executor(None, _produce, broker, settings, after)
        assert await _wait(lambda: BRUTE_FORCE in second.rules()), second.alerts
    brute = next(a for a in second.alerts if a["rule"]["id"] == BRUTE_FORCE)
    assert brute["logwarden"]["alert"]["count"] == 20  # 15 remembered + 5 new
    assert brute["source"]["ip"] == source


@pytest.mark.parametrize("partitions", [1, 3, 4, 12])
def test_an_entitys_state_is_kept_on_the_partition_of_its_signals(partitions: int) -> None:
    """The table writes a key's changelog where the producer's default partitioner puts that
    key's signals, so one worker owns both."""
    keys = [f"source.ip:10.0.{n // 256}.{n % 256}".encode() for n in range(500)]
    everything = list(range(partitions))
    for key in keys:
        assert key_partition(key, partitions) == DefaultPartitioner()(key, everything, everything)
    assert len({key_partition(key, partitions) for key in keys}) == partitions
