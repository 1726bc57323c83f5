"""``logwarden parse``: the parser from the command line.

``parse`` writes exactly one JSON object per input line, in order: the ECS event, or
``{"error": {"type", "reason"}, "event": {"original"}}`` (one per joined event with
``--multiline``). A ``.evtx`` file gives one object per event record, shaped as Winlogbeat
would ship it. Exit code 0 even when lines fail; 2 for usage errors, an unreadable file
or an invalid formats file. ``--explain`` prints the formats that parsed the lines and the
layouts inference learned instead. Rotated ``.gz`` files are read as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

import orjson
import typer
from rich.console import Console
from rich.table import Table

from classifiers.parsing import FORMAT_NAMES, ParsedEvent, ParseFailure, ParseOptions, infer, parse
from classifiers.parsing.declared import DeclaredFormatError
from classifiers.parsing.evtx import iter_evtx_documents
from classifiers.parsing.multiline import Joiner
from stream.cli.apps import app
from stream.cli.streams import open_input, output
from stream.config import get_settings
from stream.formats import load_formats

_err = Console(stderr=True)


def _options(
    *,
    fmt: str, timezone: str | None, max_bytes: int | None, scrub: bool | None,
    source: str, formats_file: Path | None,
) -> ParseOptions:  # fmt: skip
    """Parse options from the flags, falling back to the worker settings."""
    settings = get_settings()
    if fmt not in FORMAT_NAMES:
        raise typer.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(FORMAT_NAMES)}")
    try:
        formats = load_formats(formats_file or settings.formats_file)
    except DeclaredFormatError as exc:
        _err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    try:
        return ParseOptions(
            format=fmt,
            timezone=timezone or settings.timezone,
            max_bytes=max_bytes or settings.max_event_bytes,
            scrub_secrets=settings.scrub_secrets if scrub is None else scrub,
            store_original=settings.store_original,
            source=source,
            formats=formats,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _events(stream: BinaryIO, multiline: bool, max_bytes: int) -> Iterator[bytes]:
    """The lines of ``stream``, or its events with continuation lines joined."""
    if not multiline:
        yield from stream
        return
    joiner = Joiner(max_bytes=max_bytes)
    for line in stream:
        done = joiner.feed(line.rstrip(b"\r\n"))
        if done is not None:
            yield done
    last = joiner.flush()
    if last is not None:
        yield last


@app.command("parse")
def parse_command(
    source: Annotated[
        str, typer.Argument(help="Log file to parse (.gz too), or - for standard input.")
    ] = "-",
    *,
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
    formats_file: Annotated[
        Path | None,
        typer.Option("--formats", help="Declared grok formats (YAML; default: settings)."),
    ] = None,
    multiline: Annotated[
        bool,
        typer.Option(help="Join continuation lines (stack traces) into one event per object."),
    ] = False,
    explain: Annotated[
        bool, typer.Option(help="Print what was detected and inferred instead of the events.")
    ] = False,
) -> None:
    """Parse log lines to ECS JSON, one object per input line (per event with --multiline,
    per record of an .evtx file)."""
    options = _options(
        fmt=fmt, timezone=timezone, max_bytes=max_bytes, scrub=scrub, source=source,
        formats_file=formats_file,
    )  # fmt: skip
    if source.lower().endswith(".evtx"):
        _parse_evtx(Path(source), options)
        return
    formats: Counter[str] = Counter()
    with open_input(source) as stream, output() as out:
        try:
            for line in _events(stream, multiline, options.max_bytes):
                result = parse(line, options)
                if explain:
                    formats[_format_of(result)] += 1
                    continue
                document = result.to_dict() if isinstance(result, ParseFailure) else result
                out.write(orjson.dumps(document, default=str) + b"\n")
        except BrokenPipeError:
            raise
        except (OSError, EOFError) as exc:  # EOFError: a truncated .gz
            _err.print(f"[red]cannot read {source}: {getattr(exc, 'strerror', None) or exc}[/red]")
            raise typer.Exit(2) from None
    if explain:
        _explain(formats)


def _parse_evtx(path: Path, options: ParseOptions) -> None:
    """One JSON object per record of a Windows event log file, in file order."""
    with output() as out:
        try:
            for result in iter_evtx_documents(path, options):
                document = result.to_dict() if isinstance(result, ParseFailure) else result
                out.write(orjson.dumps(document, default=str) + b"\n")
        except ValueError as exc:
            _err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None


def _format_of(result: ParsedEvent | ParseFailure) -> str:
    if isinstance(result, ParseFailure):
        return f"failed: {result.type}"
    return str(result["logwarden"]["parse"]["format"])


def _explain(formats: Counter[str]) -> None:
    """What parsed the lines, and the layouts inference learned (``parse --explain``)."""
    console = Console()
    table = Table(title="lines per format")
    table.add_column("format")
    table.add_column("lines", justify="right")
    for name, count in formats.most_common():
        table.add_row(name, f"{count:,}")
    console.print(table)
    for layout in infer.learned():
        console.print(
            f"[bold]inferred layout[/bold] of source {layout.source!r}: {layout.hits:,} lines"
        )
        console.print(
            f"  timestamp: {layout.stamp.name}\n"
            f"  fields: {', '.join(layout.fields) or 'none besides the time'}\n"
            f"  sample: {layout.sample}\n"
            f"  regex: {layout.pattern.pattern}",
            markup=False,
            soft_wrap=True,
        )
