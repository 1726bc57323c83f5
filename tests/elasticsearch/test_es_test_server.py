"""The Elasticsearch test double, exercised by the real ``elasticsearch`` client (sync and async).

These tests pin the behaviour other tests rely on: the client accepts the server, bulk items
carry Elasticsearch's per-item results, and every switchable fault reaches the client the way
a real cluster's would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
    helpers,
)

from connectors.elasticsearch import CLIENT_MAJOR
from tests.doubles.es_server import ElasticsearchTestServer

STREAM = "logs-demo.alerts-default"


def _alert(n: int, **extra: Any) -> dict[str, Any]:
    return {"@timestamp": f"2026-01-01T00:00:{n:02d}Z", "event": {"kind": "alert"}, "n": n, **extra}


def _stream_template(client: Elasticsearch) -> None:
    client.indices.put_index_template(
        name="demo-alerts",
        index_patterns=["logs-demo.alerts-*"],
        data_stream={},
        priority=200,
        template={
            "mappings": {
                "properties": {
                    "n": {"type": "long"},
                    "source": {"properties": {"ip": {"type": "ip"}}},
                }
            }
        },
    )


def test_client_accepts_the_server_and_negotiates_compatibility(
    es_server: ElasticsearchTestServer,
) -> None:
    client = Elasticsearch(es_server.url)
    info = client.info()
    assert info["version"]["number"].startswith("9.")
    sent = es_server.requests_to("/", "GET")[0]
    assert f"compatible-with={CLIENT_MAJOR}" in sent.headers["Accept"]


def test_a_server_one_major_older_refuses_the_client_compatibility_header(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    old = es_server_factory(version=f"{CLIENT_MAJOR - 1}.15.0")
    with pytest.raises(BadRequestError) as caught:
        Elasticsearch(old.url).info()
    assert caught.value.error == "media_type_header_exception"


def test_bulk_reports_per_item_results_and_409_on_duplicate_create(
    es_server: ElasticsearchTestServer,
) -> None:
    client = Elasticsearch(es_server.url)
    _stream_template(client)
    answer = client.bulk(
        operations=[
            {"create": {"_index": STREAM, "_id": "a"}},
            _alert(1),
            {"create": {"_index": STREAM, "_id": "a"}},
            _alert(2),
            {"index": {"_index": STREAM, "_id": "b"}},
            _alert(3),
            {"create": {"_index": STREAM, "_id": "c"}},
            _alert(4, source={"ip": "not-an-ip"}),
        ]
    )
    statuses = [next(iter(item.values()))["status"] for item in answer["items"]]
    assert answer["errors"] is True
    assert statuses == [201, 409, 400, 400]
    conflict = answer["items"][1]["create"]["error"]
    assert conflict["type"] == "version_conflict_engine_exception"
    assert (
        "only write ops with an op_type of create" in answer["items"][2]["index"]["error"]["reason"]
    )
    assert answer["items"][3]["create"]["error"]["type"] == "document_parsing_exception"
    assert es_server.data_streams() == [STREAM]
    assert es_server.documents(STREAM) == [_alert(1)]
    bulk = es_server.requests_to("/_bulk")[0]
    assert bulk.body[0] == {"create": {"_index": STREAM, "_id": "a"}}


def test_plain_index_writes_search_count_and_get(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    client.indices.create(index="tickets", mappings={"properties": {"queue": {"type": "keyword"}}})
    for n, queue in enumerate(["hardware", "network", "hardware"]):
        client.index(index="tickets", id=str(n), document={"queue": queue, "n": n})
    client.indices.refresh(index="tickets")
    found = client.search(
        index="tickets", query={"term": {"queue": "hardware"}}, sort=[{"n": "desc"}]
    )
    assert [h["_id"] for h in found["hits"]["hits"]] == ["2", "0"]
    assert client.count(index="tickets", query={"terms": {"queue": ["network"]}})["count"] == 1
    assert client.get(index="tickets", id="1")["_source"]["queue"] == "network"
    assert es_server.indices["tickets"].dynamic_fields["n"] == "long"


def test_writes_hide_from_search_until_refresh_when_not_realtime(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(realtime_search=False)
    client = Elasticsearch(server.url)
    client.index(index="plain", id="1", document={"a": 1})
    assert client.count(index="plain")["count"] == 0
    client.indices.refresh(index="plain")
    assert client.count(index="plain")["count"] == 1


def test_http_429_is_retried_by_the_client_until_it_passes(
    es_server: ElasticsearchTestServer,
) -> None:
    client = Elasticsearch(es_server.url, max_retries=3, retry_on_status=(429,))
    es_server.fail_next(2, 429, path="/_bulk")
    answer = client.bulk(operations=[{"index": {"_index": "plain", "_id": "1"}}, {"a": 1}])
    assert answer["errors"] is False
    assert len(es_server.requests_to("/_bulk")) == 3


def test_http_429_reaches_the_caller_when_retries_run_out(
    es_server: ElasticsearchTestServer,
) -> None:
    client = Elasticsearch(es_server.url, max_retries=0)
    es_server.fail_next(1, 429)
    with pytest.raises(ApiError) as caught:
        client.count()
    assert caught.value.status_code == 429
    assert caught.value.error == "es_rejected_execution_exception"
    assert client.count()["count"] == 0


def test_fail_for_a_time_span_answers_503(es_server: ElasticsearchTestServer) -> None:
    es_server.fail_for(60, 503)
    client = Elasticsearch(es_server.url, max_retries=0)
    with pytest.raises(ApiError) as caught:
        client.count()
    assert caught.value.status_code == 503
    es_server.clear_faults()
    assert client.count()["count"] == 0


def test_per_item_429_inside_an_http_200_bulk(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    es_server.reject_bulk_items(1)
    answer = client.bulk(
        operations=[
            {"index": {"_index": "plain", "_id": "1"}},
            {"a": 1},
            {"index": {"_index": "plain", "_id": "2"}},
            {"a": 2},
        ]
    )
    assert answer.meta.status == 200
    assert [i["index"]["status"] for i in answer["items"]] == [429, 201]
    assert answer["items"][0]["index"]["error"]["type"] == "es_rejected_execution_exception"
    assert es_server.document("plain", "1") is None
    assert es_server.document("plain", "2") == {"a": 2}


def test_chosen_documents_fail_with_a_mapping_error(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    es_server.reject_documents(where=lambda source: source.get("bad") is True)
    ok, errors = helpers.bulk(
        client,
        [{"_index": "plain", "_id": str(n), "bad": n == 1} for n in range(3)],
        raise_on_error=False,
    )
    assert ok == 2
    assert isinstance(errors, list)
    assert errors[0]["index"]["_id"] == "1"
    assert errors[0]["index"]["error"]["type"] == "document_parsing_exception"


def test_dropped_connection_is_a_connection_error(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url, max_retries=0)
    es_server.drop_next(1)
    with pytest.raises(TransportConnectionError):
        client.count()
    assert client.count()["count"] == 0


def test_slow_responses_hit_the_client_timeout(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url, max_retries=0, request_timeout=0.2)
    es_server.slow_down(1.0, count=1)
    with pytest.raises(ConnectionTimeout):
        client.count()


def test_credentials_and_privileges_are_enforced(
    es_server_factory: Callable[..., ElasticsearchTestServer],
) -> None:
    server = es_server_factory(
        users={"writer": "secret"},
        cluster_privileges=["monitor"],
        index_privileges={"logs-*": ["create_doc", "auto_configure"]},
    )
    with pytest.raises(AuthenticationException):
        Elasticsearch(server.url, basic_auth=("writer", "wrong")).info()
    client = Elasticsearch(server.url, basic_auth=("writer", "secret"))
    assert client.security.authenticate()["username"] == "writer"
    with pytest.raises(AuthorizationException) as caught:
        client.ilm.put_lifecycle(name="p", policy={"phases": {"hot": {"actions": {}}}})
    assert "manage_ilm" in str(caught.value)
    privileges = client.security.has_privileges(
        cluster=["manage_index_templates"],
        index=[{"names": ["logs-a-b"], "privileges": ["create_doc"]}],
    )
    assert privileges["cluster"] == {"manage_index_templates": False}
    assert privileges["index"]["logs-a-b"] == {"create_doc": True}
    es_403 = Elasticsearch(server.url, basic_auth=("writer", "secret"), max_retries=0)
    server.fail_next(1, 403)
    with pytest.raises(AuthorizationException):
        es_403.info()


def test_point_in_time_and_scroll_walk_every_document(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    _stream_template(client)
    helpers.bulk(client, [{"_op_type": "create", "_index": STREAM, **_alert(n)} for n in range(25)])
    pit = client.open_point_in_time(index="logs-demo.*", keep_alive="1m")["id"]
    seen: list[int] = []
    after = None
    while True:
        page = client.search(
            pit={"id": pit, "keep_alive": "1m"},
            sort=[{"@timestamp": "asc"}],
            size=10,
            search_after=after,
            query={"range": {"@timestamp": {"gte": "2026-01-01T00:00:05Z"}}},
        )["hits"]["hits"]
        if not page:
            break
        seen.extend(h["_source"]["n"] for h in page)
        after = page[-1]["sort"]
    client.close_point_in_time(id=pit)
    assert seen == list(range(5, 25))
    scanned = [h["_source"]["n"] for h in helpers.scan(client, index=STREAM, size=7)]
    assert sorted(scanned) == list(range(25))


def test_result_window_is_limited_like_elasticsearch(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    client.indices.create(index="plain")
    with pytest.raises(BadRequestError) as caught:
        client.search(index="plain", from_=9_995, size=10)
    assert "Result window is too large" in str(caught.value)


def test_template_checks_match_elasticsearch(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    with pytest.raises(BadRequestError, match="do not exist"):
        client.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["missing"])
    with pytest.raises(BadRequestError, match="same priority"):
        client.indices.put_index_template(
            name="t", index_patterns=["logs-a-*"], data_stream={}, priority=100
        )


async def test_async_client_bulk_and_dropped_connection(es_server: ElasticsearchTestServer) -> None:
    client = AsyncElasticsearch(es_server.url, max_retries=0)
    try:
        answer = await client.bulk(
            operations=[{"create": {"_index": "plain", "_id": "1"}}, {"a": 1}], refresh="wait_for"
        )
        assert answer["items"][0]["create"]["status"] == 201
        es_server.drop_next(1)
        with pytest.raises(TransportConnectionError):
            await client.count(index="plain")
        assert (await client.count(index="plain"))["count"] == 1
    finally:
        await client.close()


def test_dynamic_false_keeps_unknown_fields_unindexed(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    client.indices.create(
        index="strictish", mappings={"dynamic": "false", "properties": {"a": {"type": "long"}}}
    )
    client.index(index="strictish", id="1", document={"a": 1, "extra": {"b": "x"}})
    assert es_server.indices["strictish"].unindexed_fields == {"extra.b"}
    assert es_server.document("strictish", "1") == {"a": 1, "extra": {"b": "x"}}


def test_basic_aggregations(es_server: ElasticsearchTestServer) -> None:
    client = Elasticsearch(es_server.url)
    _stream_template(client)
    docs = [
        _alert(0, label="auth_failure"),
        _alert(1, label="auth_failure"),
        _alert(2, label="malware"),
        _alert(3, label="auth_failure"),
    ]
    helpers.bulk(client, [{"_op_type": "create", "_index": STREAM, **d} for d in docs])
    answer = client.search(
        index=STREAM,
        size=0,
        query={"range": {"n": {"gte": 1}}},
        aggs={
            "labels": {
                "terms": {"field": "label.keyword", "size": 1},
                "aggs": {"top": {"max": {"field": "n"}}},
            },
            "per_second": {"date_histogram": {"field": "@timestamp", "fixed_interval": "1s"}},
            "average": {"avg": {"field": "n"}},
            "alerts": {"filter": {"term": {"event.kind": "alert"}}},
        },
    )
    aggs = answer["aggregations"]
    assert aggs["labels"]["buckets"] == [
        {"key": "auth_failure", "doc_count": 2, "top": {"value": 3.0}}
    ]
    assert aggs["labels"]["sum_other_doc_count"] == 1
    assert [b["doc_count"] for b in aggs["per_second"]["buckets"]] == [1, 1, 1]
    assert aggs["per_second"]["buckets"][0]["key_as_string"] == "2026-01-01T00:00:01.000Z"
    assert aggs["average"] == {"value": 2.0}
    assert aggs["alerts"]["doc_count"] == 3
    with pytest.raises(BadRequestError, match="not interpreted"):
        client.search(index=STREAM, aggs={"x": {"geo_centroid": {"field": "n"}}})
    with pytest.raises(BadRequestError, match="Fielddata is disabled"):
        client.search(index=STREAM, aggs={"x": {"terms": {"field": "label"}}})
