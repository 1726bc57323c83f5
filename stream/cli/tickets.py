"""Ticket classifier commands: ``train tickets``, ``classify tickets``, ``bench classifier``.

Thin wrappers: training lives in ``classifiers.training``, serving in ``classifiers.runtime``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer
from rich.console import Console

import classifiers
from stream.cli.apps import bench_app, classify_app, train_app

if TYPE_CHECKING:
    from classifiers.benchmark import BenchOptions, BenchRow
    from classifiers.datasets import TextTask
    from classifiers.training.data_check import DataReport

console = Console(stderr=True, soft_wrap=True)
DEFAULT_WORK_DIR = Path.home() / ".cache" / "logwarden" / "train" / "tickets"


TICKET_MODEL_DIR = Path(classifiers.__file__).resolve().parent / "models" / "tickets"
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
    ] = DEFAULT_WORK_DIR,
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
    if output.resolve().is_relative_to(TICKET_MODEL_DIR.parent) and data is not None:
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
    from classifiers.runtime.records import classify_records
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
        handle = sys.stdin.buffer if source is None or source == "-" else _open_or_exit(source)
        records = read_tickets(handle, columns)
    out = sys.stdout.buffer
    failed = 0
    try:
        for result in classify_records(classifier, records):
            failed += "error" in result
            out.write(orjson.dumps(result) + b"\n")
    except MissingColumnError as error:
        console.print(f"[red]{error}[/red] (name them with --text-column)")
        raise typer.Exit(2) from error
    out.flush()
    if failed:
        console.print(f"[yellow]{failed} ticket(s) could not be read; see their error lines[/]")
        raise typer.Exit(1)


def ticket_model_dir(option: Path | None) -> Path:
    """``--model``, else ``LOGWARDEN_TICKET_MODEL_PATH`` (as ``run`` reads it), else shipped."""
    from stream.config import get_settings

    return option or get_settings().ticket_model_path or TICKET_MODEL_DIR


def _open_or_exit(source: str) -> BinaryIO:
    try:
        return Path(source).open("rb")
    except OSError as error:
        console.print(f"[red]cannot read {source}: {error}[/red]")
        raise typer.Exit(2) from error


@bench_app.command("classifier")
def bench_classifier(
    *,
    task: Annotated[str, typer.Option(help="Task whose models to compare (tickets, ...).")] = (
        "tickets"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    batch_size: Annotated[int, typer.Option(help="Items per batch.")] = 64,
    threads: Annotated[int, typer.Option(help="Model calls side by side.")] = 2,
    limit: Annotated[int | None, typer.Option(help="Only the first N test items.")] = None,
    skip: Annotated[
        list[str] | None,
        typer.Option(help="Leave out this row (repeatable), e.g. teacher (10-15 min on 2 cores)."),
    ] = None,
    card: Annotated[
        bool, typer.Option(help="Also write the figures into the shipped model's card.")
    ] = False,
) -> None:
    """Quality and speed of baseline, teacher, student fp32 and student int8, in one run."""
    import orjson
    from rich.table import Table

    from classifiers.benchmark import ROW_KEYS, BenchOptions, run_bench

    logging.basicConfig(level=logging.WARNING)
    try:
        options = BenchOptions(
            batch_size=batch_size, limit=limit, threads=threads, skip=tuple(skip or ())
        )
        rows = _log_card_rows(options) if card and task == "logs" else run_bench(task, options)
    except (KeyError, FileNotFoundError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if card and task == "tickets":
        from classifiers.runtime import ModelMetadata
        from classifiers.training.model_card import write_model_card

        metrics = ModelMetadata.read(TICKET_MODEL_DIR).metrics
        write_model_card(TICKET_MODEL_DIR, metrics, [row.as_row() for row in rows])
    if as_json:
        payload = {row.model: row.metrics() for row in rows}
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
        return
    table = Table(title=f"classifier benchmark: {task} (batch {batch_size}, {threads} threads)")
    table.add_column("model")
    columns = (*ROW_KEYS, "cpu_s_per_1k")
    for key in columns:
        table.add_column(key, justify="right")
    for row in rows:
        values = row.as_row()
        table.add_row(row.model, *(f"{values[key]:g}" for key in columns))
    Console().print(table)


def _log_card_rows(options: BenchOptions) -> list[BenchRow]:
    """Measure the shipped log model's figures once, rewrite its card with them (the training
    report stored in its metadata supplies the rest) and return them as rows."""
    from classifiers.logs.bench import figure_rows, log_figures
    from classifiers.logs.model import SHIPPED_LOG_MODEL
    from classifiers.logs.model_card import write_log_model_card
    from classifiers.runtime import ModelMetadata

    figures = log_figures(options)
    report = ModelMetadata.read(SHIPPED_LOG_MODEL).metrics
    write_log_model_card(SHIPPED_LOG_MODEL, report, figures=figures)
    return figure_rows(figures)
