"""``logwarden setup elasticsearch|kibana`` and ``logwarden export``.

Thin: settings are read here and passed down as plain values; the work lives in
``connectors.es_assets``, ``connectors.kibana`` and ``connectors.es_export``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.elasticsearch import ClusterError, build_client
from connectors.es_assets.install import prepared, setup_elasticsearch
from connectors.es_assets.templates import LifecycleOptions, alerts_stream, build_assets
from connectors.es_export import (
    ExportFormat,
    count_alerts,
    iter_alerts,
    since_bound,
    write_export,
)
from connectors.kibana.importer import KibanaConnection, install_saved_objects
from connectors.kibana.saved_objects import NDJSON_PATH
from stream.cli.apps import app, setup_app
from stream.config import Settings, get_settings
from stream.connections import elasticsearch_connection

console = Console(stderr=True)


def _lifecycle(settings: Settings) -> LifecycleOptions:
    return LifecycleOptions(
        retention_days=settings.elasticsearch_retention_days,
        ilm_enabled=settings.elasticsearch_ilm_enabled,
    )


def _require(value: str | None, variable: str) -> str:
    if not value:
        console.print(f"[red]{variable} is not set[/red]")
        raise typer.Exit(2)
    return value


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]{exc}[/red]")
    return typer.Exit(1)


@setup_app.command("elasticsearch")
def setup_elasticsearch_command(
    print_only: Annotated[
        bool,
        typer.Option("--print", help="Write the policies and templates as JSON; contact nothing."),
    ] = False,
) -> None:
    """Install index templates, the ILM policy and the tickets index (safe to re-run)."""
    settings = get_settings()
    options = _lifecycle(settings)
    if print_only:
        body = prepared(build_assets(options, settings.elasticsearch_namespace)).as_json()
        typer.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())
        return
    url = _require(settings.elasticsearch_url, "LOGWARDEN_ELASTICSEARCH_URL")
    client = build_client(elasticsearch_connection(settings))
    try:
        report = setup_elasticsearch(client, url, options, settings.elasticsearch_namespace)
    except ClusterError as exc:
        raise _fail(exc) from exc
    finally:
        client.close()
    table = Table(title=f"Elasticsearch {report.cluster.version} at {url}")
    for column in ("kind", "name", "result"):
        table.add_column(column)
    for change in report.changes:
        style = "dim" if change.action == "unchanged" else "green"
        table.add_row(change.kind, change.name, f"[{style}]{change.action}[/{style}]")
    Console().print(table)
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    changed = sum(c.action != "unchanged" for c in report.changes)
    console.print(f"{changed} changed" if changed else "nothing to change: already up to date")


@setup_app.command("kibana")
def setup_kibana_command(
    print_only: Annotated[
        bool,
        typer.Option("--print", help="Write the saved-objects NDJSON to stdout; contact nothing."),
    ] = False,
) -> None:
    """Import data views and dashboards into Kibana (overwrites our own objects).

    Kibana accepts the Elasticsearch credentials (API key or user), so the
    LOGWARDEN_ELASTICSEARCH_* credentials and CA settings are used; the space is
    LOGWARDEN_KIBANA_SPACE.
    """
    ndjson = NDJSON_PATH.read_text(encoding="utf-8")
    if print_only:
        sys.stdout.write(ndjson)
        return
    settings = get_settings()
    es = elasticsearch_connection(settings) if settings.elasticsearch_url else None
    connection = KibanaConnection(
        url=_require(settings.kibana_url, "LOGWARDEN_KIBANA_URL"),
        space=settings.kibana_space,
        api_key=es.api_key if es else None,
        username=es.username if es else None,
        password=es.password if es else None,
        ca_file=es.ca_file if es else None,
        verify_certs=es.verify_certs if es else True,
    )
    try:
        report = asyncio.run(install_saved_objects(connection, ndjson))
    except ClusterError as exc:
        raise _fail(exc) from exc
    console.print(
        f"imported {len(report.imported)} saved objects into Kibana space "
        f"'{connection.space}' at {connection.url}"
    )


@app.command("export")
def export_command(
    since: Annotated[str, typer.Option(help="How far back: 1h, 30m, 7d or an ISO time.")] = "1h",
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv or ndjson.")] = (
        ExportFormat.ndjson
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; stdout by default.")
    ] = None,
) -> None:
    """Export alerts from Elasticsearch for a report (point in time, any size)."""
    try:
        since_bound(since)
    except ValueError as exc:
        raise _fail(exc) from exc
    settings = get_settings()
    url = _require(settings.elasticsearch_url, "LOGWARDEN_ELASTICSEARCH_URL")
    index = alerts_stream(settings.elasticsearch_namespace)
    client = build_client(elasticsearch_connection(settings))
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    columns = (
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        total = count_alerts(client, url, index, since)
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("export", total=total)
            written = write_export(
                iter_alerts(client, url, index, since),
                fmt,
                out,
                on_document=lambda: progress.advance(task),
            )
    except ClusterError as exc:
        raise _fail(exc) from exc
    finally:
        client.close()
        if output:
            out.close()
    console.print(f"exported {written} alerts from {index} since {since}")
