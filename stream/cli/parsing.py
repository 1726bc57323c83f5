"""``logwarden parse`` and ``logwarden bench parse``: the parser from the command line.

``parse`` writes exactly one JSON object per input line, in order: the ECS event, or
``{"error": {"type", "reason"}, "event": {"original"}}``. A ``.evtx`` file gives one object
per event record, shaped as Winlogbeat would ship it. Exit code 0 even when lines fail;
2 for usage errors or an unreadable file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, BinaryIO

import orjson
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from classifiers.parsing import FORMAT_NAMES, ParseFailure, ParseOptions, parse
from classifiers.parsing.bench import (
    BenchResult,
    load_streams,
    measure,
    mixed_stream,
    parser_build,
    reference_us,
)
from classifiers.parsing.evtx import iter_evtx_documents
from stream.cli.apps import app, bench_app
from stream.config import get_settings

_err = Console(stderr=True)


def _options(
    fmt: str, timezone: str | None, max_bytes: int | None, scrub: bool | None
) -> ParseOptions:
    """Parse options from the flags, falling back to the worker settings."""
    settings = get_settings()
    if fmt not in FORMAT_NAMES:
        raise typer.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(FORMAT_NAMES)}")
    try:
        return ParseOptions(
            format=fmt,
            timezone=timezone or settings.timezone,
            max_bytes=max_bytes or settings.max_event_bytes,
            scrub_secrets=settings.scrub_secrets if scrub is None else scrub,
            store_original=settings.store_original,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command("parse")
def parse_command(
    source: Annotated[
        str, typer.Argument(help="Log file to parse, or - for standard input.")
    ] = "-",
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="auto, json, syslog, nginx, apache, cef or loghub:<System>."
        ),
    ] = "auto",
    timezone: Annotated[
        str | None, typer.Option(help="Zone of timestamps without one (default: settings).")
    ] = None,
    max_bytes: Annotated[int | None, typer.Option(help="Size limit of one line in bytes.")] = None,
    scrub: Annotated[
        bool | None, typer.Option("--scrub/--no-scrub", help="Mask secrets (default: settings).")
    ] = None,
) -> None:
    """Parse log lines to ECS JSON, one object per input line (per record of an .evtx file)."""
    options = _options(fmt, timezone, max_bytes, scrub)
    if source.lower().endswith(".evtx"):
        _parse_evtx(Path(source), options)
        return
    stream: BinaryIO
    if source == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = Path(source).open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            _err.print(f"[red]cannot read {source}: {exc.strerror or exc}[/red]")
            raise typer.Exit(2) from None
    out = sys.stdout.buffer
    try:
        for line in stream:
            result = parse(line, options)
            document = result.to_dict() if isinstance(result, ParseFailure) else result
            out.write(orjson.dumps(document, default=str) + b"\n")
    except OSError as exc:
        _err.print(f"[red]cannot read {source}: {exc.strerror or exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        out.flush()
        if stream is not sys.stdin.buffer:
            stream.close()


def _parse_evtx(path: Path, options: ParseOptions) -> None:
    """One JSON object per record of a Windows event log file, in file order."""
    out = sys.stdout.buffer
    try:
        for result in iter_evtx_documents(path, options):
            document = result.to_dict() if isinstance(result, ParseFailure) else result
            out.write(orjson.dumps(document, default=str) + b"\n")
    except ValueError as exc:
        _err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        out.flush()


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
    streams, note = load_streams()
    if note and not as_json:
        _err.print(f"[yellow]{note}[/yellow]")
    results: list[BenchResult] = []
    names = list(streams)
    for name in track(names, description="parsing", console=_err, disable=as_json):
        results.append(measure(name, streams[name], options, rounds))
    mixed = measure("mixed", mixed_stream(streams, mixed_lines), options, rounds)
    load = [round(value, 2) for value in os.getloadavg()]  # figures shrink on a busy machine
    reference = round(reference_us(), 2)
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


def _as_dict(result: BenchResult) -> dict[str, object]:
    return {
        "name": result.name, "lines": result.lines, "seconds": round(result.seconds, 4),
        "lines_per_s": round(result.lines_per_s), "parsed": result.parsed,
        "unparsed": result.unparsed, "failed": result.failed,
    }  # fmt: skip
