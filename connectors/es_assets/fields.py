"""Every field logwarden writes, with its Elasticsearch type: the mapping contract.

ECS fields follow ECS 8.11 types; our own fields live under ``logwarden.*``. The templates,
the Kibana data views and dashboards, and the consistency tests all read this module, so
renaming or retyping a field is one change here. Values are a type name or a full mapping
spec (for parameters such as ``ignore_above`` or multi-fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ECS_VERSION = "8.11.0"
KEYWORD = {"type": "keyword", "ignore_above": 1024}
TEXT_WITH_KEYWORD = {
    "type": "match_only_text",
    "fields": {"keyword": {"type": "keyword", "ignore_above": 1024}},
}
TOP3 = {
    "type": "object",
    "properties": {"label": {"type": "keyword"}, "probability": {"type": "float"}},
}

FieldSpec = str | Mapping[str, Any]

BASE_FIELDS: dict[str, FieldSpec] = {
    "@timestamp": "date",
    "message": "match_only_text",
    "tags": "keyword",
    "ecs.version": "keyword",
    "data_stream.type": "constant_keyword",
    "data_stream.dataset": "constant_keyword",
    "data_stream.namespace": "constant_keyword",
    "event.original": {"type": "keyword", "index": False, "doc_values": False},
    "event.kind": "keyword",
    "event.category": "keyword",
    "event.type": "keyword",
    "event.outcome": "keyword",
    "event.action": "keyword",
    "event.code": "keyword",
    "event.dataset": "keyword",
    "event.module": "keyword",
    "event.id": "keyword",
    "event.created": "date",
    "event.ingested": "date",
    "event.severity": "long",
    "event.risk_score": "float",
    "error.type": "keyword",
    "error.code": "keyword",
    "error.message": "match_only_text",
    "trace.id": "keyword",
    "span.id": "keyword",
    "transaction.id": "keyword",
    "rule.id": "keyword",
    "rule.name": "keyword",
    "rule.description": "keyword",
    "rule.category": "keyword",
    "rule.ruleset": "keyword",
    "rule.version": "keyword",
    "service.name": "keyword",
    "service.type": "keyword",
}
"""Fields every logwarden document may carry (alerts, events and tickets)."""

LOG_FIELDS: dict[str, FieldSpec] = {
    "log.level": "keyword",
    "log.logger": "keyword",
    "log.file.path": "keyword",
    "log.syslog.priority": "long",
    "log.syslog.version": "keyword",
    "log.syslog.appname": "keyword",
    "log.syslog.hostname": "keyword",
    "log.syslog.procid": "keyword",
    "log.syslog.msgid": "keyword",
    "log.syslog.facility.code": "long",
    "log.syslog.facility.name": "keyword",
    "log.syslog.severity.code": "long",
    "log.syslog.severity.name": "keyword",
    "log.syslog.structured_data": "flattened",
    "host.hostname": "keyword",
    "host.name": "keyword",
    "host.id": "keyword",
    "host.ip": "ip",
    "observer.hostname": "keyword",
    "observer.vendor": "keyword",
    "observer.product": "keyword",
    "observer.type": "keyword",
    "observer.version": "keyword",
    "observer.ingress.interface.name": "keyword",
    "process.name": "keyword",
    "process.pid": "long",
    "process.thread.id": "long",
    "process.thread.name": "keyword",
    "process.command_line": KEYWORD,
    "process.executable": "keyword",
    "process.parent.name": "keyword",
    "process.parent.executable": "keyword",
    "process.parent.command_line": KEYWORD,
    "source.address": "keyword",
    "source.ip": "ip",
    "source.port": "long",
    "source.domain": "keyword",
    "source.mac": "keyword",
    "source.user.name": "keyword",
    "source.bytes": "long",
    "destination.address": "keyword",
    "destination.ip": "ip",
    "destination.port": "long",
    "destination.domain": "keyword",
    "destination.bytes": "long",
    "network.transport": "keyword",
    "network.protocol": "keyword",
    "network.direction": "keyword",
    "user.name": "keyword",
    "user.id": "keyword",
    "user.domain": "keyword",
    "user.effective.name": "keyword",
    "user.target.name": "keyword",
    "group.id": "keyword",
    "group.name": "keyword",
    "url.original": KEYWORD,
    "url.path": KEYWORD,
    "url.query": KEYWORD,
    "url.domain": "keyword",
    "url.scheme": "keyword",
    "url.port": "long",
    "http.version": "keyword",
    "http.request.method": "keyword",
    "http.request.referrer": KEYWORD,
    "http.request.bytes": "long",
    "http.response.status_code": "long",
    "http.response.bytes": "long",
    "http.response.body.bytes": "long",
    "user_agent.original": KEYWORD,
    "file.path": "keyword",
    "dns.question.name": "keyword",
    "registry.path": "keyword",
    "registry.data.strings": "keyword",
    "event.provider": "keyword",
    "threat.framework": "keyword",
    "threat.tactic.id": "keyword",
    "threat.tactic.name": "keyword",
    "threat.technique.id": "keyword",
    "threat.technique.name": "keyword",
    "winlog": "flattened",  # Winlogbeat's Windows fields (channel, event_id, event_data...)
    "suricata.eve": "flattened",
    "iptables.tcp.flags": "keyword",
    "file.name": "keyword",
    "file.size": "long",
    "related.ip": "ip",
    "related.user": "keyword",
    "related.hosts": "keyword",
    "system.auth": "flattened",
    "logwarden.parse.format": "keyword",
    "logwarden.parse.status": "keyword",
    "logwarden.scrubbed.count": "long",
    "logwarden.label": "keyword",
    "logwarden.probability": "float",
    "logwarden.top3": TOP3,
    "logwarden.template.id": "keyword",
    # Web evidence (classifiers/web): the labels a detector checked and found nothing for,
    # and what was found where.
    "logwarden.checked": "keyword",
    "logwarden.web.family": "keyword",
    "logwarden.web.field": "keyword",
    "logwarden.web.detector": "keyword",
    "logwarden.web.value": KEYWORD,
    "logwarden.template.text": KEYWORD,
    "logwarden.novelty": "float",
    "logwarden.explanation.tokens": "keyword",
    "logwarden.ticket.id": "keyword",  # the incident ticket an operational signal belongs to
    "event.start": "date",
    "event.end": "date",
    "kibana.alert.severity": "keyword",
    "logwarden.signal.entities": "keyword",
    "logwarden.signal.risk": "float",
    "logwarden.signal.suppressed_by": "keyword",
    "logwarden.alert.id": "keyword",
    "logwarden.alert.revision": "long",
    "logwarden.alert.count": "long",
    "logwarden.alert.signals": "keyword",
    "logwarden.alert.top_templates": {
        "type": "object",
        "properties": {"text": KEYWORD, "count": {"type": "long"}},
    },
    "logwarden.alert.entity.kind": "keyword",
    "logwarden.alert.entity.value": "keyword",
    "logwarden.alert.failures_before": "long",
    "logwarden.alert.distinct": "long",
    "logwarden.alert.group": "keyword",
    "logwarden.alert.baseline_per_window": "float",
    "logwarden.alert.window_s": "float",
    "logwarden.alert.risk_total": "float",
    "logwarden.alert.risk_sources": "flattened",
    "logwarden.json": "flattened",
    "logwarden.loghub": "flattened",
    # What a shipper put around the line (classifiers.parsing.envelope), Filebeat's layout.
    "logwarden.envelope.format": "keyword",
    "logwarden.envelope.stream": "keyword",
    "logwarden.envelope.partial": "boolean",
    "logwarden.envelope.data_stream": "flattened",  # the shipper's; ours is constant_keyword
    "log.offset": "long",
    "input.type": "keyword",
    "agent.type": "keyword",
    "agent.name": "keyword",
    "agent.id": "keyword",
    "agent.ephemeral_id": "keyword",
    "agent.version": "keyword",
    "elastic_agent.id": "keyword",
    "elastic_agent.version": "keyword",
    "elastic_agent.snapshot": "boolean",
    "host.architecture": "keyword",
    "host.containerized": "boolean",
    "host.mac": "keyword",
    "host.os.family": "keyword",
    "host.os.name": "keyword",
    "host.os.platform": "keyword",
    "host.os.version": "keyword",
    "host.os.kernel": "keyword",
    "host.os.type": "keyword",
    "host.os.codename": "keyword",
    "container.id": "keyword",
    "container.name": "keyword",
    "container.image.name": "keyword",
    "container.runtime": "keyword",
    "kubernetes.namespace": "keyword",
    "kubernetes.pod.name": "keyword",
    "kubernetes.pod.uid": "keyword",
    "kubernetes.pod.ip": "ip",
    "kubernetes.node.name": "keyword",
    "kubernetes.container.name": "keyword",
    "kubernetes.labels": "flattened",
    "cloud.provider": "keyword",
    "cloud.region": "keyword",
    "cloud.availability_zone": "keyword",
    "cloud.account.id": "keyword",
    "cloud.instance.id": "keyword",
    "fields": "flattened",  # Filebeat's custom fields
    "logwarden.cef": "flattened",
    "logwarden.leef": "flattened",
    "logwarden.parser.label": "keyword",  # the parser's verdict (classifiers.parsing.verdict)
    "logwarden.parser.alert": "boolean",
    "logwarden.parser.reason": "keyword",
}
"""Fields of parsed, scored log events (signals) and of the alerts the rules make from them."""

PIPELINE_FIELDS: dict[str, FieldSpec] = {
    "logwarden.model.name": "keyword",
    "logwarden.model.version": "keyword",
    "logwarden.source.topic": "keyword",
    "logwarden.source.partition": "long",
    "logwarden.source.offset": "long",
}
"""Provenance fields the pipeline adds to every document it writes."""

TICKET_FIELDS: dict[str, FieldSpec] = {
    "logwarden.ticket.id": "keyword",
    "logwarden.ticket.subject": TEXT_WITH_KEYWORD,
    "logwarden.ticket.body": "match_only_text",
    "logwarden.ticket.reporter": "keyword",
    "logwarden.ticket.created": "date",
    "logwarden.ticket.queue": "keyword",
    "logwarden.ticket.label": "keyword",
    "logwarden.ticket.confidence": "float",
    "logwarden.ticket.top3": TOP3,
    "logwarden.ticket.auto_routed": "boolean",
    "logwarden.ticket.text": "match_only_text",  # a ticket sent as one text, not subject/body
    "logwarden.ticket.log_label": "keyword",  # the log label of an incident ticket
    "logwarden.ticket.triage_reason": "keyword",  # why the ticket went to triage (abstention)
}
"""Fields of routed IT tickets (the ``logwarden-tickets`` index)."""


def properties(fields: Mapping[str, FieldSpec]) -> dict[str, Any]:
    """Nested mapping ``properties`` for dotted field names."""
    root: dict[str, Any] = {}
    for dotted, spec in sorted(fields.items()):
        node = root
        *parents, leaf = dotted.split(".")
        for part in parents:
            parent = node.setdefault(part, {"properties": {}})
            if "type" in parent:
                raise ValueError(f"{dotted}: parent field {part!r} is not an object")
            node = parent["properties"]
        node[leaf] = {"type": spec} if isinstance(spec, str) else dict(spec)
    return root
