"""Parsed events fit the index template: every field mapped, every value of its mapped type."""

from __future__ import annotations

from typing import Any

import pytest

from classifiers.logs.generator import generate
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.shared_data import shared_data_dir
from connectors.elasticsearch import ElasticsearchConnection, build_client
from connectors.es_assets.install import setup_elasticsearch
from connectors.es_assets.templates import (
    LifecycleOptions,
    events_stream,
    mapped_field_types,
    unmapped_fields,
)
from tests.doubles.es_query import value_errors
from tests.doubles.es_server import ElasticsearchTestServer

SAMPLE_SIZE = 600
LOGHUB_LINES_PER_SYSTEM = 300
# Formats the scenario generator does not write, each with the optional fields it can carry.
FORMAT_SAMPLES = (
    "CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 "
    "dpt=445 proto=TCP act=blocked rt=1709460901000 msg=stopped suser=bob smac=00:0d:60:af:1b:61 "
    "in=4096 out=512 fsize=1024 fname=evil.exe",
    "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 4711 ID47 [exampleSDID@32473 "
    'iut="3" eventSource="Application"] An application event log entry',
    '{"@timestamp": "2024-03-03T10:00:00Z", "level": "error", "host": "api-1", '
    '"message": "payment failed", "user": {"name": "alice"}, "extra": {"attempt": 3}}',
    '{"@timestamp": "2024-03-03T10:00:00Z", "host": {"name": "WS1"}, "event": {"code": "1"}, '
    '"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": "1", '
    '"event_data": {"Image": "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\'
    'powershell.exe", "CommandLine": "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A", '
    '"ParentImage": "C:\\\\Program Files\\\\Microsoft Office\\\\WINWORD.EXE", '
    '"User": "CORP\\\\bob", "ProcessId": "4242"}}}',
    '{"@timestamp": "2024-03-03T10:00:00Z", "event": {"code": "4732"}, "winlog": {"channel": '
    '"Security", "event_id": "4732", "event_data": {"TargetUserName": "Administrators", '
    '"MemberSid": "S-1-5-21-1-2-3-1104", "SubjectUserName": "admin"}}}',
    "LEEF:2.0|Fortinet|FortiGate|7.0|ips|^|cat=utm:ips^src=203.0.113.4^dst=10.0.0.8^srcPort=4444"
    "^dstPort=80^proto=6^action=dropped^sev=8^attack=Apache.Struts.OGNL",
    "12/04/2026-10:11:12.123456  [**] [1:2010935:3] ET SCAN MSSQL probe [**] [Classification: "
    "Attempted Information Leak] [Priority: 2] {TCP} 203.0.113.9:53422 -> 10.0.0.5:1433",
    '{"timestamp": "2024-03-03T10:00:00.1+0000", "event_type": "alert", "src_ip": "203.0.113.9",'
    ' "src_port": 4412, "dest_ip": "10.0.0.5", "dest_port": 80, "proto": "TCP", "app_proto": '
    '"http", "alert": {"action": "blocked", "signature_id": 2024217, "rev": 3, "signature": '
    '"ET EXPLOIT Struts", "category": "Web Application Attack", "severity": 1}}',
    "Mar  3 11:00:02 fw1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=10.0.0.5 "
    "LEN=40 PROTO=TCP SPT=51000 DPT=23 WINDOW=1024 SYN URGP=0",
    "CEF:0|Palo Alto Networks|PAN-OS|10.1|spyware|THREAT|8|src=10.0.0.7 dst=198.51.100.9 "
    "act=reset-both cs1Label=Rule cs1=outbound cat=C2 beacon(12345)",
)


def _loghub_lines() -> list[str]:
    base = shared_data_dir()
    if base is None:
        return []
    lines: list[str] = []
    for path in sorted((base / "loghub").glob("*/*.log")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines += [line for _, line in zip(range(LOGHUB_LINES_PER_SYSTEM), handle, strict=False)]
    return lines


@pytest.fixture(scope="module")
def parsed_events() -> list[dict[str, Any]]:
    """Parser output over generated scenarios, every other format and the Loghub samples."""
    options = ParseOptions()
    texts = [line.text for line in generate(SAMPLE_SIZE, seed=7)]
    texts += [*FORMAT_SAMPLES, *_loghub_lines()]
    events = []
    for text in texts:
        result = parse(text.rstrip("\n").encode(), options)
        if not isinstance(result, ParseFailure):
            events.append(result)
    assert len(events) > SAMPLE_SIZE // 2
    return events


def test_every_parsed_field_is_mapped(parsed_events: list[dict[str, Any]]) -> None:
    missing = sorted({f for event in parsed_events for f in unmapped_fields(event, "events")})
    assert missing == []


def test_every_parsed_value_fits_its_mapped_type(parsed_events: list[dict[str, Any]]) -> None:
    types = mapped_field_types("events")
    wrong = [error for event in parsed_events for error in value_errors(event, types)]
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
