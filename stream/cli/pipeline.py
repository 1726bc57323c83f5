"""Pipeline commands: ``run`` and ``deadletter replay``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from stream.cli.apps import app, deadletter_app
from stream.config import Settings

console = Console(stderr=True)


@app.command()
def run(
    without_web: Annotated[
        bool, typer.Option("--without-web", help="No HTTP server (probes and /metrics off).")
    ] = False,
    web_port: Annotated[int | None, typer.Option(help="Port of probes and /metrics.")] = None,
    web_host: Annotated[str | None, typer.Option(help="Bind address of the web server.")] = None,
    loglevel: Annotated[
        str | None, typer.Option("--loglevel", "-l", help="DEBUG, INFO, WARNING or ERROR.")
    ] = None,
) -> None:
    """Start a pipeline worker (runs until SIGTERM; more workers = more partitions served)."""
    from stream.components import ComponentError
    from stream.worker import run_worker

    overrides: dict[str, object] = {}
    if web_port is not None:
        overrides["web_port"] = web_port
    if web_host is not None:
        overrides["web_host"] = web_host
    settings = Settings().model_copy(update=overrides)
    try:
        run_worker(settings, web=not without_web, loglevel=loglevel)
    except ComponentError as exc:
        console.print(f"[red]cannot start the worker:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc


@deadletter_app.command("replay")
def deadletter_replay(
    stage: Annotated[str | None, typer.Option(help="Only records that failed this stage.")] = None,
    reason: Annotated[
        str | None, typer.Option(help="Only records whose reason contains this text.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option(help="Produce here instead of each record's source topic.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Count what would be replayed; send nothing.")] = (
        False
    ),
    idle_timeout: Annotated[
        float, typer.Option(help="Stop after this many seconds without a new record.")
    ] = 3.0,
) -> None:
    """Re-feed dead-lettered records to their source topic (after fixing the cause)."""
    from stream.connections import kafka_connection
    from stream.deadletter import ReplayFilter, replay_deadletters

    settings = Settings()
    with Progress(SpinnerColumn(), TextColumn("{task.description} {task.completed}")) as bar:
        task = bar.add_task("dead letters read", total=None)
        report = replay_deadletters(
            kafka_connection(settings),
            settings.topic_deadletter,
            settings.app_id,
            ReplayFilter(stage=stage, reason_contains=reason),
            target_topic=topic,
            dry_run=dry_run,
            idle_timeout_s=idle_timeout,
            on_record=lambda: bar.advance(task),
        )
    verb = "would replay" if dry_run else "replayed"
    console.print(
        f"read {report.read}, {verb} {report.replayed}, skipped {report.skipped_filter} "
        f"(filter) and {report.skipped_truncated} (over-size, truncated)"
    )
    for name, count in report.by_stage.most_common():
        console.print(f"  {name}: {count}")
