"""Operational alerts open one ticket per incident (label, host, window), in process, with the
real stages and the shipped models; the producer acknowledges at once and keeps what it got."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from classifiers.logs.generator import generate
from classifiers.logs.taxonomy import OPERATIONAL_LABELS
from connectors.bulk_sinks import NdjsonBulkSink
from connectors.es_assets.templates import events_stream
from stream.components import load_components
from stream.config import Settings
from stream.incident_tickets import IncidentTickets, incident_window
from stream.outputs import KafkaPublisher
from stream.records import RawRecord
from stream.worker import build_processors
from tests.pipeline.in_process import AckingSend, process_in_process

#: Kafka timestamps; incidents go by the lines' own timestamps, which the parser reads.
BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def _records(count: int) -> list[RawRecord]:
    lines = generate(count, seed=5, benign_share=0.5)
    return [
        RawRecord("logs.raw", 0, offset, line.text.encode(), timestamp_ms=BASE_MS + offset)
        for offset, line in enumerate(lines)
    ]


async def _run(settings: Settings, batches: list[list[RawRecord]]) -> tuple[list[Any], list[Any]]:
    """(ticket payloads produced, alert documents written) over ``batches`` in one processor."""
    components = load_components(settings)
    sink = NdjsonBulkSink(settings.output_file)
    send = AckingSend()
    publisher = KafkaPublisher(send, settings.topic_deadletter, settings.max_event_bytes)
    with ThreadPoolExecutor(1) as executor:
        log_batch, _ = build_processors(
            settings, components, sink=sink, publisher=publisher, executor=executor
        )
        for batch in batches:
            await log_batch.process(batch)
    await sink.close()
    tickets = [
        orjson.loads(message["value"])
        for topic, message in send.sent
        if topic == settings.topic_tickets_raw
    ]
    lines = [orjson.loads(line) for line in settings.output_file.read_bytes().splitlines()]
    index = events_stream(settings.elasticsearch_namespace)
    alerts = [doc for action, doc in zip(lines[0::2], lines[1::2], strict=True)
              if action["create"]["_index"] == index
              and doc["event"]["kind"] == "signal"]  # fmt: skip
    return tickets, alerts


def _operational(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in alerts if a["logwarden"]["label"] in OPERATIONAL_LABELS]


async def test_alerts_of_one_incident_share_one_ticket_across_batches(
    models: None, tmp_path: Path
) -> None:
    settings = Settings(ticket_min_severity=0, output_file=tmp_path / "out.ndjson")
    records = _records(1_200)
    tickets, alerts = await _run(settings, [records[:600], records[600:]])

    operational = _operational(alerts)
    incidents = set()
    for alert in operational:
        hour = int(datetime.fromisoformat(alert["@timestamp"]).timestamp() // 3600 * 3600)
        host = alert.get("host", {}).get("hostname", "unknown-host")
        incident = f"alert-{alert['logwarden']['label']}-{host}-{hour}"
        assert alert["logwarden"]["ticket"]["id"] == incident
        incidents.add(incident)
    assert len(incidents) < len(operational)  # the point: fewer tickets than alerts
    ids = [ticket["id"] for ticket in tickets]
    assert sorted(ids) == sorted(incidents)  # one each, also across batches
    assert all("join this ticket" in ticket["body"] for ticket in tickets)


async def test_window_zero_opens_a_ticket_per_alert(models: None, tmp_path: Path) -> None:
    settings = Settings(
        ticket_min_severity=0, ticket_window_s=0, output_file=tmp_path / "out.ndjson"
    )
    tickets, alerts = await _run(settings, [_records(400)])
    operational = _operational(alerts)
    assert operational
    expected = {"alert-logs.raw-0-{offset}".format(**a["logwarden"]["source"]) for a in operational}
    assert {ticket["id"] for ticket in tickets} == expected
    assert {a["logwarden"]["ticket"]["id"] for a in operational} == expected


@pytest.mark.parametrize(
    ("seconds", "start"), [(0.0, 0.0), (3599.9, 0.0), (3600.0, 3600.0), (-1.0, -3600.0)]
)
def test_incident_windows_are_epoch_aligned(seconds: float, start: float) -> None:
    assert incident_window(seconds, 3600) == (start, start + 3600)


def test_a_ticket_counts_as_opened_only_once_remembered() -> None:
    incidents = IncidentTickets(3600, remembered=2)
    record = RawRecord("logs.raw", 1, 9, b"x")
    ticket = incidents.ticket_id("storage", "db-1", 7_200.5, record)
    assert ticket == "alert-storage-db-1-7200"
    assert not incidents.opened(ticket)
    incidents.remember([ticket])
    assert incidents.opened(ticket)
    incidents.remember(["a", "b"])  # bounded: the oldest is forgotten
    assert not incidents.opened(ticket)


async def test_incident_tickets_go_to_the_configured_queue_of_their_log_label(
    models: None, tmp_path: Path
) -> None:
    """Not through the helpdesk classifier: every operational label has its queue."""
    queues = {"hardware_fault": "Datacenter", "storage": "Storage", "network": "NOC"}
    settings = Settings(
        ticket_min_severity=0,
        output_file=tmp_path / "out.ndjson",
        incident_queues={**queues, "service_failure": "Operations"},
    )
    tickets, _ = await _run(settings, [_records(1_200)])
    assert {t["log_label"] for t in tickets} == set(OPERATIONAL_LABELS)
    raw = [
        RawRecord(settings.topic_tickets_raw, 0, i, orjson.dumps(t)) for i, t in enumerate(tickets)
    ]
    raw.append(RawRecord(settings.topic_tickets_raw, 0, len(raw), b'{"text": "laptop broken"}'))
    send = AckingSend()
    sink = NdjsonBulkSink(tmp_path / "tickets.ndjson")
    await process_in_process(settings, load_components(settings), sink, tickets=raw, send=send)
    await sink.close()
    routed = [
        (topic, orjson.loads(m["value"]))
        for topic, m in send.sent
        if topic.startswith(settings.topic_tickets_routed_prefix)
    ]
    assert len(routed) == len(raw)
    for topic, ticket in routed[:-1]:
        assert topic == settings.routed_topic(settings.incident_queues[ticket["log_label"]])
        assert ticket["auto_routed"] and ticket["queue"] != "triage"
    assert routed[-1][1]["label"] not in OPERATIONAL_LABELS  # the helpdesk model's own
