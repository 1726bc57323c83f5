"""Errors for people: real CLI processes, their exit codes and every line they print."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.local_broker import LocalBroker
from tests.doubles.es_server import ElasticsearchTestServer

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "stream.cli"]


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGWARDEN_")}
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "200"
    return {**env, **settings}


def logwarden(*args: str, timeout: float = 60, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], check=False, cwd=ROOT, env=_env(**settings), capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_a_bad_number_names_the_variable_and_the_allowed_values() -> None:
    done = logwarden("config", "show", LOGWARDEN_BATCH_MAX_SIZE="abc")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert 1 < len(lines(done.stderr)) <= 5
    assert "LOGWARDEN_BATCH_MAX_SIZE='abc'" in done.stderr
    assert "an integer >= 1" in done.stderr


def test_a_bad_choice_and_a_bad_time_zone_are_named_together() -> None:
    done = logwarden(
        "config", "show", LOGWARDEN_KAFKA_SECURITY_PROTOCOL="TLS", LOGWARDEN_TIMEZONE="Mars/Olympus"
    )
    assert done.returncode == 2
    assert len(lines(done.stderr)) <= 5
    assert "LOGWARDEN_KAFKA_SECURITY_PROTOCOL='TLS'" in done.stderr
    assert "'SASL_SSL'" in done.stderr
    assert "LOGWARDEN_TIMEZONE='Mars/Olympus'" in done.stderr


def test_a_misspelt_variable_is_warned_about_with_the_likely_name() -> None:
    done = logwarden("config", "show", "--json", LOGWARDEN_BATCH_MAXSIZE="3")
    assert done.returncode == 0
    assert "LOGWARDEN_BATCH_MAXSIZE is not a logwarden setting" in done.stderr
    assert "did you mean LOGWARDEN_BATCH_MAX_SIZE?" in done.stderr


def test_debug_shows_the_traceback() -> None:
    done = logwarden("--debug", "config", "show", LOGWARDEN_BATCH_MAX_SIZE="abc")
    assert done.returncode != 0
    assert "ValidationError" in done.stderr
    assert len(lines(done.stderr)) > 5


@pytest.mark.parametrize("command", [["parse"], ["classify", "logs"]])
def test_closed_stdin_is_an_empty_input(command: list[str]) -> None:
    shell = " ".join([*CLI, *command]) + " <&-"
    done = subprocess.run(
        ["bash", "-c", shell], check=False, cwd=ROOT, env=_env(), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize("command", [["parse"], ["classify", "logs"]])
def test_a_reader_that_goes_away_is_a_normal_end(command: list[str], tmp_path: Path) -> None:
    source = tmp_path / "auth.log"
    line = "Mar  3 10:15:01 web1 sshd[2211]: Failed password for root from 198.51.100.23\n"
    source.write_text(line * 50_000)
    process = subprocess.Popen(
        [*CLI, *command, str(source)], cwd=ROOT, env=_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"{")  # like `| head -1`
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_names_an_unreachable_broker_within_20_s(tmp_path: Path) -> None:
    port = _closed_port()
    start = time.monotonic()
    done = logwarden(
        "run", "--without-web", timeout=60,
        LOGWARDEN_BROKER_URL=f"kafka://127.0.0.1:{port}", LOGWARDEN_STATE_DIR=str(tmp_path),
    )  # fmt: skip
    assert time.monotonic() - start < 20
    assert done.returncode == 2
    assert f"127.0.0.1:{port}" in done.stderr
    assert "LOGWARDEN_BROKER_URL" in done.stderr
    assert len(lines(done.stderr)) <= 3, done.stderr
    assert done.stdout == ""


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>Not Found</h1>")

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def not_elasticsearch() -> Iterator[str]:
    """A web server that answers 404 to everything."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_run_says_in_one_line_that_the_url_is_not_elasticsearch(
    broker: LocalBroker, not_elasticsearch: str, tmp_path: Path
) -> None:
    done = logwarden(
        "run", "--without-web", LOGWARDEN_BROKER_URL=broker.url,
        LOGWARDEN_ELASTICSEARCH_URL=not_elasticsearch, LOGWARDEN_STATE_DIR=str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2
    assert lines(done.stderr) == [
        f"cannot start the worker: {not_elasticsearch} is not Elasticsearch (HTTP 404 for GET /): "
        "check LOGWARDEN_ELASTICSEARCH_URL (the cluster's own URL, not Kibana's or a proxy path)"
    ]


def test_run_says_in_one_line_that_the_credentials_were_refused(
    broker: LocalBroker, tmp_path: Path
) -> None:
    with ElasticsearchTestServer(api_keys=["the-right-key"]) as server:
        done = logwarden(
            "run", "--without-web", LOGWARDEN_BROKER_URL=broker.url,
            LOGWARDEN_ELASTICSEARCH_URL=server.url, LOGWARDEN_ELASTICSEARCH_API_KEY="wrong",
            LOGWARDEN_STATE_DIR=str(tmp_path),
        )  # fmt: skip
    assert done.returncode == 2
    assert len(lines(done.stderr)) == 1, done.stderr
    assert "rejected the credentials (HTTP 401)" in done.stderr


def test_settings_errors_say_the_bounds_and_stop_at_five_lines() -> None:
    from pydantic import ValidationError

    from stream.cli.errors import settings_error_lines
    from stream.config import Settings

    with pytest.raises(ValidationError) as one:
        Settings(web_port="x")
    assert settings_error_lines(one.value)[1:] == [
        "  LOGWARDEN_WEB_PORT='x': Input should be a valid integer, unable to parse string as an "
        "integer (allowed: an integer >= 1 and <= 65535)"
    ]
    bad = {"web_port": 0, "batch_max_size": 0, "alert_min_risk": 101, "model_threads": 0}
    with pytest.raises(ValidationError) as many:
        Settings(**bad, timezone="Nowhere/Else")
    lines = settings_error_lines(many.value)
    assert len(lines) == 5
    assert lines[-1].startswith("  ... and 2 more")
