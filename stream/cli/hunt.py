"""``logwarden hunt FILE|DIR...``: the worker's alerting engine offline, over files.

Contract other tools rely on: with ``--json`` stdout carries exactly one ECS alert document per
line and nothing else; the progress bar and the summary go to stderr.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers.paths import SHIPPED_LOG_MODEL
from stream.cli.apps import app
from stream.cli.logs import line_options
from stream.config import get_settings

console = Console(stderr=True)
TOP_ROWS = 10


@app.command()
def hunt(
    paths: Annotated[list[Path], typer.Argument(help="Log files or directories (plain or .gz).")],
    *,
    json_lines: Annotated[
        bool, typer.Option("--json", help="Only the alert documents on stdout, one per line.")
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="Parser format: auto, syslog, loghub:<System>...")
    ] = "auto",
    model: Annotated[Path, typer.Option(help="Log model directory.")] = SHIPPED_LOG_MODEL,
    allowlist: Annotated[
        Path | None, typer.Option(help="Allow-list YAML (default: the configured one).")
    ] = None,
    threads: Annotated[int, typer.Option(help="ONNX Runtime intra-op threads.")] = 2,
) -> None:
    """Hunt through log files with the worker's rules, in event-time order: alerts by rule,
    severity and entity, the riskiest entities, and the alert documents."""
    from classifiers.alerting import AllowListError
    from classifiers.logs.model import load_log_model
    from classifiers.logs.risk import RiskPolicy
    from classifiers.logs.scoring import LogScorer
    from classifiers.runtime import ModelDirError
    from stream.alerting_config import alert_engine
    from stream.hunt import HuntError, hunt_files, run_hunt

    options = line_options(fmt)
    settings = get_settings()
    if allowlist is not None:
        settings = settings.model_copy(update={"alert_allowlist_path": allowlist})
    try:
        files = hunt_files(paths)
        engine = alert_engine(settings)
        probability_model = load_log_model(model, threads=threads)
    except (HuntError, AllowListError, ModelDirError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    scorer = LogScorer(probability_model, RiskPolicy(alert_min_risk=settings.alert_min_risk))
    columns = (TextColumn("[bold]hunt"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    total = sum(p.stat().st_size for p in files)
    with Progress(*columns, console=console, transient=json_lines) as progress:
        task = progress.add_task("hunt", total=total)
        try:
            result = run_hunt(files, scorer, engine, options, lambda n: progress.advance(task, n))
        except HuntError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from error
    alerts = result.sorted_alerts()
    if json_lines:
        out = sys.stdout.buffer
        for document in alerts:
            out.write(orjson.dumps(document) + b"\n")
        out.flush()
    else:
        for document in alerts:
            console.print(
                f"[bold]{document['kibana']['alert']['severity']:8s}[/bold] {document['message']}",
                highlight=False,
            )
    suppressed = sum(engine.allowlist.suppressed.values())
    console.print(
        f"{result.files} files, {result.events} events ({result.unparsed} unparsed), "
        f"{result.signals} signals, {len(alerts)} alerts"
        + (f", {suppressed} suppressed by the allow-list" if suppressed else "")
    )
    if alerts:
        _summary(alerts, result.risks)


def _summary(alerts: list[dict[str, Any]], risks: dict[str, float]) -> None:
    by_rule: Counter[tuple[str, str]] = Counter()
    by_entity: Counter[str] = Counter()
    for document in alerts:
        by_rule[document["rule"]["name"], document["kibana"]["alert"]["severity"]] += 1
        entity = document["logwarden"]["alert"]["entity"]
        by_entity[f"{entity['kind']} {entity['value']}"] += 1
    rules = Table("rule", "severity", "alerts", title="Alerts by rule")
    for (name, severity), count in by_rule.most_common():
        rules.add_row(name, severity, str(count))
    entities = Table("entity", "alerts", title="Alerts by entity")
    for name, count in by_entity.most_common(TOP_ROWS):
        entities.add_row(name, str(count))
    risky = Table("entity", "risk", title="Riskiest entities")
    for key, risk in sorted(risks.items(), key=lambda kv: -kv[1])[:TOP_ROWS]:
        risky.add_row(key.replace("|", " "), f"{risk:.0f}")
    for table in (rules, entities, risky):
        console.print(table)
