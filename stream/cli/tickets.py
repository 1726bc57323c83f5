"""Ticket classifier commands: ``train tickets`` and ``classify tickets``.

Thin wrappers: training lives in ``classifiers.training``, serving in ``classifiers.runtime``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from classifiers.paths import SHIPPED_TICKET_MODEL, TICKET_WORK_DIR
from stream.cli.apps import classify_app, train_app
from stream.cli.streams import open_input, output

console = Console(stderr=True)


@train_app.command("tickets")
def train_tickets(
    *,
    output: Annotated[Path, typer.Option(help="Model directory to write.")] = SHIPPED_TICKET_MODEL,
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
    data: Annotated[Path | None, typer.Option(help="tickets.csv (default: shared data).")] = None,
) -> None:
    """Train the ticket classifier end to end and write the model directory and card.

    Runs on a GPU when torch sees one (the teacher fine-tune takes minutes there), else on
    the CPU with progress bars and resumable checkpoints.
    """
    from dataclasses import replace

    import torch

    from classifiers.datasets import load_tickets
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
        teacher_max_length=teacher_max_length,
        teacher=replace(
            defaults.teacher,
            epochs=teacher_epochs,
            max_steps=teacher_steps,
            learning_rate=teacher_learning_rate,
        ),
        student=replace(defaults.student, epochs=student_epochs, max_steps=student_steps),
    )
    report = run_training(load_tickets(data), output, work_dir, options)
    for name, metrics in report["models"].items():
        console.print(
            f"{name:32s} macro-F1 {metrics['macro_f1']:.4f}  acc {metrics['accuracy']:.4f}"
        )
    console.print(f"model directory {output} (MODEL_CARD.md and plots written)")


@classify_app.command("tickets")
def classify_tickets(
    *,
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE|-", help="JSON lines (text, id) or CSV with Document; - = stdin."
        ),
    ] = None,
    text: Annotated[str | None, typer.Option(help="Classify this one ticket.")] = None,
    model: Annotated[Path, typer.Option(help="Model directory.")] = SHIPPED_TICKET_MODEL,
    threads: Annotated[int, typer.Option(help="ONNX Runtime intra-op threads.")] = 2,
    batch_size: Annotated[int, typer.Option(help="Tickets per model batch.")] = 64,
) -> None:
    """Print one JSON line per ticket: id, label, confidence, queue (label or triage), top3."""
    import orjson

    from classifiers.runtime import ModelDirError, TextClassifier
    from classifiers.runtime.input_lines import (
        InputRecord,
        classify_records,
        looks_like_csv,
        parse_csv,
        parse_json_lines,
    )

    try:
        classifier = TextClassifier.load(model, threads=threads, batch_size=batch_size)
    except ModelDirError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if text is not None:
        records: Iterable[InputRecord] = [InputRecord(0, text)]
    else:
        handle = open_input(source)
        first = handle.readline()
        lines = itertools.chain([first], handle)
        records = parse_csv(lines) if looks_like_csv(first) else parse_json_lines(lines)
    with output() as out:
        for result in classify_records(classifier, records):
            out.write(orjson.dumps(result) + b"\n")
