"""``logwarden models``: which models this configuration serves, and what they do.

The model a command uses is ``LOGWARDEN_<TASK>_MODEL_PATH`` when set, else the shipped one; this
shows exactly that resolution, so "which model routed this ticket?" has one answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from stream.cli.apps import models_app
from stream.config import Settings, get_settings

console = Console(stderr=True)
TASKS = ("tickets", "logs")


def _configured(settings: Settings, task: str) -> Path | None:
    return settings.ticket_model_path if task == "tickets" else settings.log_model_path


def describe(settings: Settings, task: str) -> dict[str, Any]:
    """Path, version, labels, queues and card of the model ``task`` is served with."""
    from classifiers.runtime import ModelMetadata
    from classifiers.runtime.bundle import TRIAGE_QUEUE
    from stream.components import model_dir

    path = model_dir(_configured(settings, task), task)
    meta = ModelMetadata.read(path)
    card = path / "MODEL_CARD.md"
    info: dict[str, Any] = {
        "task": task,
        "path": str(path),
        "source": "configured" if _configured(settings, task) else "shipped",
        "name": meta.name,
        "version": meta.version,
        "created": meta.created,
        "labels": meta.labels,
        "card": str(card) if card.is_file() else None,
    }
    if task == "tickets":
        queues = {label: settings.ticket_queues.get(label, label) for label in meta.labels}
        info["queues"] = {**queues, "(not confident, or abstained)": TRIAGE_QUEUE}
        info["thresholds"] = meta.thresholds
        info["abstention"] = meta.abstention
        info["incident_queues"] = settings.incident_queues
    return info


@models_app.callback(invoke_without_command=True)
def models_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the models in use (configured path, else shipped)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = [_describe_or_exit(task) for task in TASKS]
    if as_json:
        typer.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title="models in use")
    for column in ("task", "name", "version", "source", "labels", "path"):
        table.add_column(column)
    for row in rows:
        labels = ", ".join(row["labels"])
        table.add_row(row["task"], row["name"], row["version"], row["source"], labels, row["path"])
    Console().print(table)


@models_app.command("show")
def models_show(
    task: Annotated[str, typer.Argument(help="tickets or logs.")],
    card: Annotated[bool, typer.Option(help="Also print the model card.")] = True,
) -> None:
    """One model in detail: labels and the queue each routes to, thresholds, and its card."""
    if task not in TASKS:
        console.print(f"[red]unknown task {task!r}: one of {', '.join(TASKS)}[/red]")
        raise typer.Exit(2)
    info = _describe_or_exit(task)
    out = Console()
    out.print(f"[bold]{info['name']}[/bold] {info['version']} ({info['source']}: {info['path']})")
    if "queues" in info:
        table = Table(title="label -> queue")
        table.add_column("label")
        table.add_column("queue")
        table.add_column("threshold", justify="right")
        for label, queue in info["queues"].items():
            threshold = info["thresholds"].get(label)
            table.add_row(label, queue, "" if threshold is None else f"{threshold:.3f}")
        out.print(table)
        out.print(f"operational alert tickets: {info['incident_queues']}")
        out.print(f"abstention: {info['abstention'] or 'none'}")
    else:
        out.print("labels: " + ", ".join(info["labels"]))
    if card and info["card"]:
        out.print(Path(info["card"]).read_text())


def _describe_or_exit(task: str) -> dict[str, Any]:
    from classifiers.runtime import ModelDirError
    from stream.components import ComponentError

    try:
        return describe(get_settings(), task)
    except (ComponentError, ModelDirError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
