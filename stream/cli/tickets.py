"""Ticket classifier commands: ``train tickets`` and ``classify tickets``.

Thin wrappers: training lives in ``classifiers.training``, serving in ``classifiers.runtime``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from classifiers.paths import SHIPPED_TICKET_MODEL, TICKET_WORK_DIR
from stream.cli.apps import classify_app, train_app
from stream.cli.streams import open_input, output

if TYPE_CHECKING:
    from classifiers.datasets import TextTask
    from classifiers.training.data_check import DataReport

console = Console(stderr=True, soft_wrap=True)
#: Training writes here unless told otherwise: the working directory, never the package.
DEFAULT_OUTPUT = Path("models") / "tickets"


@train_app.command("tickets")
def train_tickets(
    *,
    output: Annotated[
        Path, typer.Option(help="Model directory to write (never the installed package's).")
    ] = DEFAULT_OUTPUT,
    work_dir: Annotated[
        Path, typer.Option(help="Cache for teacher, students and fp32 ONNX (not shipped).")
    ] = TICKET_WORK_DIR,
    seed: Annotated[int, typer.Option(help="Seed of the split and all training.")] = 13,
    limit: Annotated[int | None, typer.Option(help="Use only N tickets (quick runs).")] = None,
    student_epochs: Annotated[float, typer.Option(help="Student epochs.")] = 3.0,
    student_steps: Annotated[int | None, typer.Option(help="Cap student steps.")] = None,
    teacher_epochs: Annotated[float, typer.Option(help="MiniLM teacher epochs.")] = 0.6,
    teacher_steps: Annotated[int | None, typer.Option(help="Cap teacher steps.")] = None,
    teacher_max_length: Annotated[
        int, typer.Option(help="Tokens the teacher reads (long tickets need 256).")
    ] = 64,
    teacher_learning_rate: Annotated[
        float, typer.Option(help="Teacher peak learning rate.")
    ] = 1e-4,
    max_length: Annotated[
        int, typer.Option(help="Tokens the student reads in training and serving.")
    ] = 64,
    student_layers: Annotated[int, typer.Option(help="Student transformer layers.")] = 2,
    student_hidden: Annotated[int, typer.Option(help="Student hidden size.")] = 128,
    student_heads: Annotated[
        int, typer.Option(help="Student attention heads (must divide the hidden size).")
    ] = 2,
    student_intermediate: Annotated[int, typer.Option(help="Student feed-forward size.")] = 512,
    model_version: Annotated[
        str, typer.Option(help="Version written into the model's metadata and card.")
    ] = "1.1.0",
    minilm_teacher: Annotated[
        bool, typer.Option(help="Include the fine-tuned MiniLM in the ensemble teacher.")
    ] = True,
    threads: Annotated[
        int, typer.Option(help="torch CPU threads (1 is fastest on a crowded CPU).")
    ] = 1,
    data: Annotated[
        Path | None, typer.Option(help="CSV or JSON lines of labelled tickets (default: shared).")
    ] = None,
    text_column: Annotated[
        list[str] | None,
        typer.Option(help="Column holding ticket text (repeatable, joined in order)."),
    ] = None,
    label_column: Annotated[
        str | None, typer.Option(help="Column holding the queue (default: label/queue).")
    ] = None,
    id_column: Annotated[str, typer.Option(help="Column holding the ticket id.")] = "id",
    encoder_weights: Annotated[
        Path | None,
        typer.Option(
            help="Ship this fine-tuned all-MiniLM-L6-v2 state dict (a GPU run on the same split, "
            "see docs/tickets.md) as the transformer instead of training a student."
        ),
    ] = None,
) -> None:
    """Train the ticket classifier end to end and write the model directory and card.

    Runs on a GPU when torch sees one (the teacher fine-tune takes minutes there), else on
    the CPU with progress bars and resumable checkpoints.
    """
    from dataclasses import replace

    import torch

    from classifiers.datasets import load_tickets, sample_task
    from classifiers.ticket_records import MissingColumnError, TicketColumns
    from classifiers.training.modeling import StudentShape
    from classifiers.training.pipeline import PipelineOptions, run_training

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("classifiers").setLevel(logging.INFO)
    torch.set_num_threads(threads)
    defaults = PipelineOptions().with_seed(seed)
    options = replace(
        defaults,
        limit=limit,
        max_length=max_length,
        shape=StudentShape(student_layers, student_hidden, student_heads, student_intermediate),
        version=model_version,
        use_minilm_teacher=minilm_teacher,
        abstention=True,
        encoder_weights=str(encoder_weights) if encoder_weights else None,
        teacher_max_length=teacher_max_length,
        teacher=replace(
            defaults.teacher,
            epochs=teacher_epochs,
            max_steps=teacher_steps,
            learning_rate=teacher_learning_rate,
        ),
        student=replace(defaults.student, epochs=student_epochs, max_steps=student_steps),
    )
    if output.resolve().is_relative_to(SHIPPED_TICKET_MODEL.parent) and data is not None:
        console.print(
            f"[red]refusing to write a model trained on {data} into the installed package "
            f"({output}); pass --output DIR[/red]"
        )
        raise typer.Exit(2)
    columns = TicketColumns(tuple(text_column or ()), label_column, id_column)
    try:
        task = load_tickets(data, columns)
    except (MissingColumnError, ValueError, OSError) as error:
        console.print(f"[red]{data}: {error}[/red]")
        raise typer.Exit(2) from error
    checked = _checked_data(sample_task(task, limit, seed), data)
    data_summary = {**checked.as_dict(), "source": str(data) if data else "shared"}
    report = run_training(task, output, work_dir, options, data=data_summary)
    for name, metrics in report["models"].items():
        console.print(
            f"{name:32s} macro-F1 {metrics['macro_f1']:.4f}  acc {metrics['accuracy']:.4f}"
        )
    routing = report["routing"]
    console.print(
        f"auto-routed {routing['coverage']:.1%} of test tickets at precision "
        f"{routing['precision']:.1%} (target {report['target_precision']:.0%})"
    )
    for queue in report["never_routed"]:
        console.print(
            f"[yellow]warning: queue {queue!r} cannot auto-route (no threshold reaches the "
            "precision target on validation): its tickets go to triage; label more of them[/]"
        )
    console.print(f"model directory {output} (MODEL_CARD.md and plots written)")


def _checked_data(task: TextTask, source: Path | None) -> DataReport:
    """The data check's findings, printed; refuses (exit 2) on errors."""
    from rich.table import Table

    from classifiers.training.data_check import check_ticket_data

    report = check_ticket_data(task)
    table = Table(title=f"training data: {source or 'shared tickets'}")
    table.add_column("queue")
    table.add_column("tickets", justify="right")
    for queue, count in report.queues.items():
        table.add_row(queue, str(count))
    console.print(table)
    languages = ", ".join(f"{k} {v:.1%}" for k, v in report.languages.items())
    console.print(
        f"{report.rows} tickets, {len(report.queues)} queues, {report.empty_texts} empty, "
        f"{report.duplicate_texts} duplicates; languages: {languages or 'unknown'}"
    )
    for warning in report.warnings:
        console.print(f"[yellow]warning: {warning}[/]")
    for error in report.errors:
        console.print(f"[red]error: {error}[/]")
    if report.errors:
        raise typer.Exit(2)
    return report


@classify_app.command("tickets")
def classify_tickets(
    *,
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE|-",
            help="JSON lines or a CSV with a header (text, or subject and body); - = stdin.",
        ),
    ] = None,
    text: Annotated[str | None, typer.Option(help="Classify this one ticket.")] = None,
    text_column: Annotated[
        list[str] | None,
        typer.Option(help="Column holding ticket text (repeatable, joined in order)."),
    ] = None,
    id_column: Annotated[str, typer.Option(help="Column holding the ticket id.")] = "id",
    model: Annotated[
        Path | None,
        typer.Option(help="Model directory (default: LOGWARDEN_TICKET_MODEL_PATH, else shipped)."),
    ] = None,
    threads: Annotated[int, typer.Option(help="ONNX Runtime intra-op threads.")] = 2,
    batch_size: Annotated[int, typer.Option(help="Tickets per model batch.")] = 64,
) -> None:
    """Print one JSON line per ticket: id, label, confidence, queue (label or triage), top3.

    Exits 2 when the input lacks the text columns, 1 when some rows were unusable (each gets
    an ``error`` line in place).
    """
    import orjson

    from classifiers.runtime import ModelDirError, TextClassifier
    from classifiers.runtime.input_lines import classify_records
    from classifiers.ticket_records import (
        MissingColumnError,
        RecordError,
        TicketColumns,
        TicketRecord,
        read_tickets,
    )

    try:
        classifier = TextClassifier.load(
            ticket_model_dir(model), threads=threads, batch_size=batch_size
        )
    except ModelDirError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    columns = TicketColumns(text=tuple(text_column or ()), id=id_column)
    records: Iterable[TicketRecord | RecordError]
    if text is not None:
        records = [TicketRecord(0, text)]
    else:
        records = read_tickets(open_input(source), columns)
    failed = 0
    with output() as out:
        try:
            for result in classify_records(classifier, records):
                failed += "error" in result
                out.write(orjson.dumps(result) + b"\n")
        except MissingColumnError as error:
            console.print(f"[red]{error}[/red] (name them with --text-column)")
            raise typer.Exit(2) from error
    if failed:
        console.print(f"[yellow]{failed} ticket(s) could not be read; see their error lines[/]")
        raise typer.Exit(1)


def ticket_model_dir(option: Path | None) -> Path:
    """``--model``, else ``LOGWARDEN_TICKET_MODEL_PATH`` (as ``run`` reads it), else shipped."""
    from stream.config import get_settings

    return option or get_settings().ticket_model_path or SHIPPED_TICKET_MODEL
