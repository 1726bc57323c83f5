"""Log classifier commands: ``classify logs``, ``train logs`` (``bench classifier --task logs``
is served by the generic benchmark command through ``benches.classifier.BENCH_TASKS``).

Thin wrappers: parsing in ``classifiers.parsing``, scoring in ``classifiers.logs``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import orjson
import typer
from rich.console import Console

from classifiers.paths import LOG_WORK_DIR, SHIPPED_LOG_MODEL
from stream.cli.apps import classify_app, train_app
from stream.cli.harness import load_harness
from stream.cli.streams import open_input, output
from stream.config import get_settings

if TYPE_CHECKING:
    from classifiers.logs.templates import TemplateTracker
    from classifiers.parsing import ParseOptions

console = Console(stderr=True)
BATCH_LINES = 256


def line_options(fmt: str) -> ParseOptions:
    """Parse options for ``--format`` with the worker's settings; a usage error for a format
    that does not exist."""
    from classifiers.parsing import FORMAT_NAMES, ParseOptions

    if fmt not in FORMAT_NAMES:
        raise typer.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(FORMAT_NAMES)}")
    settings = get_settings()
    return ParseOptions(
        format=fmt,
        timezone=settings.timezone,
        max_bytes=settings.max_event_bytes,
        scrub_secrets=settings.scrub_secrets,
    )


def load_tracker(state: Path | None) -> TemplateTracker:
    """A template tracker, restored from ``state`` when that file exists; exit code 2 when it
    is not a snapshot."""
    from classifiers.logs.templates import TemplateTracker

    tracker = TemplateTracker()
    if state is not None:
        try:
            tracker.load(state)
        except ValueError as error:
            console.print(f"[red]{state}: {error}[/red]")
            raise typer.Exit(2) from error
    return tracker


def _batches(handle: BinaryIO, size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for line in handle:
        batch.append(line.rstrip(b"\r\n"))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@classify_app.command("logs")
def classify_logs(
    source: Annotated[
        str | None, typer.Argument(help="Raw log lines; '-' or none = stdin.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Parser format: auto, syslog, nginx, loghub:<System>...")
    ] = "auto",
    model: Annotated[Path, typer.Option(help="Log model directory.")] = SHIPPED_LOG_MODEL,
    state: Annotated[
        Path | None,
        typer.Option(help="Template/novelty state file: loaded if present, saved at the end."),
    ] = None,
    threads: Annotated[int, typer.Option(help="ONNX Runtime intra-op threads.")] = 2,
) -> None:
    """One JSON line per input line, in order: label, probability, risk_score, severity, alert,
    template and explanation (novelty state carried across the whole input)."""
    from classifiers.logs.model import load_log_model
    from classifiers.logs.risk import RiskPolicy
    from classifiers.logs.scoring import LogScorer
    from classifiers.parsing import ParseFailure, parse
    from classifiers.runtime import ModelDirError

    options = line_options(fmt)
    try:
        probability_model = load_log_model(model, threads=threads)
    except ModelDirError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    tracker = load_tracker(state)
    scorer = LogScorer(
        probability_model, RiskPolicy(alert_min_risk=get_settings().alert_min_risk), tracker
    )
    number = 0
    with open_input(source) as handle, output() as out:
        for batch in _batches(handle, BATCH_LINES):
            parsed = [parse(raw, options) for raw in batch]
            events = [p for p in parsed if not isinstance(p, ParseFailure)]
            scores = iter(scorer.score_batch(events))
            for result in parsed:
                number += 1
                line: dict[str, Any] = {"line": number}
                if isinstance(result, ParseFailure):
                    line.update(result.to_dict(), alert=False)
                else:
                    line.update(next(scores).summary())
                out.write(orjson.dumps(line) + b"\n")
    if state is not None:
        tracker.save(state)


@train_app.command("logs")
def train_logs(
    *,
    output: Annotated[Path, typer.Option(help="Model directory to write.")] = SHIPPED_LOG_MODEL,
    work_dir: Annotated[
        Path, typer.Option(help="Cache for teacher, students and fp32 ONNX (not shipped).")
    ] = LOG_WORK_DIR,
    seed: Annotated[int, typer.Option(help="Seed of the corpus, split and all training.")] = 13,
    heldout: Annotated[
        bool, typer.Option(help="Also train the held-out-systems model (false-positive figure).")
    ] = True,
    threads: Annotated[int, typer.Option(help="torch CPU threads.")] = 2,
    leave_one_system_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-system-out",
            help="Instead: the shipped recipe trained once per Loghub system left out "
            "(resumable), each scoring its left-out system's benign lines.",
        ),
    ] = False,
    system: Annotated[
        list[str] | None,
        typer.Option(help="With --leave-one-system-out: system to leave out (repeatable)."),
    ] = None,
    student_epochs: Annotated[
        float | None,
        typer.Option(help="With --leave-one-system-out: student epochs (recipe's by default)."),
    ] = None,
) -> None:
    """Generate and label the corpus, fine-tune the teacher, distil, quantise, evaluate and write
    the model directory with its card."""
    import torch

    from classifiers.logs.model_card import write_log_model_card
    from classifiers.logs.training import (
        log_pipeline_options,
        train_heldout_systems_model,
        train_log_model,
    )

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("classifiers").setLevel(logging.INFO)
    torch.set_num_threads(threads)
    if leave_one_system_out:
        _leave_one_system_out(work_dir, seed, system, student_epochs)
        return
    report = train_log_model(output, work_dir, log_pipeline_options(seed))
    if heldout:
        train_heldout_systems_model(work_dir, seed)
    options = load_harness("classifier").BenchOptions()
    figures = load_harness("logs").log_figures(options, output, work_dir)
    card = write_log_model_card(output, report, figures)
    for name, metrics in report["models"].items():
        console.print(
            f"{name:32s} macro-F1 {metrics['macro_f1']:.4f}  acc {metrics['accuracy']:.4f}"
        )
    console.print(f"model directory {output}; card {card}")


def _leave_one_system_out(
    work_dir: Path, seed: int, systems: list[str] | None, student_epochs: float | None
) -> None:
    """The full-recipe leave-one-system-out run, one rich progress step per system."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from classifiers.logs.dataset import BACKGROUND_SYSTEMS
    from classifiers.logs.training import loso_recipe_options, write_leave_one_system_out_full

    unknown = set(systems or ()) - set(BACKGROUND_SYSTEMS)
    if unknown:
        raise typer.BadParameter(f"unknown systems {sorted(unknown)}; one of {BACKGROUND_SYSTEMS}")
    left_out = systems or list(BACKGROUND_SYSTEMS)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("leave-one-system-out", total=len(left_out))

        def on_system(name: str, result: dict[str, Any] | None) -> None:
            if result is None:
                progress.update(bar, description=f"training without {name}")
                return
            progress.advance(bar)
            console.print(
                f"{name:10s} FP {result['false_positives']:4d}/{result['benign_lines']:4d}"
                f" = {result['fp_rate']:.2%}  {result['fp_labels']}  ({result['seconds']} s)"
            )

        path = write_leave_one_system_out_full(
            work_dir,
            loso_recipe_options(seed, student_epochs),
            left_out=left_out,
            on_system=on_system,
        )
    console.print(f"leave-one-system-out (full recipe): {path}")
