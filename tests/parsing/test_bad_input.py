"""Hostile and broken input: a typed failure with a reason, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from classifiers.parsing import FailureType, ParseFailure, ParseOptions, parse, parse_many

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"", FailureType.EMPTY),
        (b"   \r\n", FailureType.EMPTY),
        (b"\xef\xbb\xbf", FailureType.EMPTY),
        (b"Mar  3 10:15:08 web1 sshd[1]: caf\xe9 \xff\xfe", FailureType.INVALID_ENCODING),
        (b"Mar  3 10:15:08 web1 app: a\x00b", FailureType.BINARY_DATA),
        (bytes(range(256)), FailureType.BINARY_DATA),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FailureType.BINARY_DATA),
        (b'{"message": "cut here', FailureType.INVALID_JSON),
        (b"[1, 2, 3]", FailureType.INVALID_JSON),
        (b"{" * 100 + b"}" * 100, FailureType.INVALID_JSON),
        (b'{"a":' * 40 + b"1" + b"}" * 40, FailureType.JSON_TOO_DEEP),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, FailureType.INVALID_JSON),
        (b'{"@timestamp": "yesterday", "message": "x"}', FailureType.INVALID_TIMESTAMP),
        (b'{"@timestamp": "1969-12-31T23:59:59Z", "message": "x"}', FailureType.INVALID_TIMESTAMP),
        (b"<13>1 2999-01-01T00:00:00Z host app - - - future", FailureType.INVALID_TIMESTAMP),
        (b"0 node-1 unix.hw state 9999999999 1 far future epoch", FailureType.INVALID_TIMESTAMP),
        (b"Feb 30 10:00:00 host app: no such day", FailureType.INVALID_TIMESTAMP),
    ],
)  # fmt: skip
def test_typed_failure(raw: bytes, kind: str) -> None:
    options = (
        ParseOptions(now=NOW, format="json") if raw.startswith(b"[") else ParseOptions(now=NOW)
    )
    result = parse(raw, options)
    assert isinstance(result, ParseFailure), result
    assert result.type == kind
    assert result.reason
    assert result.to_dict()["error"] == {"type": kind, "reason": result.reason}
    assert isinstance(result.to_dict()["event"]["original"], str)


def test_ten_megabyte_line_is_refused_quickly_and_cut_in_the_failure() -> None:
    raw = b"Mar  3 10:15:08 web1 app: " + b"A" * (10 * 1024 * 1024)
    result = parse(raw, ParseOptions(now=NOW))
    assert isinstance(result, ParseFailure)
    assert result.type == FailureType.TOO_LARGE
    assert "10485786 bytes" in result.reason  # header + 10 MiB
    assert len(result.original) == 1_048_576


def test_size_limit_is_configurable() -> None:
    line = b"Mar  3 10:15:08 web1 app: " + b"x" * 500
    assert isinstance(parse(line, ParseOptions(now=NOW, max_bytes=100)), ParseFailure)
    assert not isinstance(parse(line, ParseOptions(now=NOW, max_bytes=1000)), ParseFailure)
    exact = ParseOptions(now=NOW, max_bytes=len(line))
    assert not isinstance(parse(line + b"\r\n", exact), ParseFailure)  # terminator is free


def test_text_that_is_not_utf8_bytes_still_parses() -> None:
    event = parse("Mar  3 10:15:08 web1 app: héllo ✓", ParseOptions(now=NOW))
    assert not isinstance(event, ParseFailure)
    assert event["message"] == "héllo ✓"


def test_bad_lines_do_not_disturb_the_good_ones_around_them() -> None:
    lines = [
        b"Mar  3 10:15:08 web1 sshd[1]: Invalid user a from 10.0.0.1",
        b"\x00\x01\x02",
        b'{"broken":',
        b"",
        b"Mar  3 10:15:09 web1 sshd[1]: Invalid user b from 10.0.0.2",
    ]
    results = parse_many(lines, ParseOptions(now=NOW))
    assert [isinstance(r, ParseFailure) for r in results] == [False, True, True, True, False]
    assert [r["user"]["name"] for r in results if not isinstance(r, ParseFailure)] == ["a", "b"]


def test_crlf_and_ansi_colours_are_fine() -> None:
    event = parse(b"Mar  3 10:15:08 web1 app[7]: \x1b[31mred\x1b[0m\r\n", ParseOptions(now=NOW))
    assert not isinstance(event, ParseFailure)
    assert event["process"] == {"name": "app", "pid": 7}


@pytest.mark.parametrize(
    "raw",
    [
        # Windows Update's ReportingEvents.log opens with a GUID in braces, then tab fields
        b"{6C3A2F1E-0B9D-4E7A-9C51-2B8E4D7F0A13}\t2024-05-02 03:14:27:371+0100\t1\t181",
        b"{'level': 'info', 'msg': 'a Python dict, not JSON'}",
    ],
)
def test_a_brace_before_a_word_is_no_broken_json(raw: bytes) -> None:
    """No JSON object opens with ``{A`` or ``{'``: such a line is text for the other formats,
    not a record to dead-letter as invalid JSON."""
    result = parse(raw, ParseOptions(now=NOW))
    assert not isinstance(result, ParseFailure), result
    assert result["message"]
