"""Pull alerts back out of Elasticsearch for a report, as CSV or NDJSON.

Pages through a point in time with ``search_after`` (sorted by ``@timestamp`` plus the
implicit ``_shard_doc`` tie-breaker), so an export of any size sees one consistent snapshot
and never hits the 10,000-hit window of a plain search.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Any, TextIO

import orjson
from elasticsearch import Elasticsearch, NotFoundError

from connectors.elasticsearch import ClusterError, explained_errors
from connectors.es_mappings import field_values

PAGE_SIZE = 1000
KEEP_ALIVE = "2m"
CSV_COLUMNS = (
    "@timestamp",
    "event.severity",
    "event.risk_score",
    "event.category",
    "message",
    "host.hostname",
    "user.name",
    "source.ip",
    "rule.name",
    "logwarden.label",
    "logwarden.probability",
    "logwarden.explanation.tokens",
    "trace.id",
)
_RELATIVE = re.compile(r"^\d+[smhdw]$")


class ExportFormat(StrEnum):
    """Output formats of ``logwarden export``."""

    csv = "csv"
    ndjson = "ndjson"


def since_bound(since: str) -> str:
    """``1h``/``30m``/``7d`` as Elasticsearch date math, or an ISO 8601 timestamp unchanged."""
    text = since.strip()
    if _RELATIVE.match(text):
        return f"now-{text}"
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text
    raise ValueError(f"--since takes a span like 1h, 30m, 7d or an ISO 8601 time, not {since!r}")


def _query(since: str) -> dict[str, Any]:
    return {"range": {"@timestamp": {"gte": since_bound(since)}}}


def count_alerts(client: Elasticsearch, url: str, index: str, since: str) -> int:
    """How many alerts an export of ``index`` since ``since`` will write."""
    with explained_errors(url):
        try:
            return int(client.count(index=index, query=_query(since))["count"])
        except NotFoundError as exc:
            raise ClusterError(f"{index} does not exist on {url}: nothing was written yet") from exc


def iter_alerts(
    client: Elasticsearch, url: str, index: str, since: str, *, page_size: int = PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every matching ``_source``, oldest first, through a point in time."""
    query = _query(since)
    with explained_errors(url):
        try:
            pit_id = client.open_point_in_time(index=index, keep_alive=KEEP_ALIVE)["id"]
        except NotFoundError as exc:
            raise ClusterError(f"{index} does not exist on {url}: nothing was written yet") from exc
        try:
            after: list[Any] | None = None
            while True:
                page = client.search(
                    pit={"id": pit_id, "keep_alive": KEEP_ALIVE},
                    query=query,
                    sort=[{"@timestamp": "asc"}],
                    size=page_size,
                    search_after=after,
                    track_total_hits=False,
                )
                hits = page["hits"]["hits"]
                if not hits:
                    return
                pit_id = page.get("pit_id", pit_id)
                for hit in hits:
                    yield hit["_source"]
                after = hits[-1]["sort"]
        finally:
            client.close_point_in_time(id=pit_id)


def csv_row(source: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row: each column's values joined with ``;`` (ECS fields may be arrays)."""
    return {
        column: ";".join(str(v) for v in field_values(source, column) if v != {})
        for column in CSV_COLUMNS
    }


def write_export(
    documents: Iterator[dict[str, Any]],
    fmt: ExportFormat,
    out: TextIO,
    on_document: Callable[[], None] | None = None,
) -> int:
    """Write documents as CSV (fixed columns) or NDJSON (whole ``_source``); the count."""
    written = 0
    writer: csv.DictWriter[str] | None = None
    if fmt is ExportFormat.csv:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
    for source in documents:
        if writer is not None:
            writer.writerow(csv_row(source))
        else:
            out.write(orjson.dumps(source).decode() + "\n")
        written += 1
        if on_document is not None:
            on_document()
    return written
