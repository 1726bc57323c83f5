"""Multiline: continuation lines joined per source, bounded in lines and bytes."""

from __future__ import annotations

import pytest

from classifiers.parsing.multiline import Joiner, continues
from stream.records import RawRecord, join_continuations

JAVA = [
    b"2026-12-04 10:11:12,345 ERROR [main] com.example.App - request failed",
    b"java.lang.IllegalStateException: pool exhausted",
    b"\tat com.example.Pool.take(Pool.java:42)",
    b"\tat com.example.App.handle(App.java:17)",
    b"Caused by: java.net.SocketTimeoutException: connect timed out",
    b"\t... 12 more",
]
PYTHON = [
    b"2026-12-04 10:11:13,000 - app - ERROR - charge failed",
    b"Traceback (most recent call last):",
    b'  File "app.py", line 10, in charge',
    b"    raise ValueError('card declined')",
    b"ValueError: card declined",
]
NEXT = b"2026-12-04 10:11:14,000 - app - INFO - next request"


def _join(lines: list[bytes], joiner: Joiner) -> list[bytes]:
    out = [done for line in lines if (done := joiner.feed(line)) is not None]
    last = joiner.flush()
    return out + ([last] if last is not None else [])


def test_java_and_python_traces_become_one_event_each() -> None:
    events = _join([*JAVA, *PYTHON, NEXT], Joiner())
    assert events == [b"\n".join(JAVA), b"\n".join(PYTHON), NEXT]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"  indented", True), (b"\tat x", True), (b"Caused by: y", True), (b"... 3 more", True),
        (b"KeyError: 'x'", True), (b"org.acme.BadThing: no", False), (b"   ", False),
        (b"2026-12-04 INFO started", False), (b"Error: plain", False),
    ],
)  # fmt: skip
def test_continuation_rule(line: bytes, expected: bool) -> None:
    assert continues(line) is expected


def test_bounded_in_lines() -> None:
    events = _join([b"start", *[b"  frame"] * 5], Joiner(max_lines=3))
    assert events == [b"start\n  frame\n  frame", b"  frame\n  frame\n  frame"]


def test_bounded_in_bytes() -> None:
    events = _join([b"start", b"  ab", b"  cd"], Joiner(max_bytes=12))
    assert events == [b"start\n  ab", b"  cd"]


def test_a_continuation_without_a_line_before_it_stands_alone() -> None:
    assert _join([b"  orphan", b"line"], Joiner()) == [b"  orphan", b"line"]


def _record(partition: int, offset: int, value: bytes) -> RawRecord:
    return RawRecord("logs.raw", partition, offset, value)


def test_records_are_joined_per_partition_and_keep_the_first_offset() -> None:
    records = [
        _record(0, 10, JAVA[0] + b"\n"),
        _record(1, 5, PYTHON[0]),
        _record(0, 11, JAVA[1]),
        _record(1, 6, PYTHON[1]),
        _record(0, 12, JAVA[2]),
        _record(1, 7, NEXT),
    ]
    joined = join_continuations(records, max_bytes=1_000_000)
    by_id = {record.doc_id: record.value for record in joined}
    assert by_id == {
        "logs.raw-0-10": b"\n".join(JAVA[:3]),
        "logs.raw-1-5": b"\n".join(PYTHON[:2]),
        "logs.raw-1-7": NEXT,
    }


def test_records_without_continuations_pass_through_unchanged() -> None:
    records = [_record(0, offset, b"line %d\r\n" % offset) for offset in range(3)]
    assert join_continuations(records, max_bytes=1000) == records
