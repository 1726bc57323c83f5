"""Declared grok formats: compiled and validated up front, applied per source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.declared import DeclaredFormatError, load
from classifiers.parsing.grok import BASE_PATTERNS, GrokError, compile_grok, field_name
from stream.formats import load_formats

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
PAYMENTS = {
    "patterns": {"PAYMENT_ID": "pay_[0-9a-f]{4}"},
    "sources": [
        {
            "name": "payments",
            "source": "*payments*",
            "dataset": "payments.app",
            "grok": [
                r"%{TIMESTAMP_ISO8601:timestamp} \[%{DATA:process.thread.name}\] "
                r"%{LOGLEVEL:log.level} %{PAYMENT_ID:[payment][id]} from %{IP:source.ip} "
                r"port %{INT:source.port:int} %{GREEDYDATA:message}",
                r"%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGPROG}: %{GREEDYDATA:message}",
            ],
        }
    ],
}
LINE = "2026-12-04T10:11:12.5Z [worker-1] WARN pay_ab12 from 10.0.0.7 port 4431 card declined"


def _parse(text: str, source: str) -> dict:
    result = parse(text, ParseOptions(now=NOW, source=source, formats=load(PAYMENTS)))
    assert not isinstance(result, ParseFailure), result
    return result


def test_declared_pattern_fills_ecs_fields() -> None:
    event = _parse(LINE, "topic|/var/log/payments/app.log")
    assert event["@timestamp"] == "2026-12-04T10:11:12.500Z"
    assert event["log"]["level"] == "warn"
    assert event["process"]["thread"]["name"] == "worker-1"
    assert event["payment"]["id"] == "pay_ab12"
    assert event["source"] == {"ip": "10.0.0.7", "port": 4431}
    assert event["message"] == "card declined"
    assert event["event"]["dataset"] == "payments.app"
    assert event["logwarden"]["parse"]["format"] == "declared:payments"
    assert event["related"]["ip"] == ["10.0.0.7"]


def test_second_pattern_and_library_captures() -> None:
    event = _parse("Dec  4 10:11:12 billing[311]: settled", "payments")
    assert event["process"] == {"name": "billing", "pid": 311}
    assert event["@timestamp"] == "2026-12-04T10:11:12.000Z"


def test_other_sources_are_auto_detected() -> None:
    event = _parse(LINE, "orders")
    assert event["logwarden"]["parse"]["format"] != "declared:payments"


def test_unmatched_line_of_a_declared_source_falls_back_to_detection() -> None:
    line = "Dec  4 10:11:12 web1 sshd[2213]: Failed password for root from 10.0.0.9 port 22 ssh2"
    assert _parse(line, "payments")["logwarden"]["parse"]["format"] == "syslog"  # has a host
    event = _parse("081109 203615 148 INFO dfs.DataNode: x", "payments")
    assert event["logwarden"]["parse"]["format"] == "loghub:HDFS"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"sources": [{"name": "a", "grok": "%{NOPE:x}"}]},
         "source 'a': grok pattern '%{NOPE:x}': unknown grok pattern %{NOPE}"),
        ({"sources": [{"name": "b", "grok": "%{WORD:x} (unclosed"}]},
         "source 'b': grok pattern '%{WORD:x} (unclosed': invalid regular expression"),
        ({"patterns": {"LOOP": "%{LOOP}"}, "sources": [{"name": "c", "grok": "%{LOOP}"}]},
         "source 'c': grok pattern '%{LOOP}': pattern LOOP refers to itself"),
        ({"sources": [{"name": "d"}]}, "source 'd': 'grok' must be a pattern"),
        ({"sources": [{"grok": "x"}]}, "source #1 needs a 'name'"),
        ({"sources": [{"name": "e", "grok": "x", "typo": 1}]}, "source 'e': unknown keys"),
        ({"sources": [{"name": "f", "grok": "x"}, {"name": "f", "grok": "y"}]}, "unique"),
        ({"source": []}, "unknown keys in the formats file"),
    ],
)  # fmt: skip
def test_invalid_formats_name_the_source_and_pattern(document: dict, message: str) -> None:
    with pytest.raises(DeclaredFormatError) as caught:
        load(document)
    assert message in str(caught.value)


def test_formats_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "formats.yml"
    path.write_text("sources:\n  - name: pay\n    grok: '%{NOPE:x}'\n", encoding="utf-8")
    with pytest.raises(DeclaredFormatError, match=r"formats\.yml: source 'pay': grok pattern"):
        load_formats(path)
    path.write_text("sources: [", encoding="utf-8")
    with pytest.raises(DeclaredFormatError, match="not valid YAML"):
        load_formats(path)
    with pytest.raises(DeclaredFormatError, match="cannot read"):
        load_formats(tmp_path / "missing.yml")
    assert load_formats(None) is None


def test_every_base_pattern_compiles() -> None:
    for name in BASE_PATTERNS:
        compile_grok(f"%{{{name}}}")


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("%{IPV4:ip}", "192.168.0.1", {"ip": "192.168.0.1"}),
        ("%{HTTPDATE:t}", "04/Dec/2026:10:11:12 +0000", {"t": "04/Dec/2026:10:11:12 +0000"}),
        ("%{NUMBER:n:float} %{INT:i:int}", "1.5 -3", {"n": 1.5, "i": -3}),
        ("%{QS:q}", '"a \\"b\\""', {"q": '"a \\"b\\""'}),
        ("(?<user>\\w+)@%{HOSTNAME:host}", "bob@example.com",
         {"user": "bob", "host": "example.com"}),
    ],
)  # fmt: skip
def test_grok_captures(pattern: str, text: str, expected: dict) -> None:
    assert compile_grok(pattern).match(text) == expected


def test_grok_is_anchored_and_errors() -> None:
    assert compile_grok("%{INT:n}").match("12 trailing") is None
    with pytest.raises(GrokError):
        compile_grok("%{MISSING}")
    assert field_name("[source][ip]") == "source.ip"
