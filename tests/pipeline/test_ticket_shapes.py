"""``tickets.raw`` accepts the shapes ``classify tickets`` does (``text``, or ``subject`` and
``body``) and dead-letters the rest with a reason naming what is missing; in process, with the
real stages and the shipped models."""

from __future__ import annotations

from pathlib import Path

import orjson

from connectors.bulk_sinks import NdjsonBulkSink
from stream.components import load_components
from stream.config import Settings
from stream.records import RawRecord
from tests.pipeline.in_process import AckingSend, process_in_process


async def test_text_and_subject_body_tickets_route_and_others_dead_letter(
    models: None, tmp_path: Path
) -> None:
    settings = Settings(output_file=tmp_path / "out.ndjson", state_dir=tmp_path)
    values = [
        b'{"id": "A", "text": "laptop screen broken replace"}',
        b'{"id": "B", "subject": "access", "body": "grant access shared folder"}',
        b'{"id": "C", "title": "no text here"}',
        b'{"id": "D", "text": "Necesito acceso a la carpeta compartida de finanzas"}',
        b"Document\nnot a JSON ticket",
    ]
    records = [RawRecord(settings.topic_tickets_raw, 0, i, v) for i, v in enumerate(values)]
    send = AckingSend()
    sink = NdjsonBulkSink(settings.output_file)
    await process_in_process(settings, load_components(settings), sink, tickets=records, send=send)
    await sink.close()
    routed = {
        orjson.loads(m["value"])["id"]: topic
        for topic, m in send.sent
        if topic.startswith(settings.topic_tickets_routed_prefix)
    }
    assert set(routed) == {"A", "B", "D"}
    assert routed["D"] == settings.routed_topic("triage")
    lines = [orjson.loads(line) for line in settings.output_file.read_bytes().splitlines()]
    docs = [d["logwarden"]["ticket"] for d in lines[1::2] if "ticket" in d.get("logwarden", {})]
    stored = {ticket["id"]: ticket for ticket in docs}
    assert stored["D"]["triage_reason"] == "unsupported_language"
    assert "triage_reason" not in stored["A"] or stored["A"]["queue"] == "triage"
    letters = [m for topic, m in send.sent if topic == settings.topic_deadletter]
    reasons = [dict(m["headers"])["logwarden.reason"].decode() for m in letters]
    assert len(reasons) == 2
    assert reasons[0].startswith("invalid_ticket:") and "columns present: id, title" in reasons[0]
    assert reasons[1].startswith("invalid_json:")
