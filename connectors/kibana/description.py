"""What analysts see in Kibana: the data views and dashboards logwarden ships.

Field names come from :mod:`connectors.es_assets.fields` conventions; a test checks every
field used here against the template mapping, so a rename that misses this file fails CI.
"""

from __future__ import annotations

from connectors.es_assets.templates import ALERTS_DATASET, EVENTS_DATASET, TICKETS_INDEX
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
TICKETS = _view("tickets", TICKETS_INDEX, "tickets")
DATA_VIEWS = (ALERTS, EVENTS, PIPELINE, TICKETS)

HIGH_OR_CRITICAL = "event.severity >= 73"

SOC_ALERTS = Dashboard(
    id="logwarden-soc-alerts",
    title="[logwarden] SOC alerts overview",
    description="Alerts by severity, what and who they involve, and the latest serious ones.",
    panels=(
        OverTime("Alerts over time by severity", ALERTS, breakdown="event.severity"),
        TopValues("Top alert categories", ALERTS, "event.category"),
        TopValues("Top source IPs", ALERTS, "source.ip"),
        TopValues("Top users", ALERTS, "user.name"),
        TopValues("Top hosts", ALERTS, "host.hostname"),
        Distribution("Risk score distribution", ALERTS, "event.risk_score"),
        LatestDocuments(
            "Latest critical and high alerts",
            ALERTS,
            columns=(
                "event.severity",
                "message",
                "host.hostname",
                "user.name",
                "source.ip",
                "logwarden.label",
                "logwarden.explanation.tokens",
                "trace.id",
            ),
            query=HIGH_OR_CRITICAL,
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

DASHBOARDS = (SOC_ALERTS, TICKET_ROUTING, PIPELINE_HEALTH)
