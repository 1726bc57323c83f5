"""``setup elasticsearch`` against the wire-level test server with the real client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from connectors.elasticsearch import (
    CLIENT_MAJOR,
    CredentialsError,
    ElasticsearchConnection,
    PrivilegeError,
    UnreachableError,
    VersionError,
    build_client,
    check_cluster,
)
from connectors.es_assets.install import install_assets, setup_elasticsearch
from connectors.es_assets.templates import (
    ILM_POLICY,
    LifecycleOptions,
    alerts_stream,
    build_assets,
    tickets_index,
)
from connectors.local_broker import free_loopback_port
from stream.config import Settings
from tests.doubles.es_server import ElasticsearchTestServer

OPTIONS = LifecycleOptions(retention_days=14)


def _client(url: str, api_key: str | None = None) -> Elasticsearch:
    return build_client(ElasticsearchConnection(url=url, api_key=api_key), max_retries=0)


def test_first_run_installs_everything_and_second_run_changes_nothing(
    es_server: ElasticsearchTestServer,
) -> None:
    client = _client(es_server.url)
    first = setup_elasticsearch(client, es_server.url, OPTIONS)
    assert {c.action for c in first.changes} == {"created"}
    assert {c.kind for c in first.changes} == {
        "ilm_policy",
        "component_template",
        "index_template",
        "index",
    }
    writes_before = len([r for r in es_server.requests if r.method in ("PUT", "POST")])

    second = setup_elasticsearch(client, es_server.url, OPTIONS)

    assert [c.action for c in second.changes] == ["unchanged"] * len(first.changes)
    assert not second.changed
    writes_after = len([r for r in es_server.requests if r.method in ("PUT", "POST")])
    has_privileges_calls = 1
    assert writes_after - writes_before == has_privileges_calls


def test_sends_the_expected_policy_and_template_bodies(es_server: ElasticsearchTestServer) -> None:
    setup_elasticsearch(_client(es_server.url), es_server.url, OPTIONS)
    policy = es_server.requests_to(f"/_ilm/policy/{ILM_POLICY}", "PUT")[0].body["policy"]
    assert policy["phases"]["hot"]["actions"]["rollover"] == {
        "max_age": "1d",
        "max_primary_shard_size": "50gb",
    }
    assert policy["phases"]["delete"] == {"min_age": "14d", "actions": {"delete": {}}}
    alerts = es_server.requests_to("/_index_template/logs-logwarden.alerts", "PUT")[0].body
    assert alerts["index_patterns"] == ["logs-logwarden.alerts-*"]
    assert alerts["data_stream"] == {}
    assert alerts["priority"] > 100  # above the built-in logs-*-* template
    settings = es_server.component_templates["logwarden@settings"]["template"]["settings"]
    assert settings["index"]["lifecycle"]["name"] == ILM_POLICY
    assert (
        es_server.indices[tickets_index("default")].field_types()["logwarden.ticket.queue"]
        == "keyword"
    )


def test_two_namespaces_on_one_cluster_keep_their_tickets_apart(
    es_server: ElasticsearchTestServer,
) -> None:
    client = _client(es_server.url)
    setup_elasticsearch(client, es_server.url, OPTIONS, namespace="prod")
    again = setup_elasticsearch(client, es_server.url, OPTIONS, namespace="staging")
    assert {tickets_index("prod"), tickets_index("staging")} <= set(es_server.indices)
    created = [(c.kind, c.name) for c in again.changes if c.action != "unchanged"]
    assert created == [("index", "logwarden-tickets-staging")]  # templates are shared
    client.index(index=tickets_index("prod"), id="ticket-1", document={"@timestamp": "2026"})
    assert es_server.documents(tickets_index("staging")) == []


def test_a_namespace_elasticsearch_would_refuse_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="elasticsearch_namespace"):
        Settings(elasticsearch_namespace="Team-A")


def test_changed_retention_updates_only_the_policy(es_server: ElasticsearchTestServer) -> None:
    client = _client(es_server.url)
    setup_elasticsearch(client, es_server.url, OPTIONS)
    again = setup_elasticsearch(client, es_server.url, LifecycleOptions(retention_days=90))
    changed = [(c.kind, c.name) for c in again.changes if c.action != "unchanged"]
    assert changed == [("ilm_policy", ILM_POLICY)]
    assert es_server.ilm_policies[ILM_POLICY]["policy"]["phases"]["delete"]["min_age"] == "90d"


def test_alert_documents_land_in_a_data_stream_with_explicit_types(
    es_server: ElasticsearchTestServer,
) -> None:
    client = _client(es_server.url)
    setup_elasticsearch(client, es_server.url, OPTIONS)
    alert = {
        "@timestamp": "2026-11-22T10:00:00Z",
        "message": "Failed password for root from 10.0.0.9",
        "event": {
            "kind": "alert",
            "severity": 73,
            "risk_score": 61.5,
            "category": ["authentication"],
        },
        "source": {"ip": "10.0.0.9", "port": 51422},
        "logwarden": {"label": "auth_failure", "probability": 0.93, "novelty": 0.1},
    }
    stream = alerts_stream("default")
    answer = client.bulk(
        operations=[
            {"create": {"_index": stream, "_id": "a1"}},
            alert,
            {"create": {"_index": stream, "_id": "a2"}},
            {**alert, "source": {"ip": "not an address"}},
        ]
    )
    assert [i["create"]["status"] for i in answer["items"]] == [201, 400]
    assert es_server.data_streams() == [stream]
    assert es_server.indices[stream].unindexed_fields == set()


def test_serverless_uses_data_stream_lifecycle_and_no_ilm(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(serverless=True)
    report = setup_elasticsearch(_client(server.url), server.url, OPTIONS)
    assert not server.requests_to("/_ilm/")
    assert "serverless" in report.notes[0]
    template = server.index_templates["logs-logwarden.events"]
    assert template["template"]["lifecycle"] == {"data_retention": "14d"}


def test_wrong_credentials_fail_clearly(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(api_keys=["right-key"])
    with pytest.raises(CredentialsError, match="rejected the credentials"):
        setup_elasticsearch(_client(server.url, api_key="wrong-key"), server.url, OPTIONS)


def test_missing_privilege_is_named_before_anything_changes(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(
        api_keys=["k"], cluster_privileges=["monitor", "manage_index_templates"]
    )
    with pytest.raises(PrivilegeError) as caught:
        setup_elasticsearch(_client(server.url, api_key="k"), server.url, OPTIONS)
    assert "cluster:manage_ilm" in caught.value.missing
    assert "manage_ilm" in str(caught.value)
    assert not server.requests_to("/_index_template/", "PUT")


def test_refused_action_names_the_privilege_that_grants_it(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(cluster_privileges=["monitor", "manage_ilm"])
    with pytest.raises(PrivilegeError, match="manage_index_templates") as caught:
        install_assets(_client(server.url), server.url, build_assets(OPTIONS))
    assert caught.value.missing == ["manage_index_templates"]


def test_unreachable_cluster_fails_clearly() -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}"
    with pytest.raises(UnreachableError, match="cannot reach Elasticsearch"):
        check_cluster(_client(url), url)


def test_cluster_older_than_the_client_fails_clearly(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    older = f"{CLIENT_MAJOR - 1}.15.3"
    server = es_server_factory(version=older)
    with pytest.raises(VersionError, match=older.replace(".", r"\.")) as caught:
        check_cluster(_client(server.url), server.url)
    assert "pip install" in str(caught.value)


def test_verification_off_warns_loudly(es_server: ElasticsearchTestServer) -> None:
    with pytest.warns(UserWarning, match="verification is OFF"):
        build_client(ElasticsearchConnection(url=es_server.url, verify_certs=False))


@pytest.mark.parametrize("version", ["8.15.0", "9.1.0"])
def test_setup_and_writes_work_on_8x_and_9x_clusters(
    es_server_factory: Callable[..., ElasticsearchTestServer], version: str
) -> None:
    """The pinned 8.x client talks to both majors (a 9.x client would refuse 8.x clusters)."""
    server = es_server_factory(version=version)
    client = _client(server.url)
    assert check_cluster(client, server.url).version == version
    first = setup_elasticsearch(client, server.url, OPTIONS)
    assert first.changed
    assert not setup_elasticsearch(client, server.url, OPTIONS).changed
    stream = alerts_stream("default")
    answer = client.bulk(
        operations=[
            {"create": {"_index": stream, "_id": "a1"}},
            {"@timestamp": "2026-11-22T10:00:00Z", "message": "m", "event": {"kind": "alert"}},
        ]
    )
    assert [i["create"]["status"] for i in answer["items"]] == [201]
    assert server.data_streams() == [stream]
