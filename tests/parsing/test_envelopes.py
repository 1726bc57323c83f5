"""Shipper envelopes: the wrapped line gives exactly the raw line's ECS values, plus metadata.

Record layouts follow each shipper's documented output (Filebeat/Elastic Agent Kafka output,
Logstash json codec, Vector's file/kubernetes_logs sources, Fluent Bit's tail + kubernetes
filter, Fluentd, Docker json-file, the CRI log format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from classifiers.parsing import FailureType, ParseFailure, ParseOptions, infer, parse

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
OPTIONS = ParseOptions(now=NOW)
SHIPPED_AT = "2026-12-04T10:11:59.000Z"
RAW_LINES = (
    "Dec  4 10:11:12 web1 sshd[2213]: Failed password for invalid user admin from "
    "198.51.100.23 port 41112 ssh2",
    '203.0.113.7 - - [04/Dec/2026:10:11:12 +0000] "GET /index.html?q=1 HTTP/1.1" 200 5123 '
    '"https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
    "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
    "blk_38865049064139660 terminating",
    "2026-12-04 10:11:12,345 - payments.api - ERROR - charge failed: card declined",
    '{"time":"2026-12-04T10:11:12Z","level":"warn","msg":"slow query","duration_ms":812}',
)
TIMELESS = "GET /login?password=hunter2 failed"
POD_PATH = "/var/log/pods/shop_web-5d9c_0f1e2d3c-aaaa-bbbb-cccc-123456789abc/nginx/0.log"


def filebeat(line: str) -> dict[str, Any]:
    return {
        "@timestamp": SHIPPED_AT,
        "@metadata": {"beat": "filebeat", "type": "_doc", "version": "8.11.0"},
        "log": {"offset": 4711, "file": {"path": "/var/log/auth.log"}},
        "message": line,
        "input": {"type": "filestream"},
        "ecs": {"version": "8.0.0"},
        "host": {"name": "web1", "hostname": "web1", "os": {"family": "debian"}},
        "agent": {"type": "filebeat", "version": "8.11.0", "name": "web1", "id": "a1"},
    }


def elastic_agent(line: str) -> dict[str, Any]:
    return {
        "@timestamp": SHIPPED_AT,
        "message": line,
        "data_stream": {"type": "logs", "dataset": "system.auth", "namespace": "default"},
        "elastic_agent": {"id": "a1", "version": "8.11.0", "snapshot": False},
        "agent": {"type": "filebeat", "version": "8.11.0", "id": "a1", "name": "web1"},
        "log": {"file": {"path": "/var/log/auth.log"}, "offset": 17},
        "host": {"name": "web1"},
        "input": {"type": "log"},
        "ecs": {"version": "8.0.0"},
    }


def logstash_legacy(line: str) -> dict[str, Any]:
    return {"@timestamp": SHIPPED_AT, "@version": "1", "message": line, "host": "web1",
            "path": "/var/log/auth.log", "type": "syslog"}  # fmt: skip


def logstash_ecs(line: str) -> dict[str, Any]:
    return {"@timestamp": SHIPPED_AT, "@version": "1", "message": line,
            "host": {"name": "web1"}, "log": {"file": {"path": "/var/log/auth.log"}},
            "event": {"original": line}}  # fmt: skip


def vector_file(line: str) -> dict[str, Any]:
    return {"file": "/var/log/auth.log", "host": "web1", "message": line,
            "source_type": "file", "timestamp": SHIPPED_AT}  # fmt: skip


def vector_kubernetes(line: str) -> dict[str, Any]:
    return {
        "file": POD_PATH,
        "kubernetes": {
            "container_id": "containerd://3f2a" + "0" * 60, "container_image": "nginx:1.25",
            "container_name": "nginx", "pod_labels": {"app": "web"}, "pod_ip": "10.1.2.3",
            "pod_name": "web-5d9c", "pod_namespace": "shop", "pod_node_name": "node-1",
            "pod_uid": "0f1e2d3c-aaaa-bbbb-cccc-123456789abc",
        },
        "message": line, "source_type": "kubernetes_logs", "stream": "stderr",
        "timestamp": SHIPPED_AT,
    }  # fmt: skip


def fluent_bit(line: str) -> dict[str, Any]:
    return {
        "@timestamp": 1796379119.0, "log": line + "\n", "stream": "stdout",
        "time": SHIPPED_AT,
        "kubernetes": {
            "pod_name": "web-5d9c", "namespace_name": "shop", "pod_id": "0f1e2d3c",
            "labels": {"app": "web"}, "host": "node-1", "container_name": "nginx",
            "docker_id": "3f2a" + "0" * 60, "container_image": "nginx:1.25",
        },
    }  # fmt: skip


def fluentd(line: str) -> dict[str, Any]:
    return {"log": line + "\n", "stream": "stderr", "docker": {"container_id": "3f2a" + "0" * 60},
            "kubernetes": {"pod_name": "web-5d9c", "namespace_name": "shop",
                           "container_name": "nginx", "host": "node-1"}}  # fmt: skip


def docker(line: str) -> dict[str, Any]:
    return {"log": line + "\n", "stream": "stdout", "time": "2026-12-04T10:11:59.123456789Z"}


def fluent_bit_raw_cri(line: str) -> dict[str, Any]:
    """Fluent Bit ``tail`` on a pod log without the ``cri`` parser: the CRI line in ``log``."""
    return {"log": f"2026-12-04T10:11:59.123456789Z stderr F {line}", "filename": POD_PATH}


JSON_SHIPPERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "filebeat": filebeat, "elastic-agent": elastic_agent, "logstash": logstash_legacy,
    "logstash-ecs": logstash_ecs, "vector:file": vector_file,
    "vector:kubernetes_logs": vector_kubernetes, "fluent-bit": fluent_bit, "fluentd": fluentd,
    "docker": docker, "fluent-bit-cri": fluent_bit_raw_cri,
}  # fmt: skip


#: The envelope name each test shipper is reported as (the others by their own name).
ENVELOPE_NAMES = {
    "logstash-ecs": "logstash", "fluent-bit": "fluent", "fluentd": "fluent",
    "fluent-bit-cri": "fluent",
}  # fmt: skip


def cri(line: str) -> bytes:
    return f"2026-12-04T10:11:59.123456789Z stderr F {line}".encode()


def wrapped(shipper: str, line: str) -> bytes:
    return cri(line) if shipper == "cri" else orjson.dumps(JSON_SHIPPERS[shipper](line))


@pytest.fixture(autouse=True)
def fresh_layouts() -> Iterator[None]:
    infer.forget()
    yield
    infer.forget()


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            out.update(leaves(child, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: value}


def event(raw: bytes | str) -> dict[str, Any]:
    result = parse(raw, OPTIONS)
    assert not isinstance(result, ParseFailure), result
    return result


@pytest.mark.parametrize("shipper", [*JSON_SHIPPERS, "cri"])
@pytest.mark.parametrize("line", [*RAW_LINES, TIMELESS], ids=lambda line: line[:12])
def test_wrapped_line_gives_the_raw_lines_values(shipper: str, line: str) -> None:
    """Every field of the raw line's event, same value (a line without its own time takes
    the shipper's time instead of the ingest time: see the test below)."""
    raw, inner = leaves(event(line)), leaves(event(wrapped(shipper, line)))
    if line == TIMELESS:
        del raw["@timestamp"]
    differing = {
        key: (value, inner.get(key)) for key, value in raw.items() if inner.get(key) != value
    }
    assert differing == {}
    assert inner["logwarden.envelope.format"] == ENVELOPE_NAMES.get(shipper, shipper)


def test_filebeat_metadata_is_kept() -> None:
    doc = event(orjson.dumps(filebeat(RAW_LINES[0])))
    assert doc["source"]["ip"] == "198.51.100.23" and doc["event"]["outcome"] == "failure"
    assert doc["host"] == {"hostname": "web1", "name": "web1", "os": {"family": "debian"}}
    assert doc["agent"]["type"] == "filebeat"
    assert doc["log"]["file"]["path"] == "/var/log/auth.log"
    assert doc["log"]["offset"] == 4711


def test_elastic_agent_keeps_data_stream() -> None:
    doc = event(orjson.dumps(elastic_agent(RAW_LINES[0])))
    assert "data_stream" not in doc  # the index's own data_stream.* are constant_keyword
    assert doc["logwarden"]["envelope"]["data_stream"]["dataset"] == "system.auth"
    assert doc["logwarden"]["envelope"]["format"] == "elastic-agent"


@pytest.mark.parametrize("shipper", ["vector:kubernetes_logs", "fluent-bit", "fluent-bit-cri"])
def test_kubernetes_metadata_in_filebeats_layout(shipper: str) -> None:
    doc = event(wrapped(shipper, RAW_LINES[1]))
    assert doc["kubernetes"]["namespace"] == "shop"
    assert doc["kubernetes"]["pod"]["name"] == "web-5d9c"
    assert doc["kubernetes"]["container"]["name"] == "nginx"
    assert doc["http"]["response"]["status_code"] == 200  # the nginx line was parsed


def test_container_id_and_image() -> None:
    doc = event(wrapped("vector:kubernetes_logs", RAW_LINES[1]))
    assert doc["container"] == {
        "id": "3f2a" + "0" * 60,
        "name": "nginx",
        "image": {"name": "nginx:1.25"},
    }
    assert doc["logwarden"]["envelope"]["stream"] == "stderr"


def test_cri_line_is_no_longer_syslog_with_host_stderr() -> None:
    doc = event(cri(RAW_LINES[2]))
    assert doc["logwarden"]["parse"]["format"] == "loghub:HDFS"
    assert "host" not in doc
    assert doc["logwarden"]["envelope"] == {"format": "cri", "stream": "stderr"}


def test_cri_partial_record_is_marked() -> None:
    doc = event(b"2026-12-04T10:11:59.1Z stdout P first half of a long line")
    assert doc["logwarden"]["envelope"]["partial"] is True
    assert doc["message"] == "first half of a long line"


def test_a_line_without_own_time_takes_the_shippers_time() -> None:
    assert event(TIMELESS)["@timestamp"] == "2026-12-04T12:00:00.000Z"  # ingest time
    assert event(wrapped("filebeat", TIMELESS))["@timestamp"] == SHIPPED_AT
    assert event(cri(TIMELESS))["@timestamp"] == "2026-12-04T10:11:59.123Z"


def test_secrets_in_the_inner_line_are_scrubbed_like_raw() -> None:
    doc = event(wrapped("docker", TIMELESS))
    assert "hunter2" not in orjson.dumps(doc).decode()
    assert (
        doc["logwarden"]["scrubbed"]["count"]
        == event(TIMELESS)["logwarden"]["scrubbed"]["count"]
        == 1
    )


def test_control_bytes_inside_an_envelope_fail_as_binary() -> None:
    result = parse(orjson.dumps(docker("bad\x00line")), OPTIONS)
    assert isinstance(result, ParseFailure) and result.type == FailureType.BINARY_DATA


def test_empty_inner_line_fails_as_empty() -> None:
    result = parse(orjson.dumps(docker("")), OPTIONS)
    assert isinstance(result, ParseFailure) and result.type == FailureType.EMPTY


def test_other_json_is_not_an_envelope() -> None:
    doc = event(b'{"log": "x", "user": "alice", "action": "login"}')
    assert doc["logwarden"]["parse"]["format"] == "json" and "envelope" not in doc["logwarden"]


def test_forced_json_keeps_the_envelope_as_a_document() -> None:
    result = parse(orjson.dumps(docker(RAW_LINES[0])), ParseOptions(now=NOW, format="json"))
    assert not isinstance(result, ParseFailure)
    assert (
        result["logwarden"]["parse"]["format"] == "json" and "envelope" not in result["logwarden"]
    )


def test_secrets_in_the_envelope_metadata_are_masked() -> None:
    record = filebeat(RAW_LINES[0])
    record["fields"] = {"db_password": "hunter2", "team": "web"}
    doc = event(orjson.dumps(record))
    assert "hunter2" not in orjson.dumps(doc).decode()
    assert doc["fields"]["team"] == "web"
    assert doc["logwarden"]["scrubbed"]["count"] == 1


def test_winlogbeat_events_are_structured_not_envelopes() -> None:
    """Winlogbeat's ``message`` is rendered text: the ``winlog`` fields are what gets parsed."""
    record = {
        "@timestamp": "2026-12-04T10:11:12.000Z",
        "@metadata": {"beat": "winlogbeat", "type": "_doc", "version": "8.11.0"},
        "agent": {"type": "winlogbeat"},
        "message": "An account failed to log on.",
        "event": {"code": "4625"},
        "winlog": {"channel": "Security", "event_id": "4625",
                   "event_data": {"TargetUserName": "admin", "IpAddress": "203.0.113.9"}},
    }  # fmt: skip
    doc = event(orjson.dumps(record))
    assert "envelope" not in doc["logwarden"]
    assert doc["logwarden"]["parse"]["format"] == "json"
