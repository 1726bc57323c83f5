"""Windowed detections, live over the real test broker (a Faust app started in-process).

Signals are produced to a one-partition topic, so the agents see them in order: the keys that
must stay silent (N-1 failures, M-1 users, a small error count) come first, and an alert for a
later key proves the earlier ones were processed. Table recovery after a restart is not tested
here: the local broker reports wrong partition end offsets, so recovery can be incomplete on it.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest

from connectors.kafka import ensure_topics, produce_records
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import LocalBroker
from stream.config import Settings
from stream.detections import DetectionRules, register_detections, signal_from_event

pytestmark = pytest.mark.slow
BASE_TS = 1_700_000_000.0


def _signal(ts: float, label: str, ref: str, **fields: Any) -> bytes:
    return orjson.dumps({"ts": BASE_TS + ts, "label": label, "ref": ref, **fields})


async def _run_detections(
    broker: LocalBroker,
    records: list[bytes],
    rules: DetectionRules,
    expected: set[str],
    datadir: Path,
) -> list[dict[str, Any]]:
    """Start an app, produce ``records``, return the alerts once every expected rule|key fired."""
    settings = Settings(broker_url=broker.url, topic_partitions=1)
    app = faust.App(
        f"dettest-{uuid.uuid4().hex[:8]}",
        broker=broker.url,
        store="memory://",
        datadir=datadir,
        web_enabled=False,
        broker_session_timeout=5.0,
        topic_partitions=1,
    )
    alerts: list[dict[str, Any]] = []

    async def collect(alert: dict[str, Any]) -> None:
        alerts.append(alert)

    register_detections(app, settings, collect, rules)
    connection = KafkaConnection([broker.bootstrap])
    ensure_topics(connection, {rules.topic: 1})
    await app.start()
    try:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, produce_records, connection, rules.topic, records)
        for _ in range(240):
            if expected <= {_key(alert) for alert in alerts}:
                break
            await asyncio.sleep(0.25)
    finally:
        await app.stop()
    return alerts


def _key(alert: dict[str, Any]) -> str:
    subject = alert.get("source", {}).get("ip") or alert.get("host", {}).get("hostname")
    return f"{alert['rule']['id']}|{subject}"


async def test_windowed_rules_fire_at_threshold_and_not_below(
    broker: LocalBroker, tmp_path: Path
) -> None:
    rules = DetectionRules(
        brute_force_threshold=5,
        brute_force_window_s=300,
        spray_min_users=4,
        spray_window_s=600,
        burst_window_s=60,
        burst_factor=5,
        burst_min_count=6,
        topic=f"signals-{uuid.uuid4().hex[:8]}",
    )
    records = []
    # N-1 failures from one address (same user, so no spraying either).
    records += [
        _signal(i, "auth_failure", f"quiet{i}", source_ip="203.0.113.4", user="root")
        for i in range(4)
    ]
    # 3 users from one address: below the spraying threshold, below brute force too.
    records += [
        _signal(i, "auth_failure", f"few{i}", source_ip="203.0.113.5", user=f"u{i}")
        for i in range(3)
    ]
    # 5 failures on a quiet host within one window: below burst_min_count.
    records += [_signal(600 + i, "service_failure", f"small{i}", host="db-1") for i in range(5)]
    # A host with one failure per minute for five minutes, then a burst of 6 in a minute.
    records += [_signal(60 * w, "service_failure", f"base{w}", host="web-1") for w in range(5)]
    records += [_signal(360 + i, "service_failure", f"burst{i}", host="web-1") for i in range(6)]
    # Exactly N failures from one address, to N different users: brute force and spraying.
    records += [
        _signal(10 + i * 20, "auth_failure", f"loud{i}", source_ip="198.51.100.7", user=f"user{i}")
        for i in range(5)
    ]
    expected = {
        "logwarden-brute-force|198.51.100.7",
        "logwarden-password-spraying|198.51.100.7",
        "logwarden-error-burst|web-1",
    }
    alerts = await _run_detections(broker, records, rules, expected, tmp_path)
    fired = sorted(_key(alert) for alert in alerts)
    assert fired == sorted(expected)
    brute = next(a for a in alerts if a["rule"]["id"] == "logwarden-brute-force")
    assert brute["logwarden"]["detection"]["events"] == [f"loud{i}" for i in range(5)]
    assert brute["event"]["kind"] == "alert"
    spray = next(a for a in alerts if a["rule"]["id"] == "logwarden-password-spraying")
    assert spray["related"]["user"] == [f"user{i}" for i in range(4)]
    burst = next(a for a in alerts if a["rule"]["id"] == "logwarden-error-burst")
    assert burst["logwarden"]["detection"]["events"] == [f"burst{i}" for i in range(6)]


def test_signal_from_event_keeps_only_counted_labels() -> None:
    event = {
        "@timestamp": "2024-03-01T10:00:00Z",
        "source": {"ip": "1.2.3.4"},
        "user": {"name": "root"},
        "host": {"hostname": "h"},
    }
    signal = signal_from_event(event, "auth_failure", "doc-1")
    assert signal is not None
    assert (signal.source_ip, signal.user, signal.host, signal.ref) == (
        "1.2.3.4",
        "root",
        "h",
        "doc-1",
    )
    assert signal.ts == pytest.approx(1709287200.0)
    assert signal_from_event(event, "benign", "doc-2") is None
