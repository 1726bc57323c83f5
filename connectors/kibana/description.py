"""What analysts see in Kibana: the data views and dashboards logwarden ships.

Field names come from :mod:`connectors.es_assets.fields` conventions; a test checks every
field used here against the template mapping, so a rename that misses this file fails CI.
"""

from __future__ import annotations

from connectors.es_assets.templates import ALERTS_DATASET, EVENTS_DATASET, tickets_index
from connectors.kibana.panels import (
    Dashboard,
    DataView,
    Distribution,
    LatestDocuments,
    LatestValue,
    OverTime,
    Share,
    Target,
    TopValues,
)

TRACE_URL_TEMPLATE = "/app/apm/link-to/trace/{{value}}"
"""Where a ``trace.id`` cell links to (Kibana APM's trace redirect)."""

TRACE_LINK = {
    "trace.id": {
        "id": "url",
        "params": {"type": "a", "urlTemplate": TRACE_URL_TEMPLATE, "labelTemplate": "{{value}}"},
    }
}


def _view(name: str, pattern: str, target: Target) -> DataView:
    """A data view whose ``trace.id`` cells link to the trace."""
    return DataView(
        id=f"logwarden-{name}",
        name=f"logwarden {name}",
        pattern=pattern,
        target=target,
        field_formats=TRACE_LINK,
    )


ALERTS = _view("alerts", f"logs-{ALERTS_DATASET}-*", "alerts")
EVENTS = _view("events", f"logs-{EVENTS_DATASET}-*", "events")
PIPELINE = _view("pipeline", f"logs-{ALERTS_DATASET}-*,logs-{EVENTS_DATASET}-*", "alerts")
TICKETS = _view("tickets", tickets_index("*"), "tickets")
DATA_VIEWS = (ALERTS, EVENTS, PIPELINE, TICKETS)

HIGH_OR_CRITICAL = "event.severity >= 73"

SOC_ALERTS = Dashboard(
    id="logwarden-soc-alerts",
    title="[logwarden] SOC alerts overview",
    description="Alerts by severity, rule and entity, the ATT&CK techniques they map to, and the "
    "latest serious ones. Counts are of alert revisions (an alert updated while open is "
    "written again under the same logwarden.alert.id).",
    panels=(
        OverTime("Alerts over time by severity", ALERTS, breakdown="kibana.alert.severity"),
        TopValues("Alerts by rule", ALERTS, "rule.name"),
        TopValues("Alerts by entity", ALERTS, "logwarden.alert.entity.value"),
        TopValues("ATT&CK techniques", ALERTS, "threat.technique.name"),
        TopValues("Top source IPs", ALERTS, "source.ip"),
        TopValues("Top users", ALERTS, "user.name"),
        TopValues("Top hosts", ALERTS, "host.name"),
        LatestDocuments(
            "Latest critical and high alerts",
            ALERTS,
            columns=(
                "kibana.alert.severity",
                "rule.name",
                "message",
                "logwarden.alert.entity.value",
                "logwarden.alert.count",
                "threat.technique.id",
                "event.start",
                "trace.id",
            ),
            query=HIGH_OR_CRITICAL,
        ),
    ),
)

RISKY_ENTITIES = Dashboard(
    id="logwarden-risky-entities",
    title="[logwarden] Risky entities",
    description="Entities whose signals and alerts summed past the risk threshold, and where "
    "signal risk accumulates (logwarden.signal.risk per entity: source.ip|..., host.name|..., "
    "user.name|...).",
    panels=(
        LatestDocuments(
            "High-risk entity alerts",
            ALERTS,
            columns=(
                "logwarden.alert.entity.kind",
                "logwarden.alert.entity.value",
                "event.risk_score",
                "logwarden.alert.risk_total",
                "message",
                "threat.technique.id",
            ),
            query="rule.id: logwarden-entity-risk",
        ),
        TopValues("Entities with the most alerts", ALERTS, "logwarden.alert.entity.value"),
        TopValues(
            "Entities with the most signals",
            EVENTS,
            "logwarden.signal.entities",
            query="event.kind: signal",
        ),
        OverTime(
            "Signals over time by label",
            EVENTS,
            breakdown="logwarden.label",
            query="event.kind: signal",
        ),
        Distribution("Signal risk", EVENTS, "logwarden.signal.risk", query="event.kind: signal"),
        TopValues(
            "Suppressed by the allow-list",
            EVENTS,
            "logwarden.signal.suppressed_by",
            query="logwarden.signal.suppressed_by: *",
        ),
    ),
)

TICKET_ROUTING = Dashboard(
    id="logwarden-ticket-routing",
    title="[logwarden] Ticket routing",
    description="Where tickets go, how many are routed automatically, and what waits for triage.",
    panels=(
        OverTime("Tickets per queue over time", TICKETS, breakdown="logwarden.ticket.queue"),
        Share("Auto-routed vs triage", TICKETS, "logwarden.ticket.auto_routed"),
        Distribution("Routing confidence", TICKETS, "logwarden.ticket.confidence"),
        TopValues("Tickets per queue", TICKETS, "logwarden.ticket.queue"),
        LatestDocuments(
            "Latest tickets waiting for triage",
            TICKETS,
            columns=(
                "logwarden.ticket.id",
                "logwarden.ticket.subject",
                "logwarden.ticket.label",
                "logwarden.ticket.queue",
                "logwarden.ticket.confidence",
                "logwarden.ticket.reporter",
            ),
            query="logwarden.ticket.auto_routed: false",
        ),
    ),
)

PIPELINE_HEALTH = Dashboard(
    id="logwarden-pipeline-health",
    title="[logwarden] Pipeline health",
    description="Ingest rate, dead-lettered events and the models in use.",
    panels=(
        OverTime(
            "Ingest rate (documents indexed)",
            PIPELINE,
            breakdown="event.kind",
            time_field="event.ingested",
            chart="line",
        ),
        OverTime(
            "Dead-lettered events by reason",
            EVENTS,
            breakdown="error.type",
            query='event.kind: "pipeline_error"',
        ),
        LatestValue("Log model version in use", PIPELINE, "logwarden.model.version"),
        OverTime(
            "Model versions over time", PIPELINE, breakdown="logwarden.model.version", chart="line"
        ),
        Share("Parsed vs unparsed", PIPELINE, "logwarden.parse.status"),
        TopValues("Events by parser format", PIPELINE, "logwarden.parse.format"),
    ),
)

DASHBOARDS = (SOC_ALERTS, RISKY_ENTITIES, TICKET_ROUTING, PIPELINE_HEALTH)
