"""``logwarden setup ...`` and ``logwarden export`` end to end against the test doubles."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from elasticsearch import Elasticsearch, helpers
from typer.testing import CliRunner

from connectors.elasticsearch import ElasticsearchConnection, build_client
from connectors.es_assets.install import setup_elasticsearch
from connectors.es_assets.templates import LifecycleOptions, alerts_stream
from connectors.es_export import ExportFormat, iter_alerts, since_bound, write_export
from connectors.kibana.saved_objects import NDJSON_PATH, all_saved_objects
from stream.cli.apps import app
from stream.config import get_settings
from tests.doubles.es_server import ElasticsearchTestServer
from tests.doubles.kibana_import_server import KibanaImportTestServer

runner = CliRunner()
STREAM = alerts_stream("default")


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("URL", "API_KEY", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"LOGWARDEN_ELASTICSEARCH_{name}", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _seed(server: ElasticsearchTestServer, count: int) -> Elasticsearch:
    client = build_client(ElasticsearchConnection(url=server.url))
    setup_elasticsearch(client, server.url, LifecycleOptions())
    now = datetime.now(UTC)
    docs = [
        {
            "_op_type": "create",
            "_index": STREAM,
            "_id": f"a{n}",
            "@timestamp": (now - timedelta(minutes=n)).isoformat().replace("+00:00", "Z"),
            "message": f"alert {n}",
            "event": {"kind": "alert", "severity": 73, "category": ["authentication", "iam"]},
            "source": {"ip": "10.0.0.1"},
        }
        for n in range(count)
    ]
    helpers.bulk(client, docs)
    return client


def test_export_pages_through_more_than_one_search_window(
    es_server: ElasticsearchTestServer,
) -> None:
    client = _seed(es_server, 2_500)
    out = io.StringIO()
    written = write_export(
        iter_alerts(client, es_server.url, STREAM, "3d", page_size=1000), ExportFormat.ndjson, out
    )
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert written == len(lines) == 2_500
    assert len({d["message"] for d in lines}) == 2_500
    searches = es_server.requests_to("/_search", "POST")
    assert all("pit" in r.body and r.body["size"] <= 1000 for r in searches)
    assert es_server.contexts.pits == {}  # the point in time was closed


def test_export_window_excludes_older_alerts(es_server: ElasticsearchTestServer) -> None:
    client = _seed(es_server, 90)
    out = io.StringIO()
    written = write_export(iter_alerts(client, es_server.url, STREAM, "1h"), ExportFormat.csv, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == len(rows) == 60
    assert rows[0]["event.category"] == "authentication;iam"
    assert rows[0]["source.ip"] == "10.0.0.1"


def test_since_accepts_spans_and_timestamps_only() -> None:
    assert since_bound("1h") == "now-1h"
    assert since_bound("2026-11-01T00:00:00Z") == "2026-11-01T00:00:00Z"
    with pytest.raises(ValueError, match="--since"):
        since_bound("yesterday")


def test_cli_export_writes_csv_file(
    es_server: ElasticsearchTestServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _seed(es_server, 5)
    monkeypatch.setenv("LOGWARDEN_ELASTICSEARCH_URL", es_server.url)
    target = tmp_path / "alerts.csv"
    result = runner.invoke(app, ["export", "--since", "1h", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(target.open()))) == 5


def test_cli_setup_elasticsearch_twice_reports_nothing_to_change(
    es_server: ElasticsearchTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGWARDEN_ELASTICSEARCH_URL", es_server.url)
    first = runner.invoke(app, ["setup", "elasticsearch"])
    second = runner.invoke(app, ["setup", "elasticsearch"])
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    assert second.exit_code == 0, second.output
    assert "already up to date" in second.output


def test_cli_setup_elasticsearch_fails_clearly_on_wrong_credentials(
    es_server_factory: Callable[..., ElasticsearchTestServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = es_server_factory(api_keys=["good"])
    monkeypatch.setenv("LOGWARDEN_ELASTICSEARCH_URL", server.url)
    monkeypatch.setenv("LOGWARDEN_ELASTICSEARCH_API_KEY", "bad")
    result = runner.invoke(app, ["setup", "elasticsearch"])
    assert result.exit_code == 1
    assert "rejected the credentials" in result.output


def test_cli_print_commands_contact_nothing() -> None:
    es = runner.invoke(app, ["setup", "elasticsearch", "--print"])
    kibana = runner.invoke(app, ["setup", "kibana", "--print"])
    assert es.exit_code == 0 and kibana.exit_code == 0
    assert "logs-logwarden.alerts" in orjson.loads(es.stdout)["index_templates"]
    assert kibana.stdout == NDJSON_PATH.read_text()


def test_cli_setup_kibana_imports_into_the_configured_space(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with KibanaImportTestServer(spaces=["default", "soc"]) as kibana:
        monkeypatch.setenv("LOGWARDEN_KIBANA_URL", kibana.url)
        monkeypatch.setenv("LOGWARDEN_KIBANA_SPACE", "soc")
        result = runner.invoke(app, ["setup", "kibana"])
    assert result.exit_code == 0, result.output
    assert kibana.imports[0].space == "soc"
    assert f"imported {len(all_saved_objects())} saved objects" in result.output
