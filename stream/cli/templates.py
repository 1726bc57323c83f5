"""``logwarden templates`` and ``logwarden bench templates``: the template miner from the
command line.

``templates FILE --json`` writes one JSON object per input line, in order, with
``template.id`` and ``template.text`` exactly as the stream assigns them when that line is
seen (same parser, masking and :class:`TemplateTracker`); a line the parser rejects gets its
``error`` and ``"template": null``. Other checks rely on that shape.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from classifiers.logs.scoring import event_message, window_key
from classifiers.logs.templates import TemplateTracker, mask_for_model
from classifiers.parsing import FORMAT_NAMES, ParseFailure, ParseOptions, parse
from classifiers.shared_data import require_shared_data
from stream.cli.apps import app, bench_app
from stream.cli.logs import open_source
from stream.config import get_settings

if TYPE_CHECKING:
    from classifiers.logs.template_evaluation import HeldOut

_out = Console()
_err = Console(stderr=True)


@app.command("templates")
def templates_command(
    source: Annotated[str, typer.Argument(help="Log file (.gz read too), or - for stdin.")] = "-",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Parser format: auto, syslog, loghub:<System>...")
    ] = "auto",
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per input line, in order.")
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(help="Template miner snapshot: loaded if present, saved at the end."),
    ] = None,
) -> None:
    """Mine the templates of log lines as the stream does: per line with --json, else a table
    of the templates found."""
    if fmt not in FORMAT_NAMES:
        raise typer.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(FORMAT_NAMES)}")
    settings = get_settings()
    options = ParseOptions(
        format=fmt,
        timezone=settings.timezone,
        max_bytes=settings.max_event_bytes,
        scrub_secrets=settings.scrub_secrets,
    )
    tracker = TemplateTracker()
    if state is not None:
        try:
            tracker.load(state)
        except ValueError as error:
            _err.print(f"[red]{state}: {error}[/red]")
            raise typer.Exit(2) from error
    seen: Counter[tuple[str, str]] = Counter()
    out = sys.stdout.buffer
    stream = open_source(source)
    try:
        for number, raw in enumerate(stream, start=1):
            result = parse(raw.rstrip(b"\r\n"), options)
            line: dict[str, Any] = {"line": number}
            if isinstance(result, ParseFailure):
                line.update(result.to_dict(), template=None)
            else:
                match = tracker.observe_masked(
                    mask_for_model(event_message(result)), window_key(result)
                )
                line["template"] = {"id": match.id, "text": match.text}
                seen[match.id, match.text] += 1
            if as_json:
                out.write(orjson.dumps(line) + b"\n")
    except OSError as error:
        _err.print(f"[red]cannot read {source}: {error}[/red]")
        raise typer.Exit(2) from error
    finally:
        out.flush()
        stream.close()
    if state is not None:
        tracker.save(state)
    if not as_json:
        _print_templates(seen)


def _print_templates(seen: Counter[tuple[str, str]]) -> None:
    """Templates by number of lines, each under its id and latest text."""
    latest: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for (template_id, text), count in seen.items():
        latest[template_id] = text
        counts[template_id] += count
    table = Table("template.id", "lines", "template.text")
    for template_id, count in counts.most_common():
        table.add_row(template_id, str(count), latest[template_id])
    _out.print(table)


@bench_app.command("templates")
def bench_templates(
    loso: Annotated[
        bool, typer.Option(help="Also the leave-one-system-out check of similarity and depth.")
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
        with _err.status("parsing the Loghub samples"):
            samples = load_samples(require_shared_data("loghub"))
    except FileNotFoundError as error:
        _err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    rows = [evaluate(sample) for sample in track(samples, description="mining", console=_err)]
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
    _out.print(table)
    if loso:
        _print_held_out(leave_one_system_out(samples))


def _print_held_out(held_out: list[HeldOut]) -> None:
    table = Table("held out", "similarity", "depth", "accuracy", title="Leave one system out")
    for item in held_out:
        table.add_row(item.system, str(item.similarity), str(item.depth), f"{item.accuracy:.3f}")
    mean = sum(item.accuracy for item in held_out) / len(held_out)
    table.add_row("mean", "", "", f"{mean:.3f}")
    _out.print(table)
