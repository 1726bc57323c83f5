"""``logwarden bench pipeline``: what the whole pipeline sustains, next to its framework.

Measured in one run, on the same broker and the same pre-generated log lines:

* a raw aiokafka consumer (the ceiling of reading from Kafka in Python);
* a plain Faust passthrough agent (the framework's own per-record cost) and the worker's
  own batch input consumer with a handler that only counts (the input path's ceiling);
* the real worker (parse, scrub, classify + novelty with the shipped model, enrich, bulk
  index, commit) with 1 and 2 worker processes, each warmed up on 40,000 other lines: events/s
  from a backlog on ``logs.raw`` to committed offsets, which the worker only commits after the
  sink acknowledged the writes;
* end-to-end latency (Kafka record timestamp to acknowledged write, from the worker's own
  histogram) while producing at 1,000 events/s to a warmed-up worker, with the produce rate
  actually reached;
* the largest worker RSS seen.

The machine may be shared, so wall-clock rates depend on what else runs: every pipeline run
also reports events per CPU-second of its worker processes (CPU time between the first and the
last commit), each worker's CPU seconds (both busy = the partitions are spread) and the load
average around the run.

Without ``LOGWARDEN_BROKER_URL``/``LOGWARDEN_ELASTICSEARCH_URL`` it starts (and stops) the
embedded broker and the Elasticsearch test server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from aiokafka import AIOKafkaConsumer
from kafka import KafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families
from rich.console import Console
from rich.table import Table

from classifiers.logs.generator import generate
from connectors.kafka import ensure_topics, produce_records
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import LocalBroker, free_loopback_port
from connectors.process_groups import stop_process_groups
from stream.config import Settings
from stream.connections import kafka_connection
from stream.worker import tune_garbage_collector

#: The source checkout holding ``benches/`` (the harness only runs from one).
CHECKOUT = Path(__file__).resolve().parent.parent
BENCH_SEED = 7
#: The latency run's warm-up lines come from another seed: same kinds of logs, other values.
WARMUP_SEED = 8
#: Share of benign lines in the benchmark stream (real logs are mostly benign).
BENIGN_SHARE = 0.9
STOP_GRACE_S = 15.0


class BenchError(RuntimeError):
    """A benchmark run did not complete."""


@dataclass(frozen=True)
class BenchConfig:
    """Sizes of the runs."""

    events: int = 30_000
    latency_events: int = 5_000
    latency_warmup_events: int = 5_000
    #: Each worker's prediction cache reaches its steady hit rate on the generated stream after
    #: about 40,000 events (model rows per event: 0.62 over the first 10,000, 0.21-0.23 up to
    #: 30,000, then 0.10-0.18); a shorter warm-up measures a worker still filling its cache, and
    #: two workers, each seeing half the stream, twice as far from steady.
    throughput_warmup_events_per_worker: int = 40_000
    latency_rate: float = 1_000.0
    partitions: int = 4
    timeout_s: float = 300.0


@dataclass
class _Target:
    """Where the runs send data and what the workers are told."""

    connection: KafkaConnection
    env: dict[str, str]
    #: The embedded broker's process, whose CPU the runs report (None: an external broker).
    broker_pid: int | None = None


@contextlib.contextmanager
def _environment(settings: Settings) -> Iterator[_Target]:
    """Use the configured broker/Elasticsearch, or start local ones for the run."""
    env = {k: v for k, v in os.environ.items()}
    # The passthrough consumers run as ``python -m benches.passthrough``: from the checkout.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), env.get("PYTHONPATH")]))
    broker_pid = None
    with contextlib.ExitStack() as stack:
        if "broker_url" not in settings.model_fields_set:  # no broker configured
            broker = stack.enter_context(LocalBroker())
            broker_pid = broker.pid
            env["LOGWARDEN_BROKER_URL"] = broker.url
            env["LOGWARDEN_KAFKA_SESSION_TIMEOUT_S"] = "5"
            connection = KafkaConnection(bootstrap_servers=[broker.bootstrap])
        else:
            connection = kafka_connection(settings)
        if not settings.elasticsearch_url:
            from tests.doubles.es_server import ElasticsearchTestServer

            server = stack.enter_context(ElasticsearchTestServer())
            env["LOGWARDEN_ELASTICSEARCH_URL"] = server.url
        yield _Target(connection, env, broker_pid)


def bench_lines(count: int, seed: int = BENCH_SEED) -> list[bytes]:
    """Realistic mixed lines from the seeded scenario generator, mostly benign."""
    return [line.text.encode() for line in generate(count, seed=seed, benign_share=BENIGN_SHARE)]


def _run_env(target: _Target, name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Worker environment for one run: its own topics and consumer group."""
    prefix = f"bench-{name}-{uuid.uuid4().hex[:6]}"
    env = dict(target.env)
    env.update(
        LOGWARDEN_APP_ID=prefix,
        LOGWARDEN_TOPIC_LOGS_RAW=f"{prefix}.logs.raw",
        LOGWARDEN_TOPIC_TICKETS_RAW=f"{prefix}.tickets.raw",
        LOGWARDEN_TOPIC_DEADLETTER=f"{prefix}.deadletter",
        LOGWARDEN_TOPIC_TICKETS_ROUTED_PREFIX=f"{prefix}.tickets.routed",
        LOGWARDEN_STATE_DIR=str(Path(tempfile.gettempdir()) / prefix),
        LOGWARDEN_LOG_LEVEL="WARNING",
    )
    env.update(extra or {})
    return env


def _committed(admin: KafkaAdminClient, group: str, topic: str) -> int:
    offsets = admin.list_group_offsets({group: None}).get(group, {})
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)


class _Workers:
    """Worker subprocesses of one run, always stopped, with their peak RSS and CPU time."""

    def __init__(self, command: list[str], env: dict[str, str], count: int, log_dir: Path):
        self.processes: list[subprocess.Popen[bytes]] = []
        self._handles: list[psutil.Process] = []
        self.peak_rss_mb = 0.0
        for index in range(count):
            log = (log_dir / f"{env['LOGWARDEN_APP_ID']}-{index}.log").open("wb")
            process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            self.processes.append(process)
            self._handles.append(psutil.Process(process.pid))
            log.close()

    def sample(self) -> None:
        for process, handle in zip(self.processes, self._handles, strict=True):
            if process.poll() is not None:
                raise BenchError(f"worker exited early with status {process.returncode}")
            with contextlib.suppress(psutil.Error):
                self.peak_rss_mb = max(self.peak_rss_mb, handle.memory_info().rss / 2**20)

    def cpu_seconds(self) -> list[float]:
        """User + system CPU time of each worker so far (model threads included)."""
        seconds = []
        for handle in self._handles:
            try:
                times = handle.cpu_times()
                seconds.append(times.user + times.system)
            except psutil.Error as exc:
                raise BenchError(f"worker {handle.pid} is gone: {exc}") from exc
        return seconds

    def stop(self) -> None:
        stop_process_groups(self.processes, STOP_GRACE_S)


@dataclass(frozen=True)
class _Drain:
    """How a run got through its events, between the first and the last commit."""

    events: int
    events_per_s: float
    events_per_cpu_s: float
    cpu_s: list[float]
    #: CPU seconds of the embedded broker (None: external) and of this process, which runs the
    #: test Elasticsearch server and the commit polling, over the same window.
    broker_cpu_s: float | None = None
    bench_cpu_s: float = 0.0
    #: Share of the machine's CPU time the hypervisor gave to other guests meanwhile (Linux
    #: "steal"): the one sign inside a VM that the host, not this run, took the cycles.
    steal_share: float | None = None


def _steal_share(first: Any, last: Any) -> float | None:
    """Steal time between two ``psutil.cpu_times()`` samples, as a share of all CPU time."""
    if not hasattr(first, "steal"):
        return None
    total = sum(last) - sum(first)
    return (last.steal - first.steal) / total if total > 0 else None


def _broker_cpu(target: _Target) -> float | None:
    if target.broker_pid is None:
        return None
    times = psutil.Process(target.broker_pid).cpu_times()
    return float(times.user + times.system)


@dataclass(frozen=True)
class _Sample:
    """Clock, committed offsets and CPU counters at one poll: two of them make a drain."""

    at: float
    committed: int
    worker_cpu: list[float]
    broker_cpu: float | None
    own_cpu: float
    machine: Any  # psutil.cpu_times()

    @classmethod
    def take(cls, target: _Target, workers: _Workers, committed: int) -> _Sample:
        return cls(
            time.monotonic(),
            committed,
            workers.cpu_seconds(),
            _broker_cpu(target),
            time.process_time(),
            psutil.cpu_times(),
        )

    def drain_since(self, first: _Sample) -> _Drain:
        events = self.committed - first.committed
        used = [end - start for end, start in zip(self.worker_cpu, first.worker_cpu, strict=True)]
        elapsed = self.at - first.at
        broker = (
            None
            if self.broker_cpu is None or first.broker_cpu is None
            else self.broker_cpu - first.broker_cpu
        )
        return _Drain(
            events,
            events / elapsed if elapsed > 0 else float("nan"),
            events / sum(used) if sum(used) > 0 else float("nan"),
            used,
            broker,
            self.own_cpu - first.own_cpu,
            _steal_share(first.machine, self.machine),
        )


def _wait_committed(
    target: _Target,
    env: dict[str, str],
    total: int,
    workers: _Workers,
    timeout_s: float,
    *,
    start_after: int = 0,
) -> _Drain:
    """Events/s and events per worker CPU-second from the first commit past ``start_after``
    events to the last one."""
    group, topic = env["LOGWARDEN_APP_ID"], env["LOGWARDEN_TOPIC_LOGS_RAW"]
    deadline = time.monotonic() + timeout_s
    first: _Sample | None = None
    # One admin client for the whole wait: a new one per poll cost this process and the
    # broker ~6 ms of CPU ten times a second, beside the workers being measured.
    admin = KafkaAdminClient(**target.connection.client_options())
    try:
        while time.monotonic() < deadline:
            workers.sample()
            sample = _Sample.take(target, workers, _committed(admin, group, topic))
            if sample.committed > start_after and first is None:
                first = sample
            if sample.committed >= total and first is not None:
                return sample.drain_since(first)
            time.sleep(0.1)
    finally:
        admin.close()
    raise BenchError(f"{topic}: not all {total} events committed within {timeout_s:.0f} s")


def _worker_command(web_port: int | None = None) -> list[str]:
    command = [sys.executable, "-m", "stream.cli", "run"]
    return [*command, "--web-port", str(web_port)] if web_port else [*command, "--without-web"]


def _pipeline_rate(
    target: _Target, lines: list[bytes], workers: int, config: BenchConfig, log_dir: Path
) -> tuple[_Drain, float]:
    """How ``workers`` processes drain a backlog once warm, and their peak RSS.

    Each worker first processes its share of warm-up lines (another seed: same kinds of logs,
    other values): the measured window then holds neither the start-up and partition
    assignment of the later worker nor the filling of each worker's own template and
    prediction caches (see :attr:`BenchConfig.throughput_warmup_events_per_worker`).
    """
    env = _run_env(target, f"{workers}w", {"LOGWARDEN_TOPIC_PARTITIONS": str(config.partitions)})
    topic = env["LOGWARDEN_TOPIC_LOGS_RAW"]
    ensure_topics(target.connection, {topic: config.partitions})
    warmup = bench_lines(config.throughput_warmup_events_per_worker * workers, seed=WARMUP_SEED)
    # Warm-up lines first in the backlog: each partition's share is consumed before its
    # measured lines, and nothing is produced during the measured window.
    produce_records(target.connection, topic, warmup)
    produce_records(target.connection, topic, lines)
    running = _Workers(_worker_command(), env, workers, log_dir)
    try:
        total = len(warmup) + len(lines)
        drain = _wait_committed(
            target, env, total, running, config.timeout_s, start_after=len(warmup)
        )
    finally:
        running.stop()
    return drain, running.peak_rss_mb


def _passthrough_rate(
    target: _Target, lines: list[bytes], config: BenchConfig, log_dir: Path, kind: str
) -> float:
    """Events/s of a counting consumer: ``faust`` (a Faust agent) or ``inputs`` (the worker's)."""
    env = _run_env(target, kind)
    result = log_dir / f"{env['LOGWARDEN_APP_ID']}.rate"
    ensure_topics(target.connection, {env["LOGWARDEN_TOPIC_LOGS_RAW"]: config.partitions})
    produce_records(target.connection, env["LOGWARDEN_TOPIC_LOGS_RAW"], lines)
    command = [sys.executable, "-m", "benches.passthrough", kind, str(len(lines)), str(result)]
    running = _Workers(command, env, 1, log_dir)
    deadline = time.monotonic() + config.timeout_s
    try:
        while not result.exists():
            running.sample()
            if time.monotonic() > deadline:
                raise BenchError(f"the {kind} passthrough consumer did not finish")
            time.sleep(0.1)
    finally:
        running.stop()
    return float(result.read_text())


def _aiokafka_rate(target: _Target, lines: list[bytes], config: BenchConfig) -> float:
    topic = f"bench-aiokafka-{uuid.uuid4().hex[:6]}"
    ensure_topics(target.connection, {topic: config.partitions})
    produce_records(target.connection, topic, lines)

    async def consume() -> float:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=target.connection.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_poll_records=5000,
        )
        await consumer.start()
        try:
            count, started = 0, time.perf_counter()  # metadata is loaded; no group to join
            while count < len(lines):
                batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
                count += sum(len(records) for records in batches.values())
            return count / (time.perf_counter() - started)
        finally:
            await consumer.stop()

    return asyncio.run(consume())


def _histogram(url: str, name: str) -> dict[float, float]:
    """Cumulative bucket counts of one histogram, summed over its label sets."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def quantile(buckets: dict[float, float], q: float) -> float:
    """Quantile from cumulative histogram buckets, linear within the bucket (Prometheus way)."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0.0
    if total <= 0:
        return float("nan")
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 1.0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return bounds[-1]


@dataclass(frozen=True)
class _Latency:
    p50_ms: float
    p99_ms: float
    produced_per_s: float
    rss_mb: float


def _latency(target: _Target, lines: list[bytes], config: BenchConfig, log_dir: Path) -> _Latency:
    """p50/p99 of record timestamp → acknowledged write at a steady produce rate.

    Only the records of the paced run count (histogram difference around it), and the rate
    the producer really reached is reported: on a busy machine it may fall short of the goal.
    """
    port = free_loopback_port()
    env = _run_env(target, "latency", {"LOGWARDEN_WEB_HOST": "127.0.0.1"})
    topic = env["LOGWARDEN_TOPIC_LOGS_RAW"]
    ensure_topics(target.connection, {topic: config.partitions})
    running = _Workers(_worker_command(port), env, 1, log_dir)
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    name = "logwarden_end_to_end_seconds"
    try:
        warmup = bench_lines(config.latency_warmup_events, seed=WARMUP_SEED)
        produce_records(target.connection, topic, warmup)
        _wait_committed(target, env, len(warmup), running, config.timeout_s)
        before = _histogram(metrics_url, name)
        started = time.perf_counter()
        produce_records(target.connection, topic, lines, rate=config.latency_rate)
        produced_per_s = len(lines) / (time.perf_counter() - started)
        _wait_committed(target, env, len(warmup) + len(lines), running, config.timeout_s)
        after = _histogram(metrics_url, name)
    finally:
        running.stop()
    window = {bound: after[bound] - before.get(bound, 0.0) for bound in after}
    return _Latency(
        quantile(window, 0.5) * 1000,
        quantile(window, 0.99) * 1000,
        produced_per_s,
        running.peak_rss_mb,
    )


def run_bench(config: BenchConfig, settings: Settings, console: Console) -> dict[str, Any]:
    """All runs of the benchmark; returns the figures (JSON-ready)."""
    lines = bench_lines(config.events)
    latency_lines = bench_lines(config.latency_events)
    load_before = os.getloadavg()[0]
    with (
        _environment(settings) as target,
        tempfile.TemporaryDirectory(prefix="logwarden-bench-") as tmp,
    ):
        log_dir = Path(tmp)
        # The test Elasticsearch server in this process keeps every document it is sent: kept
        # out of the cyclic GC, its store does not make each run cost more than the last.
        tune_garbage_collector()
        # Latency first: once the throughput runs have filled the in-process Elasticsearch
        # test server with their documents, the same run measured 2-3 times higher, a cost
        # of the test double (it shares this process with the paced producer), not the worker.
        with console.status(f"latency at {config.latency_rate:.0f} events/s"):
            latency = _latency(target, latency_lines, config, log_dir)
        tune_garbage_collector()
        with console.status("raw aiokafka consumer"):
            aiokafka_rate = _aiokafka_rate(target, lines, config)
        with console.status("Faust passthrough agent"):
            faust_rate = _passthrough_rate(target, lines, config, log_dir, "faust")
        with console.status("input consumer passthrough"):
            inputs_rate = _passthrough_rate(target, lines, config, log_dir, "inputs")
        tune_garbage_collector()
        with console.status("pipeline, 1 worker"):
            one, rss_one = _pipeline_rate(target, lines, 1, config, log_dir)
        tune_garbage_collector()
        with console.status("pipeline, 2 workers"):
            two, rss_two = _pipeline_rate(target, lines, 2, config, log_dir)
    return {
        "events": config.events,
        "events_per_s_1_worker": round(one.events_per_s, 1),
        "events_per_s_2_workers": round(two.events_per_s, 1),
        "faust_passthrough_events_per_s": round(faust_rate, 1),
        "aiokafka_consume_events_per_s": round(aiokafka_rate, 1),
        "input_consumer_passthrough_events_per_s": round(inputs_rate, 1),
        "latency_rate_events_per_s": config.latency_rate,
        "latency_produced_events_per_s": round(latency.produced_per_s, 1),
        "latency_warmup_events": config.latency_warmup_events,
        "throughput_warmup_events_per_worker": config.throughput_warmup_events_per_worker,
        "p50_latency_ms": round(latency.p50_ms, 1),
        "p99_latency_ms": round(latency.p99_ms, 1),
        "rss_mb": round(max(rss_one, rss_two, latency.rss_mb), 1),
        "events_per_cpu_s_1_worker": round(one.events_per_cpu_s, 1),
        "events_per_cpu_s_2_workers": round(two.events_per_cpu_s, 1),
        "worker_cpu_s_2_workers": [round(seconds, 1) for seconds in two.cpu_s],
        "cpu_per_event_2_workers": cpu_per_event(two, os.cpu_count() or 1),
        "cpu_steal_share_1_2_workers": [
            None if d.steal_share is None else round(d.steal_share, 3) for d in (one, two)
        ],
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "benign_share": BENIGN_SHARE,
        "cpu_count": os.cpu_count(),
    }


def cpu_per_event(drain: _Drain, cpu_count: int) -> dict[str, float | None]:
    """Where the machine's CPU went per event in a run (µs), and the rate its cores allow at
    that cost: the ceiling no tuning of the run itself can pass on this machine."""
    per_event = 1e6 / drain.events
    workers = sum(drain.cpu_s) * per_event
    broker = None if drain.broker_cpu_s is None else drain.broker_cpu_s * per_event
    bench = drain.bench_cpu_s * per_event
    total = workers + (broker or 0.0) + bench
    return {
        "workers_us": round(workers, 1),
        "broker_us": None if broker is None else round(broker, 1),
        "es_test_server_and_bench_us": round(bench, 1),
        "total_us": round(total, 1),
        "cpu_bound_events_per_s": round(cpu_count * 1e6 / total, 1) if total > 0 else None,
    }


def render_table(figures: dict[str, Any]) -> Table:
    """The figures as a rich table, with the targets beside them."""
    table = Table(title=f"logwarden bench pipeline ({figures['events']:,} events per run)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    rows = [
        ("raw aiokafka consumer, events/s", "aiokafka_consume_events_per_s", ""),
        ("Faust passthrough agent, events/s", "faust_passthrough_events_per_s", ""),
        (
            "worker's input consumer, passthrough, events/s",
            "input_consumer_passthrough_events_per_s",
            "",
        ),
        ("pipeline, 1 worker, events/s", "events_per_s_1_worker", ""),
        ("pipeline, 2 workers, events/s", "events_per_s_2_workers", ">= 5,000"),
        ("pipeline, 1 worker, events per worker CPU-second", "events_per_cpu_s_1_worker", ""),
        ("pipeline, 2 workers, events per worker CPU-second", "events_per_cpu_s_2_workers", ""),
        ("latency run: events/s produced", "latency_produced_events_per_s", "1,000"),
        ("p50 latency at 1,000 events/s, ms", "p50_latency_ms", ""),
        ("p99 latency at 1,000 events/s, ms", "p99_latency_ms", "<= 1,000"),
        ("worker RSS, MB (max)", "rss_mb", "<= 1,024"),
    ]
    for title, key, goal in rows:
        table.add_row(title, f"{figures[key]:,.1f}", goal)
    table.add_row(
        "2 workers: CPU seconds of each",
        " / ".join(map(str, figures["worker_cpu_s_2_workers"])),
        "",
    )
    cpu = figures["cpu_per_event_2_workers"]
    broker = "external" if cpu["broker_us"] is None else f"{cpu['broker_us']:,.0f}"
    table.add_row(
        "2 workers: CPU µs per event (workers / broker / ES test server + bench)",
        f"{cpu['workers_us']:,.0f} / {broker} / {cpu['es_test_server_and_bench_us']:,.0f}",
        "",
    )
    table.add_row(
        "2 workers: events/s the cores allow at that CPU cost",
        f"{cpu['cpu_bound_events_per_s']:,.0f}" if cpu["cpu_bound_events_per_s"] else "-",
        "",
    )
    steal = " / ".join(
        "-" if share is None else f"{share:.1%}" for share in figures["cpu_steal_share_1_2_workers"]
    )
    table.add_row("CPU stolen by the hypervisor, 1 / 2 workers", steal, "")
    table.add_row(
        "load average (1 min) before / after", " / ".join(map(str, figures["load_average_1m"])), ""
    )
    return table
