"""End to end: 10,000 mixed log events and a set of tickets through a real worker process.

The worker runs with ``events_sample_rate=1`` so every parsed event becomes exactly one
document of the events stream (``event.kind: signal`` when its label is not benign), which
makes "nothing lost, nothing doubled" checkable per offset. Alerts come only from the alerting
agent's rules (each with ``rule.*``), never from one line's label.
Which events must be signals is computed here independently from the shipped model: a
non-benign top label must be a signal, a benign one must not, up to a small margin (see
PROBABILITY_MARGIN).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import orjson
import pytest

from classifiers.logs.generator import generate
from classifiers.logs.scoring import model_text
from classifiers.logs.taxonomy import OPERATIONAL_LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse
from connectors.es_assets.templates import alerts_stream, events_stream, tickets_index
from stream.components import load_components
from stream.config import Settings
from stream.ticket_pipeline import ticket_text
from tests.pipeline.conftest import PipelineEnv, wait_until
from tests.pipeline.helpers import TracedProducer, header, read_topic, source_offsets

pytestmark = pytest.mark.slow

EVENTS = 10_000
#: Dynamic int8 quantisation scales activations per batch, so an event's probabilities move a
#: little with the batch it is scored in; events whose top label is this unsure are not judged.
PROBABILITY_MARGIN = 0.05
TICKETS = [
    ("Laptop screen flickering", "My laptop display flickers and goes black since this morning."),
    (
        "Cannot access shared drive",
        "I get access denied on the finance share, please grant access.",
    ),
    ("New hire onboarding", "Please prepare contract and payroll setup for the new colleague."),
    ("Order new keyboard", "I would like to purchase an ergonomic keyboard for my desk."),
    ("Disk quota exceeded", "My home folder is full and I cannot save files anymore."),
    ("Admin rights for install", "I need local administrator rights to install the VPN client."),
]


def _offline_expectations(lines: list[bytes], settings: Settings) -> tuple[set[int], set[int]]:
    """Indices that must be signals and indices that must not, from the shipped log model.

    A parser's verdict with a taxonomy label (``logwarden.parser.label``) is the event's label.
    Where a parser checked for a label and found no evidence (``logwarden.checked``: the web
    evidence on a request), the model's vote for that label counts only at or above the model's
    own threshold for it; below, its probability is benign's.
    """
    model = load_components(settings).scorer.model
    options = ParseOptions()
    parsed = [(i, parse(line, options)) for i, line in enumerate(lines)]
    events = [(i, e) for i, e in parsed if not isinstance(e, ParseFailure)]
    probabilities = model.predict_proba([model_text(e) for _, e in events])
    names = list(model.label_names)
    must, must_not = set(), set()
    for (index, event), row in zip(events, probabilities, strict=True):
        pinned = event.get("logwarden", {}).get("parser", {}).get("label")
        if pinned in names:  # a parser's verdict (a firewall block, an event id) outranks the model
            (must_not if pinned == "benign" else must).add(index)
            continue
        top = int(row.argmax())
        if names[top] in event.get("logwarden", {}).get("checked", ()):
            threshold = model.thresholds[names[top]]
            if abs(row[top] - threshold) < PROBABILITY_MARGIN:
                continue
            if row[top] >= threshold:
                must.add(index)
                continue
            row[names.index("benign")] += row[top]
            row[top] = 0.0
            top = int(row.argmax())
        if row[top] < 0.5 + PROBABILITY_MARGIN:
            continue
        (must_not if names[top] == "benign" else must).add(index)
    return must, must_not


def test_ten_thousand_events_and_tickets_end_to_end(pipeline: PipelineEnv) -> None:
    pipeline.env["LOGWARDEN_EVENTS_SAMPLE_RATE"] = "1.0"
    settings = pipeline.settings
    lines = [line.text.encode() for line in generate(EVENTS, seed=2024, benign_share=0.9)]
    tickets = [
        orjson.dumps(
            {"id": f"T{n}", "subject": subject, "body": body, "reporter": "ana", "created": None}
        )
        for n, (subject, body) in enumerate(TICKETS * 5)
    ]
    producer = TracedProducer(pipeline.kafka)
    coordinates = producer.send(pipeline.logs_topic, lines)
    producer.send(settings.topic_tickets_raw, tickets)
    producer.close()
    index_of = {coordinate: i for i, coordinate in enumerate(coordinates)}

    pipeline.start_worker()
    wait_until(
        lambda: pipeline.committed_total() >= EVENTS, "all log events committed", timeout_s=600
    )
    tickets_stored = tickets_index(settings.elasticsearch_namespace)
    wait_until(
        lambda: len(pipeline.es.documents(tickets_stored)) >= len(tickets),
        "tickets indexed",
    )
    deadletters = read_topic(pipeline.kafka, settings.topic_deadletter)
    dead = {
        (
            int(header(r, "logwarden.source.partition") or -1),
            int(header(r, "logwarden.source.offset") or -1),
        )
        for r in deadletters
    }

    namespace = settings.elasticsearch_namespace
    wait_until(lambda: pipeline.es.documents(alerts_stream(namespace)), "rule alerts indexed")
    alerts = pipeline.es.documents(alerts_stream(namespace))
    events = pipeline.es.documents(events_stream(namespace))
    signals = [e for e in events if e["event"]["kind"] == "signal"]

    # Nothing lost, nothing doubled: each non-dead-lettered offset is exactly one document.
    indexed = Counter(source_offsets(events))
    assert max(indexed.values()) == 1
    assert set(indexed) | dead == set(coordinates)
    assert not set(indexed) & dead

    # The right events are signals, with the fields Kibana and the analysts rely on.
    must, must_not = _offline_expectations(lines, settings)
    signalled = {index_of[c] for c in source_offsets(signals)}
    assert must <= signalled
    assert not (must_not & signalled)
    for doc in signals:
        assert doc["logwarden"]["label"] != "benign"
        assert doc["logwarden"]["signal"]["entities"] or "source" not in doc
        assert doc["logwarden"]["model"]["version"]
        assert doc["logwarden"]["template"]["id"]
        assert doc["ecs"]["version"] and doc["@timestamp"] and doc["event"]["ingested"]
    for doc in events:
        assert (doc["event"]["kind"] == "signal") == (doc["logwarden"]["label"] != "benign")

    # Alerts come from rules only: ECS alerts with rule.*, never a label of their own.
    for doc in alerts:
        assert doc["event"]["kind"] == "alert" and doc["rule"]["id"].startswith("logwarden-")
        assert "label" not in doc["logwarden"] and doc["message"]

    # One trace from the producer's header into every document.
    for doc in events:
        source = doc["logwarden"]["source"]
        expected = producer.trace_ids[(source["topic"], source["partition"], source["offset"])]
        assert doc["trace"]["id"] == expected
        assert len(doc["span"]["id"]) == 16
    exported = {format(s.context.trace_id, "032x") for s in producer.exporter.get_finished_spans()}
    assert {doc["trace"]["id"] for doc in signals} <= exported

    # Tickets land on the queue the ticket model chooses, once each, and are indexed.
    router = load_components(settings).router
    for ticket_json in tickets[: len(TICKETS)]:
        ticket = orjson.loads(ticket_json)
        decision = router.route([ticket_text(ticket)])[0]
        routed = read_topic(pipeline.kafka, settings.routed_topic(decision.queue), idle_s=1.0)
        assert sum(orjson.loads(r.value)["id"] == ticket["id"] for r in routed) == 1
        stored = pipeline.es.document(tickets_stored, f"ticket-{ticket['id']}")
        assert stored is not None
        assert stored["logwarden"]["ticket"]["queue"] == decision.queue

    # Operational signals at or above the ticket severity opened one ticket per incident (label
    # and host within a window of event time), each once, and every such alert names it.
    opened = Counter(
        orjson.loads(r.value)["id"]
        for r in read_topic(pipeline.kafka, settings.topic_tickets_raw)
        if orjson.loads(r.value)["id"].startswith("alert-")
    )
    window = settings.ticket_window_s
    ticketed = [
        d
        for d in signals
        if d["logwarden"]["label"] in OPERATIONAL_LABELS
        and d["event"]["severity"] >= settings.ticket_min_severity
    ]
    incidents = set()
    for d in ticketed:
        start = int(datetime.fromisoformat(d["@timestamp"]).timestamp() // window * window)
        host = (d.get("host") or {}).get("hostname") or "unknown-host"
        incident = f"alert-{d['logwarden']['label']}-{host}-{start}"
        assert d["logwarden"]["ticket"]["id"] == incident
        incidents.add(incident)
    assert set(opened) == incidents
    assert max(opened.values()) == 1
    assert 0 < len(incidents) < len(ticketed)  # signals of one incident share its ticket
