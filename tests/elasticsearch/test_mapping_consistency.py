"""Parsed events fit the index template: every field mapped, every value of its mapped type."""

from __future__ import annotations

from typing import Any

import pytest

from classifiers.logs.generator import generate
from classifiers.parsing import ParseFailure, ParseOptions, parse
from connectors.bulk_sinks import ElasticsearchConnection
from connectors.elasticsearch import build_client
from connectors.es_assets.install import setup_elasticsearch
from connectors.es_assets.templates import (
    LifecycleOptions,
    events_stream,
    mapped_field_types,
    unmapped_fields,
)
from connectors.es_mappings import flatten_document
from connectors.es_test_query import InvalidValueError, check_value
from connectors.es_test_server import ElasticsearchTestServer

SAMPLE_SIZE = 600


@pytest.fixture(scope="module")
def parsed_events() -> list[dict[str, Any]]:
    options = ParseOptions()
    events = []
    for line in generate(SAMPLE_SIZE, seed=7):
        result = parse(line.text.encode(), options)
        if not isinstance(result, ParseFailure):
            events.append(result)
    assert len(events) > SAMPLE_SIZE // 2
    return events


def test_every_parsed_field_is_mapped(parsed_events: list[dict[str, Any]]) -> None:
    missing = sorted({f for event in parsed_events for f in unmapped_fields(event, "events")})
    assert missing == []


def test_every_parsed_value_fits_its_mapped_type(parsed_events: list[dict[str, Any]]) -> None:
    types = mapped_field_types("events")
    wrong: list[str] = []
    for event in parsed_events:
        for path, value in flatten_document(event):
            if path in types:
                try:
                    check_value(path, types[path], value)
                except InvalidValueError as exc:
                    wrong.append(str(exc))
    assert wrong == []


def test_unmapped_fields_reports_what_the_template_lacks() -> None:
    document = {"event": {"kind": "alert"}, "logwarden": {"json": {"any": 1}, "brand_new": 2}}
    assert unmapped_fields(document) == ["logwarden.brand_new"]


def test_parsed_events_index_without_errors_or_dynamic_fields(
    es_server: ElasticsearchTestServer, parsed_events: list[dict[str, Any]]
) -> None:
    client = build_client(ElasticsearchConnection(url=es_server.url))
    setup_elasticsearch(client, es_server.url, LifecycleOptions())
    stream = events_stream("default")
    operations: list[dict[str, Any]] = []
    for number, event in enumerate(parsed_events):
        operations += [{"create": {"_index": stream, "_id": str(number)}}, event]
    answer = client.bulk(operations=operations)
    failures = [i["create"]["error"] for i in answer["items"] if "error" in i["create"]]
    assert failures == []
    assert es_server.indices[stream].unindexed_fields == set()
