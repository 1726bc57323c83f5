"""IT tickets for operational alerts, one per incident rather than one per log line.

A failing disk or a flapping link writes the same kind of line many times a minute; a ticket per
line would flood the IT queue with copies of one incident. An incident here is one operational
label on one host within one ``ticket_window_s`` window of event time (aligned to the epoch), and
its ticket id is derived from exactly that, so the id is the same on every worker and on every
replay: the tickets index stores it once (``op_type=create``), and every alert of the incident
carries it as ``logwarden.ticket.id`` for the pivot from ticket to alerts in Kibana. Window 0
keeps the old behaviour, a ticket per alert (its id derived from the record).

Each worker remembers the incidents whose ticket it has produced (bounded), so a later alert of
the same incident opens nothing more; it is told only once the ticket is acknowledged, so a
batch that failed before producing cannot suppress the ticket of its replay.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from classifiers.alerting.signals import epoch_seconds
from classifiers.logs.lru import Lru
from stream.records import RawRecord

#: Incidents remembered per worker; an older one forgotten only risks producing its ticket
#: again under the same id, which the tickets index ignores.
REMEMBERED_INCIDENTS = 10_000


def event_seconds(doc: dict[str, Any], record: RawRecord) -> float:
    """The event's time (``@timestamp``), else the Kafka record's, else now."""
    seconds = epoch_seconds(doc.get("@timestamp"))
    if seconds is not None:
        return seconds
    if record.timestamp_ms is not None:
        return record.timestamp_ms / 1000
    return datetime.now(UTC).timestamp()


def incident_window(seconds: float, window_s: float) -> tuple[float, float]:
    """(start, end) of the epoch-aligned window holding ``seconds``."""
    start = math.floor(seconds / window_s) * window_s
    return start, start + window_s


class IncidentTickets:
    """Ticket ids for operational alerts, and which of them this worker has opened already."""

    def __init__(self, window_s: float, remembered: int = REMEMBERED_INCIDENTS) -> None:
        self.window_s = window_s
        self._opened: Lru[str, bool] = Lru(remembered)

    def ticket_id(self, label: str, host: str, seconds: float, record: RawRecord) -> str:
        if self.window_s <= 0:
            return f"alert-{record.doc_id}"
        start, _ = incident_window(seconds, self.window_s)
        return f"alert-{label}-{host}-{int(start)}"

    def opened(self, ticket_id: str) -> bool:
        return self._opened.get(ticket_id) is not None

    def remember(self, ticket_ids: Iterable[str]) -> None:
        """Record tickets the broker acknowledged."""
        for ticket_id in ticket_ids:
            self._opened.put(ticket_id, True)
