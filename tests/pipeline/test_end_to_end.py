"""End to end: 10,000 mixed log events and a set of tickets through a real worker process.

The worker runs with ``events_sample_rate=1`` so every parsed event becomes exactly one
document of the scored-events stream (alerts also go to the alerts stream), which makes
"nothing lost, nothing doubled" checkable per offset.
Which events must be alerts is computed here independently from the shipped model: risk
without novelty at or above the threshold must alert; risk with maximal novelty below it
must not (novelty only adds risk), up to a small margin (see RISK_MARGIN).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import orjson
import pytest

from classifiers.logs.generator import generate
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import model_text
from classifiers.logs.taxonomy import OPERATIONAL_LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse
from connectors.es_assets.templates import TICKETS_INDEX, alerts_stream, events_stream
from stream.components import load_components
from stream.config import Settings
from stream.ticket_pipeline import ticket_text
from tests.pipeline.conftest import PipelineEnv, wait_until
from tests.pipeline.helpers import TracedProducer, header, read_topic, source_offsets

pytestmark = pytest.mark.slow

EVENTS = 10_000
#: Dynamic int8 quantisation scales activations per batch, so an event's probabilities move a
#: little with the batch it is scored in; events this close to the threshold are not judged.
RISK_MARGIN = 2.0
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
    """Indices that must alert and indices that must not, from the shipped log model."""
    threshold = float(settings.alert_min_risk)
    model = load_components(settings).scorer.model
    options = ParseOptions()
    parsed = [(i, parse(line, options)) for i, line in enumerate(lines)]
    events = [(i, e) for i, e in parsed if not isinstance(e, ParseFailure)]
    probabilities = model.predict_proba([model_text(e) for _, e in events])
    policy = RiskPolicy(alert_min_risk=threshold)
    must, must_not = set(), set()
    for (index, _), row in zip(events, probabilities, strict=True):
        if policy.risk_score(row, model.label_names, 0.0) >= threshold + RISK_MARGIN:
            must.add(index)
        if policy.risk_score(row, model.label_names, 1.0) < threshold - RISK_MARGIN:
            must_not.add(index)
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
    wait_until(
        lambda: len(pipeline.es.documents(TICKETS_INDEX)) >= len(tickets),
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
    alerts = pipeline.es.documents(alerts_stream(namespace))
    events = pipeline.es.documents(events_stream(namespace))
    log_alerts = [a for a in alerts if "rule" not in a]  # windowed detections carry rule.*

    # Nothing lost, nothing doubled: each non-dead-lettered offset is exactly one document.
    indexed = Counter(source_offsets(events))
    alerted_offsets = Counter(source_offsets(log_alerts))
    assert max(indexed.values()) == 1
    assert max(alerted_offsets.values()) == 1
    assert set(indexed) | dead == set(coordinates)
    assert not set(indexed) & dead
    assert set(alerted_offsets) <= set(indexed)

    # The right events alert, with the fields Kibana and the analysts rely on.
    must, must_not = _offline_expectations(lines, settings)
    alerted = {index_of[c] for c in source_offsets(log_alerts)}
    assert must <= alerted
    assert not (must_not & alerted)
    for doc in log_alerts:
        assert doc["event"]["kind"] == "alert"
        assert doc["event"]["risk_score"] >= settings.alert_min_risk
        assert doc["event"]["severity"] in (47, 73, 99)
        assert doc["logwarden"]["label"] != "benign" or doc["logwarden"]["novelty"] > 0
        assert doc["logwarden"]["model"]["version"]
        assert doc["logwarden"]["template"]["id"]
        assert doc["ecs"]["version"] and doc["@timestamp"] and doc["event"]["ingested"]
    for doc in events:
        assert doc["event"]["kind"] == "event"
        source = doc["logwarden"]["source"]
        is_alert = (source["partition"], source["offset"]) in alerted_offsets
        assert is_alert == (doc["event"]["risk_score"] >= settings.alert_min_risk)

    # One trace from the producer's header into every document.
    for doc in log_alerts + events:
        source = doc["logwarden"]["source"]
        expected = producer.trace_ids[(source["topic"], source["partition"], source["offset"])]
        assert doc["trace"]["id"] == expected
        assert len(doc["span"]["id"]) == 16
    exported = {format(s.context.trace_id, "032x") for s in producer.exporter.get_finished_spans()}
    assert {doc["trace"]["id"] for doc in log_alerts} <= exported

    # Tickets land on the queue the ticket model chooses, once each, and are indexed.
    router = load_components(settings).router
    for ticket_json in tickets[: len(TICKETS)]:
        ticket = orjson.loads(ticket_json)
        decision = router.route([ticket_text(ticket)])[0]
        routed = read_topic(pipeline.kafka, settings.routed_topic(decision.queue), idle_s=1.0)
        assert sum(orjson.loads(r.value)["id"] == ticket["id"] for r in routed) == 1
        stored = pipeline.es.document(TICKETS_INDEX, f"ticket-{ticket['id']}")
        assert stored is not None
        assert stored["logwarden"]["ticket"]["queue"] == decision.queue

    # Operational alerts at or above the ticket severity opened one ticket per incident (label
    # and host within a window of event time), each once, and every such alert names it.
    opened = Counter(
        orjson.loads(r.value)["id"]
        for r in read_topic(pipeline.kafka, settings.topic_tickets_raw)
        if orjson.loads(r.value)["id"].startswith("alert-")
    )
    window = settings.ticket_window_s
    ticketed = [
        d
        for d in log_alerts
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
    assert 0 < len(incidents) < len(ticketed)  # alerts of one incident share its ticket
