"""CMTrace lines (Configuration Manager, Intune Management Extension), written after the
format as CMTrace reads it: the message, then the time with the zone bias, date and attributes."""

from __future__ import annotations

from datetime import UTC, datetime

from classifiers.parsing import ParseFailure, ParseOptions, parse

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
LINE = (
    '<![LOG[Failed to download policy CCM_Policy_Policy5 (error 0x80004005).]LOG]!><time="09:40'
    ':03.007{bias}" date="12-04-2026" component="PolicyAgent_PolicyDownload" context="" '
    'type="{type}" thread="4120" file="policydownloadendpoint.cpp:288">'
)


def _parsed(line: str) -> dict:
    result = parse(line, ParseOptions(now=NOW, source="ccm"))
    assert not isinstance(result, ParseFailure), result
    return result


def test_a_cmtrace_line_gives_its_message_time_level_and_component() -> None:
    event = _parsed(LINE.format(bias="+000", type="3"))
    assert event["logwarden"]["parse"]["format"] == "cmtrace"
    assert event["message"] == "Failed to download policy CCM_Policy_Policy5 (error 0x80004005)."
    assert event["@timestamp"] == "2026-12-04T09:40:03.007Z"
    assert event["log"] == {
        "level": "error",
        "logger": "PolicyAgent_PolicyDownload",
        "origin": {"file": {"name": "policydownloadendpoint.cpp", "line": 288}},
    }
    assert event["process"]["thread"]["id"] == 4120


def test_the_time_suffix_is_the_windows_bias() -> None:
    """UTC = local time + bias: a client in CET writes -060, one in New York +300."""
    assert _parsed(LINE.format(bias="-060", type="1"))["@timestamp"] == "2026-12-04T08:40:03.007Z"
    assert _parsed(LINE.format(bias="+300", type="1"))["@timestamp"] == "2026-12-04T14:40:03.007Z"


def test_types_are_cmtrace_colours() -> None:
    levels = [_parsed(LINE.format(bias="+000", type=kind))["log"].get("level") for kind in "0123"]
    assert levels == [None, "info", "warning", "error"]


def test_a_broken_cmtrace_line_is_kept_not_lost() -> None:
    """No closing attributes: not CMTrace; the line is kept whole, its time the ingest time."""
    event = _parsed("<![LOG[half a line]LOG]!><time=")
    assert event["logwarden"]["parse"]["format"] != "cmtrace"
    assert event["message"] == "<![LOG[half a line]LOG]!><time="
