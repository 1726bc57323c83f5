"""The rendered pod spec drives a real worker: its probes, metrics and grace period work.

The worker is started the way the kubelet would: the container's args after the image's
``logwarden`` entrypoint, with exactly the environment the rendered ConfigMap gives it. Only
chart values differ from the defaults (broker, a free port, writable paths on this machine).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from classifiers.paths import SHIPPED_MODELS
from connectors.local_broker import LocalBroker
from tests.conftest import TEST_SESSION_TIMEOUT_S
from tests.helm.rendering import install_manifests, only, pod_spec

READY_WAIT_S = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(url: str) -> tuple[int, bytes]:
    """Status and body; connection errors read as status 0 (not listening yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def probe_url(container: dict[str, Any], probe: str) -> str:
    """URL the kubelet would call for one of the container's probes (named port resolved)."""
    get = container[probe]["httpGet"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    port = ports.get(get["port"], get["port"])
    return f"http://127.0.0.1:{port}{get['path']}"


def rendered_environment(documents: list[dict[str, Any]], container: dict[str, Any]) -> dict:
    """The environment the pod would get: the ConfigMap through envFrom, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOGWARDEN_", "OTEL_"))}
    configmap = only(documents, "ConfigMap")
    for source in container["envFrom"]:
        assert source["configMapRef"]["name"] == configmap["metadata"]["name"]
        env.update(configmap["data"])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def running_worker(args: list[str], env: dict, log_path: Path) -> Iterator[subprocess.Popen]:
    """``logwarden <args>`` in its own process group; killed by group id if still alive."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "stream.cli", *args],
            env=env,
            cwd=log_path.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_rendered_probes_and_grace_work_on_a_real_worker(
    broker: LocalBroker, tmp_path: Path
) -> None:
    tasks = ("logs", "tickets")
    absent = [t for t in tasks if not (SHIPPED_MODELS / t / "metadata.json").is_file()]
    if absent:
        pytest.skip(f"shipped models absent under classifiers/models: {absent}")
    state_dir = tmp_path / "state"
    values = {
        "settings": {
            "broker_url": broker.url,
            "web_port": free_port(),
            "state_dir": str(state_dir),
            "output_file": str(state_dir / "alerts.ndjson"),
            "kafka_session_timeout_s": TEST_SESSION_TIMEOUT_S,
            "app_id": f"helm-probe-{os.getpid()}",
        }
    }
    documents = install_manifests(values)
    deployment = only(documents, "Deployment")
    (container,) = pod_spec(deployment)["containers"]
    grace_s = pod_spec(deployment)["terminationGracePeriodSeconds"]
    state_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = rendered_environment(documents, container)

    with running_worker(container["args"], env, log_path) as worker:
        live_url = probe_url(container, "livenessProbe")
        ready_url = probe_url(container, "readinessProbe")
        deadline = time.monotonic() + READY_WAIT_S
        ready = (0, b"")
        while time.monotonic() < deadline and worker.poll() is None:
            ready = http_get(ready_url)
            if ready[0] == 200:
                break
            time.sleep(1)
        log = log_path.read_text(errors="replace")[-3000:]
        assert worker.poll() is None, f"worker exited early:\n{log}"
        assert ready[0] == 200, f"/readyz never became ready: {ready}\n{log}"
        assert http_get(probe_url(container, "startupProbe"))[0] == 200
        assert http_get(live_url)[0] == 200

        port = container["ports"][0]["containerPort"]
        status, metrics = http_get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert b"# TYPE logwarden_" in metrics

        # The kubelet's stop: SIGTERM, then SIGKILL after terminationGracePeriodSeconds.
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            code = worker.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker outlived terminationGracePeriodSeconds={grace_s}")
        assert code == 0, log_path.read_text(errors="replace")[-3000:]
