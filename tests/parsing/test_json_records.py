"""JSON records whose keys are not the usual ones: journald exports, Redfish events, Logstash's
event format around an application's line, capitalised .NET and Java EE keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def _parsed(document: dict[str, Any]) -> dict[str, Any]:
    result = parse(orjson.dumps(document), ParseOptions(now=NOW))
    assert not isinstance(result, ParseFailure), result
    return result


JOURNAL = {
    "__CURSOR": "s=8f2e;i=1b2e4;b=3c9e;m=9986a3b75;t=661ad9577380e;x=271f",
    "__REALTIME_TIMESTAMP": "1796248025118734",
    "__MONOTONIC_TIMESTAMP": "41211804533",
    "PRIORITY": "6",
    "SYSLOG_FACILITY": "10",
    "SYSLOG_IDENTIFIER": "sshd",
    "_PID": "812",
    "_COMM": "sshd",
    "_HOSTNAME": "bastion",
    "_SYSTEMD_UNIT": "ssh.service",
    "MESSAGE": "Failed password for invalid user admin from 198.51.100.23 port 41112 ssh2",
}


def test_a_journal_entry_is_its_programs_line() -> None:
    """``journalctl -o json``: the entry's microsecond time, host, program, pid and priority,
    and an sshd message that gives the same auth fields as through syslog."""
    event = _parsed(JOURNAL)
    assert event["@timestamp"] == "2026-12-02T21:47:05.118Z"
    assert event["host"] == {"hostname": "bastion"}
    assert event["process"] == {"name": "sshd", "pid": 812}
    assert event["log"]["level"] == "informational"
    assert event["log"]["syslog"]["facility"] == {"code": 10, "name": "authpriv"}
    assert event["event"]["dataset"] == "system.auth"
    assert event["event"]["outcome"] == "failure"
    assert event["source"]["ip"] == "198.51.100.23"
    assert event["user"] == {"name": "admin"}
    assert event["logwarden"]["json"]["_SYSTEMD_UNIT"] == "ssh.service"


def test_a_journal_entry_without_facility_or_program() -> None:
    entry = {key: JOURNAL[key] for key in ("__REALTIME_TIMESTAMP", "PRIORITY", "MESSAGE")}
    event = _parsed({**entry, "PRIORITY": "3", "MESSAGE": "disk full"})
    assert event["log"] == {
        "level": "error", "syslog": {"severity": {"code": 3, "name": "error"}}
    }  # fmt: skip
    assert "process" not in event
    assert event["message"] == "disk full"


def test_a_redfish_event_push_and_log_entry_keep_time_severity_and_message() -> None:
    pushed = _parsed({
        "@odata.type": "#Event.v1_4_1.Event", "Id": "5e00", "Name": "Event Array",
        "Events": [{
            "EventId": "4411", "EventTimestamp": "2026-12-02T08:09:12-06:00",
            "EventType": "Alert", "Message": "The power input for power supply 2 is lost.",
            "MessageId": "IDRAC.2.9.PSU0003", "Severity": "Critical",
        }],
    })  # fmt: skip
    assert pushed["@timestamp"] == "2026-12-02T14:09:12.000Z"
    assert pushed["log"]["level"] == "critical"
    assert pushed["message"] == "The power input for power supply 2 is lost."
    entry = _parsed({
        "@odata.type": "#LogEntry.v1_11_0.LogEntry", "Id": "213",
        "Created": "2026-12-01T22:51:40Z", "EntryType": "Oem", "Severity": "Warning",
        "Message": "Corrected Memory Error threshold exceeded",
    })  # fmt: skip
    assert entry["@timestamp"] == "2026-12-01T22:51:40.000Z"
    assert entry["log"]["level"] == "warning"
    assert entry["message"] == "Corrected Memory Error threshold exceeded"


@pytest.mark.parametrize(
    ("document", "level", "message"),
    [
        # ASP.NET Core's JSON console formatter
        ({"Timestamp": "2026-11-30T23:45:11.902Z", "EventId": 0, "LogLevel": "Warning",
          "Category": "Hangfire.Server", "Message": "Server is stopping"},
         "warning", "Server is stopping"),
        # Payara's JSON formatter
        ({"Timestamp": "2026-11-30T23:45:11.902Z", "Level": "SEVERE", "LoggerName": "x.Orders",
          "LogMessage": "Order 41 failed"}, "severe", "Order 41 failed"),
        # macOS log stream --style ndjson
        ({"timestamp": "2026-11-30 23:45:11.902000+0000", "messageType": "Fault",
          "eventMessage": "Connection 412 failed", "eventType": "logEvent"},
         "fault", "Connection 412 failed"),
    ],
)  # fmt: skip
def test_capitalised_and_vendor_keys(document: dict[str, Any], level: str, message: str) -> None:
    event = _parsed(document)
    assert event["@timestamp"] == "2026-11-30T23:45:11.902Z"
    assert (event["log"]["level"], event["message"]) == (level, message)


def test_logstash_event_format_around_an_applications_message() -> None:
    """logstash-logback-encoder (Spring Boot's ``logstash`` structured format): the level,
    logger and thread beside the message are the line's when the message names none."""
    event = _parsed({
        "@timestamp": "2026-12-03T10:15:22.118402733+01:00", "@version": "1",
        "message": "Started OrdersApplication in 4.2 seconds", "logger_name": "com.example.Orders",
        "thread_name": "main", "level": "WARN", "level_value": 30000,
    })  # fmt: skip
    assert event["@timestamp"] == "2026-12-03T09:15:22.118Z"
    assert event["log"] == {"level": "warn", "logger": "com.example.Orders"}
    assert event["process"] == {"thread": {"name": "main"}}
    assert event["message"] == "Started OrdersApplication in 4.2 seconds"


def test_an_ecs_documents_level_is_lower_cased() -> None:
    """Spring Boot's ``ecs`` structured format writes ``"log.level": "INFO"``."""
    event = _parsed({
        "@timestamp": "2026-12-03T09:15:22.118Z", "log.level": "INFO", "message": "started",
        "ecs.version": "8.11",
    })  # fmt: skip
    assert event["log"]["level"] == "info"
