"""``logwarden bench ...``: the benchmark commands, whose harnesses live in ``benches/``.

The harnesses are development tools outside the wheel, loaded by :func:`load_harness` only
when a bench command runs.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from classifiers.parsing import ParseOptions, parser_build
from classifiers.paths import SHIPPED_LOG_MODEL, SHIPPED_TICKET_MODEL
from classifiers.shared_data import require_shared_data
from stream.cli.apps import bench_app
from stream.cli.harness import load_harness
from stream.config import Settings, get_settings

if TYPE_CHECKING:
    from benches.layouts import Figures, SetScore
    from classifiers.logs.template_evaluation import HeldOut

console = Console(stderr=True)


@bench_app.command("parse")
def bench_parse(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds per stream; the best counts.")] = 3,
    mixed_lines: Annotated[int, typer.Option(min=100, help="Lines in the mixed stream.")] = 20_000,
) -> None:
    """Lines per second of the parser on one core: per format and for a mixed stream."""
    settings = get_settings()
    options = ParseOptions(
        timezone=settings.timezone, max_bytes=settings.max_event_bytes,
        scrub_secrets=settings.scrub_secrets, store_original=settings.store_original,
    )  # fmt: skip
    harness = load_harness("parsing")
    streams, note = harness.load_streams()
    if note and not as_json:
        console.print(f"[yellow]{note}[/yellow]")
    results = []
    names = list(streams)
    for name in track(names, description="parsing", console=console, disable=as_json):
        results.append(harness.measure(name, streams[name], options, rounds))
    mixed = harness.measure("mixed", harness.mixed_stream(streams, mixed_lines), options, rounds)
    load = [round(value, 2) for value in os.getloadavg()]  # figures shrink on a busy machine
    reference = round(harness.reference_us(), 2)
    if as_json:
        payload = {
            "unit": "lines per CPU second on one core (best of rounds)",
            "load_average": load,
            "reference_us": reference,
            "cpus": os.cpu_count(),
            "scrub_secrets": options.scrub_secrets,
            "parser_build": parser_build(),
            "note": note,
            "formats": [_as_dict(r) for r in results],
            "mixed": _as_dict(mixed),
        }
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        return
    table = Table(
        title="logwarden parse: lines per CPU second, one core",
        caption=(
            f"load average {load[0]} on {os.cpu_count()} CPUs while measuring; "
            f"reference sum(range(1000)) = {reference} µs; parser build: {parser_build()}"
        ),
    )
    for column in ("stream", "lines", "lines/s", "parsed", "unparsed", "failed"):
        table.add_column(column, justify="left" if column == "stream" else "right")
    for result in [*results, mixed]:
        table.add_row(
            result.name, f"{result.lines:,}", f"{result.lines_per_s:,.0f}",
            f"{result.parsed:,}", f"{result.unparsed:,}", f"{result.failed:,}",
            style="bold" if result is mixed else None,
        )  # fmt: skip
    Console().print(table)


def _as_dict(result: Any) -> dict[str, object]:
    return {
        "name": result.name, "lines": result.lines, "seconds": round(result.seconds, 4),
        "lines_per_s": round(result.lines_per_s), "parsed": result.parsed,
        "unparsed": result.unparsed, "failed": result.failed,
    }  # fmt: skip


@bench_app.command("pipeline")
def bench_pipeline(
    events: Annotated[int, typer.Option(help="Events per throughput run.")] = 30_000,
    latency_events: Annotated[int, typer.Option(help="Events in the 1,000/s latency run.")] = (
        5_000
    ),
    warmup_events: Annotated[
        int,
        typer.Option(
            help="Warm-up lines per worker before a throughput window (steady cache: ~40,000)."
        ),
    ] = 40_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Sustained events/s and latency of the whole pipeline next to Faust and aiokafka."""
    harness = load_harness("pipeline")
    settings = Settings()
    config = harness.BenchConfig(
        events=events,
        latency_events=latency_events,
        throughput_warmup_events_per_worker=warmup_events,
    )
    figures = harness.run_bench(config, settings, console=console)
    if as_json:
        typer.echo(orjson.dumps(figures).decode())
    else:
        Console().print(harness.render_table(figures))


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
    harness = load_harness("classifier")

    logging.basicConfig(level=logging.WARNING)
    try:
        options = harness.BenchOptions(
            batch_size=batch_size, limit=limit, threads=threads, skip=tuple(skip or ())
        )
        rows = (
            _log_card_rows(options) if card and task == "logs" else harness.run_bench(task, options)
        )
    except (KeyError, FileNotFoundError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if card and task == "tickets":
        from classifiers.runtime import ModelMetadata
        from classifiers.training.model_card import write_model_card

        metrics = ModelMetadata.read(SHIPPED_TICKET_MODEL).metrics
        write_model_card(SHIPPED_TICKET_MODEL, metrics, [row.as_row() for row in rows])
    if as_json:
        payload = {row.model: row.metrics() for row in rows}
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
        return
    table = Table(title=f"classifier benchmark: {task} (batch {batch_size}, {threads} threads)")
    table.add_column("model")
    columns = (*harness.ROW_KEYS, "cpu_s_per_1k")
    for key in columns:
        table.add_column(key, justify="right")
    for row in rows:
        values = row.as_row()
        table.add_row(row.model, *(f"{values[key]:g}" for key in columns))
    Console().print(table)


def _log_card_rows(options: Any) -> list[Any]:
    """Measure the shipped log model's figures once, rewrite its card with them (the training
    report stored in its metadata supplies the rest) and return them as rows."""
    from classifiers.logs.model_card import write_log_model_card
    from classifiers.runtime import ModelMetadata

    harness = load_harness("logs")
    figures = harness.log_figures(options)
    report = ModelMetadata.read(SHIPPED_LOG_MODEL).metrics
    write_log_model_card(SHIPPED_LOG_MODEL, report, figures)
    rows: list[Any] = harness.figure_rows(figures)
    return rows


@bench_app.command("templates")
def bench_templates(
    loso: Annotated[
        bool,
        typer.Option(help="Also the leave-one-system-out check of similarity, depth, hold, run."),
    ] = False,
) -> None:
    """Template grouping accuracy per Loghub-2k system (shared data): the production path by
    template.id (one tracker per system, and all systems interleaved through one), by template
    text of the moment, and plain drain3; CPU per line of parsing and of mining."""
    from classifiers.logs.template_evaluation import (
        evaluate,
        leave_one_system_out,
        load_samples,
        mixed_stream_by_id,
    )

    try:
        with console.status("parsing the Loghub samples"):
            samples = load_samples(require_shared_data("loghub"))
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    rows = [evaluate(sample) for sample in track(samples, description="mining", console=console)]
    mixed = mixed_stream_by_id(samples)
    table = Table(
        "system", "by id", "by id, mixed", "by text", "drain3", "templates", "parse µs", "mine µs",
        title="Grouping accuracy (Zhu et al. 2019), CPU µs per line",
    )  # fmt: skip
    for row in rows:
        table.add_row(
            row.system, f"{row.by_id:.3f}", f"{mixed[row.system]:.3f}", f"{row.by_text:.3f}",
            f"{row.plain_drain3:.3f}", str(row.clusters), f"{row.parse_us_per_line:.1f}",
            f"{row.template_us_per_line:.1f}",
        )  # fmt: skip
    table.add_row(
        "mean", *(f"{sum(values) / len(values):.3f}" for values in (
            [row.by_id for row in rows], list(mixed.values()), [row.by_text for row in rows],
            [row.plain_drain3 for row in rows],
        )),
    )  # fmt: skip
    Console().print(table)
    if loso:
        _print_held_out(leave_one_system_out(samples))


def _print_held_out(held_out: list[HeldOut]) -> None:
    """The leave-one-system-out table: settings chosen on the others, held-out accuracy."""
    table = Table(
        "held out", "similarity", "depth", "hold", "run", "accuracy", title="Leave one system out"
    )
    for item in held_out:
        table.add_row(
            item.system,
            str(item.similarity),
            str(item.depth),
            str(item.hold),
            str(item.run),
            f"{item.accuracy:.3f}",
        )
    mean = sum(item.accuracy for item in held_out) / len(held_out)
    table.add_row("mean", "", "", "", "", f"{mean:.3f}")
    Console().print(table)


@bench_app.command("layouts")
def bench_layouts(
    sets: Annotated[
        list[Path] | None,
        typer.Argument(help="Layout sets (.tsv) to score; default: those in tests/parsing/data."),
    ] = None,
    misses: Annotated[bool, typer.Option(help="Also list every line read wrongly.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Structure inference on layouts without a detector: per set, the share of lines that keep
    their own time and level, today and on the set's recorded first run (written blind)."""
    harness = load_harness("layouts")
    paths = sets or harness.layout_sets()
    try:
        scores: list[SetScore] = [
            harness.score(path)
            for path in track(paths, description="parsing", console=console, disable=as_json)
        ]
    except (OSError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    now, first = harness.totals(scores)
    if as_json:
        payload = {
            "sets": [_set_dict(item) for item in scores],
            "all": {"now": now._asdict(), "first_run": first and first._asdict()},
        }
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        return
    table = Table(
        "set", "sources", "lines", "first: time", "first: level", "now: time", "now: level",
        "level, none in words",
        title="Own time and level kept, per layout set (each layout its own source)",
        caption=(
            "first: the set's first run, before any change it led to (from its header); level, "
            "none in words: lines without a level word given one (from a PRI, a number, a "
            "marker, or a word of prose: --misses tells which)"
        ),
    )  # fmt: skip
    for item in scores:
        name = item.name.removesuffix(".tsv").removesuffix("_layouts")
        table.add_row(
            name, str(item.sources), *_figure_cells(item.figures, item.first_run),
            str(item.levels_where_none),
        )  # fmt: skip
    table.add_row(
        "all", str(sum(item.sources for item in scores)), *_figure_cells(now, first),
        str(sum(item.levels_where_none for item in scores)), style="bold",
    )  # fmt: skip
    Console().print(table)
    if misses:
        for item in scores:
            for miss in item.misses:
                typer.echo(
                    f"{item.name}\t{miss.layout}\t{miss.field}\tgot {miss.got!r}\t"
                    f"expected {miss.expected!r}"
                )


def _figure_cells(now: Figures, first: Figures | None) -> list[str]:
    def share(kept: int, of: int) -> str:
        return f"{kept}/{of} {kept / of:.1%}" if of else "-"

    firsts = ["", ""] if first is None else [
        share(first.timed, first.lines), share(first.leveled, first.with_level)
    ]  # fmt: skip
    return [str(now.lines), *firsts, share(now.timed, now.lines),
            share(now.leveled, now.with_level)]  # fmt: skip


def _set_dict(item: SetScore) -> dict[str, object]:
    return {
        "name": item.name, "sources": item.sources, "now": item.figures._asdict(),
        "levels_where_none": item.levels_where_none,
        "first_run": item.first_run and item.first_run._asdict(),
        "misses": [miss.__dict__ for miss in item.misses],
    }  # fmt: skip
