"""The ECS alert document of an open alert: what an analyst reads in Kibana.

Built from the rule (id, name, description, severity, ATT&CK), the entity it is about, and
the alert's running state (first and last contributing event, count, a bounded list of the
contributing signal ids and their top templates, rule facts for the one-sentence message).
"""

from __future__ import annotations

import hashlib
from typing import Any

from classifiers.alerting.rules import RULES_BY_ID, SEVERITY_NAMES, Rule
from classifiers.alerting.signals import iso

ECS_VERSION = "8.11.0"
TOP_TEMPLATES = 5


def revision_id(document: dict[str, Any]) -> str:
    """The ``_id`` of one revision of an alert document: data streams only ``create``, so each
    update is a new document; ``logwarden.alert.id`` is the same across revisions."""
    alert = document["logwarden"]["alert"]
    return f"{alert['id']}-r{alert['revision']}"


def alert_id(rule_id: str, entity_key: str, opened: float) -> str:
    """Deterministic ``_id``: re-emitting an open alert updates its document, never copies it."""
    digest = hashlib.sha256(f"{rule_id}|{entity_key}|{opened:.3f}".encode()).hexdigest()
    return f"alert-{digest[:32]}"


def entity_fields(kind: str, value: str) -> dict[str, Any]:
    """The ECS fields naming one entity (``source.ip`` -> ``{"source": {"ip": ...}}``)."""
    group, name = kind.split(".", 1)
    fields: dict[str, Any] = {group: {name: value}}
    if kind == "source.ip":
        fields["related"] = {"ip": [value]}
    elif kind == "user.name":
        fields["related"] = {"user": [value]}
    elif kind == "host.name":
        fields["related"] = {"hosts": [value]}
    return fields


def alert_document(kind: str, value: str, alert: dict[str, Any]) -> dict[str, Any]:
    """The document of the open alert ``alert`` (an entity state's ``open`` entry)."""
    rule: Rule = RULES_BY_ID[alert["rule"]]
    severity = int(alert.get("severity", rule.severity))
    risk = float(alert.get("risk", severity))
    templates = sorted(alert.get("templates", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    doc: dict[str, Any] = {
        "@timestamp": iso(alert["end"]),
        "message": alert["message"],
        "event": {
            "kind": "alert",
            "category": alert.get("category", ["threat"] if rule.technique else ["host"]),
            "type": ["indicator"] if rule.technique or alert.get("threats") else ["info"],
            "dataset": "logwarden.alerts",
            "module": "logwarden",
            "severity": severity,
            "risk_score": risk,
            "start": iso(alert["start"]),
            "end": iso(alert["end"]),
        },
        "kibana": {"alert": {"severity": SEVERITY_NAMES.get(severity, "low")}},
        "rule": {
            "id": rule.id,
            "name": rule.name,
            "description": rule.description,
            "category": rule.kind,
            "ruleset": "logwarden",
        },
        "logwarden": {
            "alert": {
                "id": alert["id"],
                "revision": alert["revision"],
                "count": alert["count"],
                "signals": alert["signals"],
                "top_templates": [
                    {"text": text, "count": count} for text, count in templates[:TOP_TEMPLATES]
                ],
                "entity": {"kind": kind, "value": value},
                **alert.get("facts", {}),
            }
        },
        "ecs": {"version": ECS_VERSION},
    }
    _merge(doc, entity_fields(kind, value))
    threats = alert.get("threats") or ([rule.technique.ecs()] if rule.technique else [])
    if threats:
        doc["threat"] = _threat(threats)
    if alert.get("users"):
        doc.setdefault("related", {}).setdefault("user", [])
        doc["related"]["user"] = sorted({*doc["related"]["user"], *alert["users"]})
    if alert.get("hosts"):
        doc.setdefault("related", {})["hosts"] = sorted(alert["hosts"])
        doc.setdefault("host", {}).setdefault("name", alert["hosts"][0])
    return doc


def _threat(threats: list[dict[str, Any]]) -> dict[str, Any]:
    """One ECS ``threat`` object; several techniques become parallel arrays."""
    if len(threats) == 1:
        return threats[0]
    return {
        "framework": threats[0]["framework"],
        "tactic": {
            "id": [t["tactic"]["id"] for t in threats],
            "name": [t["tactic"]["name"] for t in threats],
        },
        "technique": {
            "id": [t["technique"]["id"] for t in threats],
            "name": [t["technique"]["name"] for t in threats],
        },
    }


def _merge(doc: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            _merge(doc[key], value)
        else:
            doc[key] = value
