"""Fixtures for pipeline tests: real worker processes on the session broker and an ES double.

Every test gets its own topics and consumer group (a unique prefix), so tests share the one
broker without seeing each other's records. Workers are ``python -m stream.cli run``
subprocesses in their own process group, always stopped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient

from connectors.es_assets.install import setup_elasticsearch
from connectors.es_assets.templates import LifecycleOptions
from connectors.kafka import ensure_topics
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import LocalBroker, free_loopback_port
from connectors.process_groups import stop_process_groups
from stream.components import ComponentError, model_dir
from stream.config import Settings
from tests.doubles.es_server import ElasticsearchTestServer

WAIT_S = 120.0
#: Kept from the caller's environment: a developer may point tests at other model folders.
MODEL_PATH_VARIABLES = ("LOGWARDEN_LOG_MODEL_PATH", "LOGWARDEN_TICKET_MODEL_PATH")
STOP_GRACE_S = 20.0


def wait_until(predicate: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Poll until ``predicate`` holds; fail naming ``what`` (a liveness bound, not timing)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


@dataclass
class PipelineEnv:
    """One test's topics, group and worker environment."""

    kafka: KafkaConnection
    es: ElasticsearchTestServer
    env: dict[str, str]
    log_dir: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        keys = {
            k[len("LOGWARDEN_") :].lower(): v
            for k, v in self.env.items()
            if k.startswith("LOGWARDEN_")
        }
        return Settings(**keys)  # type: ignore[arg-type]

    @property
    def group(self) -> str:
        return self.env["LOGWARDEN_APP_ID"]

    @property
    def logs_topic(self) -> str:
        return self.env["LOGWARDEN_TOPIC_LOGS_RAW"]

    def start_worker(self, web_port: int | None = None) -> subprocess.Popen[bytes]:
        """Start one ``logwarden run`` worker process."""
        command = [sys.executable, "-m", "stream.cli", "run"]
        command += ["--web-port", str(web_port)] if web_port else ["--without-web"]
        log = (self.log_dir / f"worker-{len(self.workers)}.log").open("wb")
        process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.workers.append(process)
        return process

    def worker_logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}"
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def committed(self, topic: str | None = None) -> dict[int, int]:
        """Offsets the worker group committed on ``topic`` (logs.raw by default)."""
        topic = topic or self.logs_topic
        admin = KafkaAdminClient(**self.kafka.client_options())
        try:
            offsets = admin.list_group_offsets({self.group: None}).get(self.group, {})
        finally:
            admin.close()
        return {
            tp.partition: meta.offset
            for tp, meta in offsets.items()
            if tp.topic == topic and meta.offset >= 0
        }

    def committed_total(self, topic: str | None = None) -> int:
        return sum(self.committed(topic).values())

    def stop_workers(self) -> None:
        stop_process_groups(self.workers, STOP_GRACE_S)


def install_templates(server: ElasticsearchTestServer) -> None:
    """The project's real index templates, so documents are checked against the mappings."""
    client = Elasticsearch(server.url)
    try:
        setup_elasticsearch(client, server.url, LifecycleOptions())
    finally:
        client.close()


@pytest.fixture(scope="session")
def models() -> None:
    """The worker needs both shipped models; say which one is missing instead of failing."""
    settings = Settings()
    try:
        model_dir(settings.log_model_path, "logs")
        model_dir(settings.ticket_model_path, "tickets")
    except ComponentError as exc:
        pytest.skip(f"pipeline worker tests need the shipped models: {exc}")


@pytest.fixture
def pipeline(
    models: None, broker: LocalBroker, es_server: ElasticsearchTestServer, tmp_path: Path
) -> Iterator[PipelineEnv]:
    """Unique topics/group on the session broker, templates installed, workers cleaned up."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    install_templates(es_server)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOGWARDEN_", "OTEL_")) or k in MODEL_PATH_VARIABLES
    }
    env.update(
        LOGWARDEN_BROKER_URL=broker.url,
        LOGWARDEN_KAFKA_SESSION_TIMEOUT_S="5",
        LOGWARDEN_ELASTICSEARCH_URL=es_server.url,
        LOGWARDEN_APP_ID=prefix,
        LOGWARDEN_TOPIC_LOGS_RAW=f"{prefix}.logs.raw",
        LOGWARDEN_TOPIC_TICKETS_RAW=f"{prefix}.tickets.raw",
        LOGWARDEN_TOPIC_DEADLETTER=f"{prefix}.logs.deadletter",
        LOGWARDEN_TOPIC_TICKETS_ROUTED_PREFIX=f"{prefix}.tickets.routed",
        LOGWARDEN_TOPIC_PARTITIONS="4",
        LOGWARDEN_STATE_DIR=str(tmp_path / "state"),
        LOGWARDEN_BATCH_MAX_SIZE="256",
        LOGWARDEN_SHUTDOWN_GRACE_S="20",
        LOGWARDEN_LOG_LEVEL="INFO",
    )
    kafka = KafkaConnection(bootstrap_servers=[broker.bootstrap])
    setup = PipelineEnv(kafka, es_server, env, tmp_path)
    topics = [env["LOGWARDEN_TOPIC_LOGS_RAW"], env["LOGWARDEN_TOPIC_TICKETS_RAW"]]
    ensure_topics(kafka, dict.fromkeys(topics, 4))
    yield setup
    setup.stop_workers()


@pytest.fixture
def web_port() -> int:
    return free_loopback_port()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the worker logs to a failing pipeline test."""
    outcome = yield
    report = outcome.get_result()
    setup = getattr(item, "funcargs", {}).get("pipeline")
    if report.failed and isinstance(setup, PipelineEnv):
        report.sections.append(("worker logs", setup.worker_logs()))
