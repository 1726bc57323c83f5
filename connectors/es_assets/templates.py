"""Component and composable index templates, the ILM policy and the tickets index.

Alerts and events are data streams (``logs-logwarden.alerts-<namespace>``,
``logs-logwarden.events-<namespace>``) matched by composable templates at priority 200, above
the built-in ``logs`` template (``logs-*-*``, priority 100), so our explicit mappings win.
Tickets live in the ``logwarden-tickets-<namespace>`` index because a ticket is updated by id;
the namespace keeps two deployments on one cluster apart, as it does for the data streams.

Lifecycle: with ILM, the ``logwarden-logs`` policy rolls the hot backing index over by size
or age and deletes it after the retention; where ILM is not available (serverless) the data
streams get a data stream lifecycle with the same retention instead.

``event.ingested`` is set by the writer when it builds the bulk request, not by an ingest
pipeline: no extra privilege, no per-document pipeline run, and the same value lands in the
local NDJSON sink.

Unknown fields are kept in ``_source`` but not indexed (``dynamic: false``): a new parser
field never creates a surprise mapping; the consistency test makes sure every field the
pipeline writes is in :mod:`connectors.es_assets.fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.es_assets.fields import (
    BASE_FIELDS,
    LOG_FIELDS,
    PIPELINE_FIELDS,
    TICKET_FIELDS,
    FieldSpec,
    properties,
)
from connectors.es_mappings import flatten_document, flatten_properties, merge_mappings

ALERTS_DATASET = "logwarden.alerts"
EVENTS_DATASET = "logwarden.events"
TICKETS_TEMPLATE = "logwarden-tickets"
#: The namespace of a deployment that names none (Elastic's own default).
DEFAULT_NAMESPACE = "default"
ILM_POLICY = "logwarden-logs"
TEMPLATE_PRIORITY = 200
MANAGED_BY = "logwarden"

COMPONENT_SETTINGS = "logwarden@settings"
COMPONENT_BASE = "logwarden-base@mappings"
COMPONENT_LOGS = "logwarden-logs@mappings"
COMPONENT_TICKETS = "logwarden-tickets@mappings"


def data_stream_name(dataset: str, namespace: str) -> str:
    """``logs-<dataset>-<namespace>``, the data stream naming scheme Kibana expects."""
    return f"logs-{dataset}-{namespace}"


def tickets_index(namespace: str) -> str:
    """``logwarden-tickets-<namespace>``: the routed tickets of one deployment."""
    return f"{TICKETS_TEMPLATE}-{namespace}"


def alerts_stream(namespace: str) -> str:
    return data_stream_name(ALERTS_DATASET, namespace)


def events_stream(namespace: str) -> str:
    return data_stream_name(EVENTS_DATASET, namespace)


@dataclass(frozen=True)
class LifecycleOptions:
    """How long documents live and when the hot backing index rolls over."""

    retention_days: int = 30
    ilm_enabled: bool = True
    rollover_max_age: str = "1d"
    rollover_max_primary_shard_size: str = "50gb"


@dataclass
class EsAssets:
    """Everything ``logwarden setup elasticsearch`` installs, as request bodies."""

    ilm_policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    component_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    index_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    indices: dict[str, str] = field(default_factory=dict)
    """Indices to create, each with the index template that shapes it."""

    def as_json(self) -> dict[str, Any]:
        """All bodies keyed by API, the shape ``setup elasticsearch --print`` writes."""
        return {
            "ilm_policies": self.ilm_policies,
            "component_templates": self.component_templates,
            "index_templates": self.index_templates,
            "indices": self.indices,
        }


def _meta(description: str) -> dict[str, Any]:
    return {"managed_by": MANAGED_BY, "description": description}


def _mappings(*groups: dict[str, FieldSpec]) -> dict[str, Any]:
    merged: dict[str, FieldSpec] = {}
    for group in groups:
        merged.update(group)
    return {"dynamic": "false", "properties": properties(merged)}


def ilm_policy(options: LifecycleOptions) -> dict[str, Any]:
    """Hot (rollover by age or primary shard size) then delete after the retention."""
    return {
        "policy": {
            "_meta": _meta("logwarden alerts and events: rollover, then delete"),
            "phases": {
                "hot": {
                    "min_age": "0ms",
                    "actions": {
                        "rollover": {
                            "max_age": options.rollover_max_age,
                            "max_primary_shard_size": options.rollover_max_primary_shard_size,
                        }
                    },
                },
                "delete": {
                    "min_age": f"{options.retention_days}d",
                    "actions": {"delete": {}},
                },
            },
        }
    }


def _stream_template(dataset: str, options: LifecycleOptions) -> dict[str, Any]:
    body: dict[str, Any] = {
        "index_patterns": [f"logs-{dataset}-*"],
        "data_stream": {},
        "priority": TEMPLATE_PRIORITY,
        "composed_of": [COMPONENT_SETTINGS, COMPONENT_BASE, COMPONENT_LOGS],
        "_meta": _meta(f"{dataset} data streams"),
    }
    if not options.ilm_enabled:
        body["template"] = {"lifecycle": {"data_retention": f"{options.retention_days}d"}}
    return body


def build_assets(
    options: LifecycleOptions | None = None, namespace: str = DEFAULT_NAMESPACE
) -> EsAssets:
    """The templates and policy for one cluster, and the tickets index of ``namespace``."""
    options = options or LifecycleOptions()
    settings: dict[str, Any] = {}
    assets = EsAssets()
    if options.ilm_enabled:
        assets.ilm_policies[ILM_POLICY] = ilm_policy(options)
        settings = {"index": {"lifecycle": {"name": ILM_POLICY}}}
    assets.component_templates = {
        COMPONENT_SETTINGS: {
            "template": {"settings": settings},
            "_meta": _meta("lifecycle of logwarden data streams"),
        },
        COMPONENT_BASE: {
            "template": {"mappings": _mappings(BASE_FIELDS, PIPELINE_FIELDS)},
            "_meta": _meta("ECS fields shared by every logwarden document"),
        },
        COMPONENT_LOGS: {
            "template": {"mappings": _mappings(LOG_FIELDS)},
            "_meta": _meta("parsed and scored log events, alerts"),
        },
        COMPONENT_TICKETS: {
            "template": {"mappings": _mappings(TICKET_FIELDS)},
            "_meta": _meta("routed IT tickets"),
        },
    }
    assets.index_templates = {
        f"logs-{ALERTS_DATASET}": _stream_template(ALERTS_DATASET, options),
        f"logs-{EVENTS_DATASET}": _stream_template(EVENTS_DATASET, options),
        TICKETS_TEMPLATE: {
            "index_patterns": [tickets_index("*")],
            "priority": TEMPLATE_PRIORITY,
            "composed_of": [COMPONENT_BASE, COMPONENT_TICKETS],
            "_meta": _meta("routed IT tickets index"),
        },
    }
    assets.indices = {tickets_index(namespace): TICKETS_TEMPLATE}
    return assets


def composed_mappings(assets: EsAssets, template_name: str) -> dict[str, Any]:
    """The mappings an index template gives an index, composed like Elasticsearch does."""
    template = assets.index_templates[template_name]
    mappings: dict[str, Any] = {}
    for component in template.get("composed_of", []):
        part = assets.component_templates[component]["template"]
        mappings = merge_mappings(mappings, part.get("mappings", {}))
    return merge_mappings(mappings, template.get("template", {}).get("mappings", {}))


def mapped_field_types(target: str = "alerts") -> dict[str, str]:
    """Flat ``field -> type`` the installed templates map for ``alerts``, ``events`` or ``tickets``.

    The consistency check against pipeline documents is one call: every flattened document
    field (``connectors.es_mappings.flatten_document``) must be a key of this map.
    """
    names = {
        "alerts": f"logs-{ALERTS_DATASET}",
        "events": f"logs-{EVENTS_DATASET}",
        "tickets": TICKETS_TEMPLATE,
    }
    if target not in names:
        raise ValueError(f"unknown target {target!r}; one of {sorted(names)}")
    mappings = composed_mappings(build_assets(), names[target])
    return flatten_properties(mappings.get("properties", {}))


def unmapped_fields(document: Mapping[str, Any], target: str = "alerts") -> list[str]:
    """Fields of ``document`` the template does not map explicitly (sorted, unique).

    Leaves under a ``flattened`` field count as mapped. Empty means no dynamic-mapping
    surprise: ``assert unmapped_fields(doc) == []`` is the whole consistency check.
    """
    types = mapped_field_types(target)
    missing: set[str] = set()
    for path, _ in flatten_document(document):
        if path in types:
            continue
        parts = path.split(".")
        parents = (".".join(parts[:end]) for end in range(1, len(parts)))
        if not any(types.get(parent) == "flattened" for parent in parents):
            missing.add(path)
    return sorted(missing)
