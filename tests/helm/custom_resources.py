"""Structural checks for the custom resources the chart renders.

``kubernetes-validate`` bundles schemas for built-in kinds only, so a ServiceMonitor
(Prometheus Operator) or a ScaledObject (KEDA) has no schema there. These minimal JSON
schemas pin the fields the operators need to act on our objects (target, endpoints,
triggers) and reject unknown spec fields, catching typos a cluster would reject.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_METADATA = {
    "type": "object",
    "required": ["name", "namespace"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
        "namespace": {"type": "string", "minLength": 1},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_DURATION = {"type": "string", "pattern": "^([0-9]+(ms|s|m|h))+$"}


def closed(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """An object with these fields only."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def custom_resource(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Schema of one custom resource: fixed apiVersion and kind, named metadata, ``spec``."""
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": _METADATA,
            "spec": spec,
        },
    }


SERVICE_MONITOR = custom_resource(
    "monitoring.coreos.com/v1",
    "ServiceMonitor",
    closed(
        ["selector", "endpoints"],
        {
            "selector": {
                "type": "object",
                "required": ["matchLabels"],
                "properties": {"matchLabels": {"type": "object", "minProperties": 1}},
            },
            "namespaceSelector": {"type": "object"},
            "endpoints": {
                "type": "array",
                "minItems": 1,
                "items": closed(
                    ["port", "path"],
                    {
                        "port": {"type": "string"},
                        "path": {"type": "string", "pattern": "^/"},
                        "interval": _DURATION,
                        "scrapeTimeout": _DURATION,
                        "relabelings": {"type": "array"},
                        "metricRelabelings": {"type": "array"},
                    },
                ),
            },
        },
    ),
)

SCALED_OBJECT = custom_resource(
    "keda.sh/v1alpha1",
    "ScaledObject",
    closed(
        ["scaleTargetRef", "triggers"],
        {
            "scaleTargetRef": closed(
                ["name"],
                {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": "string", "minLength": 1},
                },
            ),
            "minReplicaCount": {"type": "integer", "minimum": 0},
            "maxReplicaCount": {"type": "integer", "minimum": 1},
            "pollingInterval": {"type": "integer", "minimum": 1},
            "cooldownPeriod": {"type": "integer", "minimum": 0},
            "triggers": {
                "type": "array",
                "minItems": 1,
                "items": closed(
                    ["type", "metadata"],
                    {
                        "type": {"type": "string"},
                        # KEDA reads every trigger metadata value as a string.
                        "metadata": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                        },
                        "authenticationRef": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string", "minLength": 1}},
                        },
                    },
                ),
            },
        },
    ),
)

# Kinds without a bundled Kubernetes schema, keyed by (apiVersion, kind).
STRUCTURAL_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): SERVICE_MONITOR,
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
}


def validate_custom_resource(document: dict[str, Any]) -> None:
    """Raise unless ``document`` is a custom resource of a known kind with a sound shape."""
    key = (document.get("apiVersion", ""), document.get("kind", ""))
    if key not in STRUCTURAL_SCHEMAS:
        raise LookupError(f"no schema at all for {key[1]} ({key[0]})")
    jsonschema.validate(document, STRUCTURAL_SCHEMAS[key])
