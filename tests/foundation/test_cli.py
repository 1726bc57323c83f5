"""The command line: every command answers --help, secrets stay masked, replay works."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from connectors.kafka import ensure_topics
from connectors.kafka_connection import KafkaConnection
from stream.cli.apps import app
from stream.config import SECRET_MASK, get_settings
from tests.kafka_helpers import consume_all

runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command and group of the CLI, as argument paths."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        if isinstance(command, typer.core.TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.fixture(autouse=True)
def fresh_settings() -> None:
    get_settings.cache_clear()


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "logwarden")
def test_every_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_foundation_commands_exist() -> None:
    names = {" ".join(p) for p in command_paths()}
    assert {"dev broker", "replay", "demo", "config show"} <= names


def test_version_matches_package_metadata() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("logwarden 0.")


def test_config_show_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGWARDEN_ELASTICSEARCH_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("LOGWARDEN_KAFKA_SASL_PASSWORD", "kafka-pass-123")
    monkeypatch.setenv("LOGWARDEN_BATCH_MAX_SIZE", "77")
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["config", "show", *extra])
        assert result.exit_code == 0, result.output
        assert "hunter2-very-secret" not in result.output
        assert "kafka-pass-123" not in result.output
        assert SECRET_MASK in result.output
        assert "77" in result.output
    shown = orjson.loads(runner.invoke(app, ["config", "show", "--json"]).output)
    assert shown["elasticsearch_password"] == SECRET_MASK
    assert shown["batch_max_size"] == 77


def test_invalid_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGWARDEN_BATCH_MAX_SIZE", "zero")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code != 0
    assert "batch_max_size" in str(result.exception)


def test_replay_produces_every_line(
    kafka: KafkaConnection, broker_env: Path, tmp_path: Path
) -> None:
    topic = f"replay-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka, {topic: 2})
    lines = [f"Jan  1 00:00:{i % 60:02d} host sshd[{i}]: line {i}" for i in range(120)]
    source = tmp_path / "sample.log"
    source.write_text("\n".join(lines) + "\n\n")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stream.cli",
            "replay",
            str(source),
            "--topic",
            topic,
            "--rate",
            "2000",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"sent {len(lines)} records" in result.stderr

    received = consume_all(kafka, topic, len(lines))
    assert sorted(r.value.decode() for r in received) == sorted(lines)


def test_replay_rejects_missing_file() -> None:
    result = runner.invoke(app, ["replay", "/nonexistent/file.log"])
    assert result.exit_code == 2
