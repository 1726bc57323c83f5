"""``logwarden demo``: the whole product on one machine, with nothing to install or start.

It starts the embedded broker, creates the topics, starts a real worker process
(``logwarden run``) and waits for its ``/readyz``, replays realistic log lines from the
project's seeded scenario generator, waits until the worker has committed every offset it
was sent (so everything it read is in the sink), stops everything, and summarises the
alerts written to the local NDJSON file in Elasticsearch bulk format.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from kafka import TopicPartition
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers.logs.generator import generate
from connectors.kafka import committed_offsets, ensure_topics, produce_records
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import STOP_GRACE_S, LocalBroker, free_loopback_port
from connectors.process_groups import stop_process_groups
from stream.config import Settings

DEMO_SEED = 2026
DEMO_PARTITIONS = 2


class DemoError(RuntimeError):
    """The demo could not complete; the message says which step failed."""


@dataclass
class DemoSummary:
    """What the demo measured."""

    events_in: int
    seconds: float
    output: Path
    startup_s: float = 0.0
    documents: int = 0
    alerts_by_category: Counter[str] = field(default_factory=Counter)
    alerts_by_severity: Counter[int] = field(default_factory=Counter)

    @property
    def events_per_s(self) -> float:
        return self.events_in / self.seconds if self.seconds else 0.0


def demo_lines(count: int) -> list[bytes]:
    """Realistic mixed log lines (auth, web, kernel, hardware, services), same every run."""
    return [line.text.encode() for line in generate(count, seed=DEMO_SEED)]


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _worker_env(
    broker: LocalBroker, settings: Settings, state_dir: Path, output: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGWARDEN_")}
    env.update(
        LOGWARDEN_BROKER_URL=broker.url,
        LOGWARDEN_STATE_DIR=str(state_dir),
        LOGWARDEN_OUTPUT_FILE=str(output),
        LOGWARDEN_TOPIC_PARTITIONS=str(DEMO_PARTITIONS),
        LOGWARDEN_KAFKA_SESSION_TIMEOUT_S="6",
        LOGWARDEN_APP_ID=settings.app_id,
        PYTHONUNBUFFERED="1",
    )
    return env


@contextlib.contextmanager
def _worker(
    env: dict[str, str], log_path: Path, web_port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """A ``logwarden run`` process in its own process group, always stopped on exit."""
    command = [sys.executable, "-m", "stream.cli", "run", "--web-host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--web-port", str(web_port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_process_groups([process], STOP_GRACE_S * 5)


def _wait_until_ready(
    web_port: int, worker: subprocess.Popen[bytes], timeout_s: float, progress: Progress
) -> float:
    """Poll the worker's ``/readyz`` (models loaded, partitions assigned); seconds waited."""
    task = progress.add_task("worker start-up (models, consumer group)", total=None)
    started = time.monotonic()
    url = f"http://127.0.0.1:{web_port}/readyz"
    while time.monotonic() - started < timeout_s:
        if worker.poll() is not None:
            raise DemoError(f"the worker exited during start-up with status {worker.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                progress.update(task, total=1, completed=1)
                return time.monotonic() - started
        time.sleep(0.25)
    raise DemoError(f"the worker was not ready within {timeout_s:.0f} s ({url})")


def _wait_for_commits(
    connection: KafkaConnection,
    group: str,
    topic: str,
    end_offsets: dict[int, int],
    *,
    worker: subprocess.Popen[bytes],
    timeout_s: float,
    progress: Progress,
) -> None:
    total = sum(end_offsets.values())
    partitions = [TopicPartition(topic, p) for p in end_offsets]
    task = progress.add_task("worker committed", total=total)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise DemoError(f"the worker exited early with status {worker.returncode}")
        done = {
            tp.partition: offset
            for tp, offset in committed_offsets(connection, group, partitions).items()
        }
        progress.update(task, completed=sum(min(done.get(p, 0), e) for p, e in end_offsets.items()))
        if all(done.get(p, 0) >= end for p, end in end_offsets.items()):
            return
        time.sleep(0.5)
    raise DemoError(f"the worker did not commit all {total} events within {timeout_s:.0f} s")


def summarize(output: Path, events_in: int, seconds: float) -> DemoSummary:
    """Read the bulk-format NDJSON sink back and count documents and alerts."""
    summary = DemoSummary(events_in=events_in, seconds=seconds, output=output)
    if not output.exists():
        return summary
    with output.open("rb") as handle:
        for action, source in zip(handle, handle, strict=False):
            orjson.loads(action)
            document = orjson.loads(source)
            summary.documents += 1
            event = document.get("event", {})
            if event.get("kind") == "alert":
                label = document.get("logwarden", {}).get("label") or document.get("rule", {}).get(
                    "name", "unknown"
                )
                summary.alerts_by_category[label] += 1
                summary.alerts_by_severity[int(event.get("severity", 0))] += 1
    return summary


def run_demo(lines: int, output: Path, timeout_s: float, console: Console) -> DemoSummary:
    """Run broker, worker and replay; return the summary. Leaves no process behind."""
    settings = Settings()
    output = output.resolve()
    output.unlink(missing_ok=True)
    records = demo_lines(lines)
    with tempfile.TemporaryDirectory(prefix="logwarden-demo-") as tmp, LocalBroker() as broker:
        console.print(f"broker up on {broker.bootstrap} (pid {broker.pid})")
        connection = KafkaConnection(bootstrap_servers=[broker.bootstrap])
        ensure_topics(
            connection,
            {
                settings.topic_logs_raw: DEMO_PARTITIONS,
                settings.topic_tickets_raw: DEMO_PARTITIONS,
                settings.topic_deadletter: 1,
            },
        )
        env = _worker_env(broker, settings, Path(tmp) / "state", output)
        worker_log = Path(tmp) / "worker.log"
        web_port = free_loopback_port()
        try:
            with _worker(env, worker_log, web_port) as worker, _progress(console) as progress:
                startup_s = _wait_until_ready(web_port, worker, timeout_s, progress)
                started = time.monotonic()
                task = progress.add_task(f"replay → {settings.topic_logs_raw}", total=len(records))
                report = produce_records(
                    connection,
                    settings.topic_logs_raw,
                    records,
                    on_sent=lambda n: progress.advance(task, n),
                )
                if report.failed:
                    raise DemoError(f"{report.failed} sample events could not be produced")
                _wait_for_commits(
                    connection,
                    settings.app_id,
                    settings.topic_logs_raw,
                    report.end_offsets,
                    worker=worker,
                    timeout_s=timeout_s,
                    progress=progress,
                )
                seconds = time.monotonic() - started
        except DemoError as exc:
            tail = worker_log.read_text(errors="replace")[-3000:]
            raise DemoError(f"{exc}\n--- worker log (tail) ---\n{tail}") from exc
    summary = summarize(output, report.sent, seconds)
    summary.startup_s = startup_s
    return summary


def render_summary(summary: DemoSummary) -> Table:
    """The rich table printed at the end of the demo."""
    table = Table(title="logwarden demo", show_header=False)
    table.add_column("what", style="cyan")
    table.add_column("value", justify="right")
    table.add_row("events in", f"{summary.events_in:,}")
    table.add_row("documents written", f"{summary.documents:,}")
    table.add_row("alerts", f"{sum(summary.alerts_by_category.values()):,}")
    for label, count in summary.alerts_by_category.most_common():
        table.add_row(f"  {label}", f"{count:,}")
    for severity, count in sorted(summary.alerts_by_severity.items(), reverse=True):
        table.add_row(f"  severity {severity}", f"{count:,}")
    table.add_row("worker start-up", f"{summary.startup_s:.1f} s")
    table.add_row("throughput (replay to commit)", f"{summary.events_per_s:,.0f} events/s")
    table.add_row("alerts file", str(summary.output))
    return table
