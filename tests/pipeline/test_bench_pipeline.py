"""``logwarden bench pipeline``: its JSON contract from a small real run, and its arithmetic."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import namedtuple

import orjson
import pytest

from benches.pipeline import _Drain, _steal_share, cpu_per_event, quantile

CONTRACT = (
    "events_per_s_1_worker",
    "events_per_s_2_workers",
    "faust_passthrough_events_per_s",
    "aiokafka_consume_events_per_s",
    "p50_latency_ms",
    "p99_latency_ms",
    "rss_mb",
)


def test_cpu_per_event_splits_the_machine_and_gives_the_ceiling() -> None:
    drain = _Drain(1_000, 2_000.0, 2_500.0, [0.2, 0.2], broker_cpu_s=0.03, bench_cpu_s=0.02)
    figures = cpu_per_event(drain, cpu_count=2)
    assert figures == {
        "workers_us": 400.0,
        "broker_us": 30.0,
        "es_test_server_and_bench_us": 20.0,
        "total_us": 450.0,
        "cpu_bound_events_per_s": pytest.approx(4444.4, abs=0.1),
    }
    external = cpu_per_event(_Drain(1_000, 1.0, 1.0, [0.4], None, 0.0), cpu_count=2)
    assert external["broker_us"] is None and external["total_us"] == 400.0


def test_quantile_interpolates_within_the_bucket() -> None:
    buckets = {0.1: 50.0, 0.2: 90.0, 0.5: 100.0, float("inf"): 100.0}
    assert quantile(buckets, 0.5) == pytest.approx(0.1)
    assert quantile(buckets, 0.7) == pytest.approx(0.15)
    assert quantile(buckets, 0.99) == pytest.approx(0.47)
    assert quantile({}, 0.5) != quantile({}, 0.5)  # NaN: no observations


def test_steal_share_is_stolen_time_over_all_cpu_time() -> None:
    times = namedtuple("times", "user system idle steal")
    assert _steal_share(times(10, 5, 80, 5), times(40, 10, 90, 20)) == pytest.approx(0.25)
    assert _steal_share((1.0, 2.0), (2.0, 3.0)) is None  # no steal column on this platform


@pytest.mark.slow
def test_json_has_the_contract_keys_measured_in_a_small_run(models: None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGWARDEN_")}
    result = subprocess.run(
        [sys.executable, "-m", "stream.cli", "bench", "pipeline", "--json",
         "--events", "2000", "--latency-events", "500"],
        capture_output=True, timeout=600, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    figures = orjson.loads(result.stdout)
    for key in CONTRACT:
        assert figures[key] > 0, key
    assert figures["p50_latency_ms"] <= figures["p99_latency_ms"]
    cpu = figures["cpu_per_event_2_workers"]
    parts = cpu["workers_us"] + cpu["broker_us"] + cpu["es_test_server_and_bench_us"]
    assert cpu["total_us"] == pytest.approx(parts, abs=0.2)
    assert cpu["cpu_bound_events_per_s"] > 0
    assert len(figures["cpu_steal_share_1_2_workers"]) == 2
