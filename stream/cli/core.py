"""Foundation commands: version, configuration, the embedded broker, replay and the demo."""

from __future__ import annotations

import os
import signal
import threading
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.kafka import iter_file_records, produce_records
from connectors.local_broker import LocalBroker, LocalBrokerError
from stream.cli.apps import app, config_app, dev_app
from stream.cli.errors import show_tracebacks
from stream.config import get_settings, unknown_variables
from stream.connections import kafka_connection

console = Console(stderr=True)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"logwarden {package_version('logwarden')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of a failure, not a summary.")
    ] = False,
) -> None:
    """Streaming log analysis for SOC and IT operations."""
    show_tracebacks(debug)
    for line in unknown_variables(os.environ):
        console.print(f"[yellow]warning:[/yellow] {line}", highlight=False, soft_wrap=True)


@config_app.command("show")
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print the effective settings, with every secret masked."""
    shown = get_settings().masked()
    if as_json:
        typer.echo(orjson.dumps(shown, option=orjson.OPT_INDENT_2, default=str).decode())
        return
    table = Table(title="logwarden settings (env prefix LOGWARDEN_)")
    table.add_column("setting", style="cyan")
    table.add_column("value")
    for name, value in shown.items():
        table.add_row(name, "" if value is None else str(value))
    Console().print(table)


@dev_app.command("broker")
def dev_broker(
    port: Annotated[int, typer.Option(help="Loopback port; a free one when 0.")] = 0,
) -> None:
    """Run the embedded Kafka-compatible broker (Tansu) in the foreground until Ctrl-C."""
    broker = LocalBroker(port=port or None)
    try:
        broker.start()
    except LocalBrokerError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    console.print(
        f"broker listening on [bold]{broker.bootstrap}[/bold] (pid {broker.pid}, memory only)\n"
        f"use it with: export LOGWARDEN_BROKER_URL={broker.url}"
    )
    try:
        stop.wait()
    finally:
        broker.stop()
        console.print("broker stopped")


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    topic: Annotated[str | None, typer.Option(help="Target topic; logs.raw by default.")] = None,
    rate: Annotated[
        float | None, typer.Option(help="Records per second at most (unlimited by default).")
    ] = None,
) -> None:
    """Produce a log file or JSON-lines file to Kafka, one record per line."""
    settings = get_settings()
    target = topic or settings.topic_logs_raw
    total = sum(1 for _ in iter_file_records(file))
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"{file.name} → {target}", total=total)
        report = produce_records(
            kafka_connection(settings),
            target,
            iter_file_records(file),
            rate=rate,
            on_sent=lambda n: progress.advance(task, n),
        )
    console.print(f"sent {report.sent} records ({report.bytes} bytes) to {target}")
    if report.failed:
        console.print(f"[red]{report.failed} records failed[/red]")
        raise typer.Exit(1)


@app.command()
def demo(
    lines: Annotated[
        int,
        typer.Option(
            help="Background log lines to replay; the attack campaigns' lines come on top."
        ),
    ] = 5000,
    output: Annotated[
        Path, typer.Option(help="Alerts file, in Elasticsearch bulk format (NDJSON).")
    ] = Path("logwarden-demo-alerts.ndjson"),
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the pipeline.")] = 300.0,
) -> None:
    """Run the whole pipeline locally: broker, worker, sample logs, alerts file and summary."""
    from stream.demo import DemoError, render_summary, run_demo

    try:
        summary = run_demo(lines=lines, output=output, timeout_s=timeout, console=console)
    except DemoError as exc:
        console.print(f"[red]demo failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    Console().print(render_summary(summary))
