"""``logwarden parse``: the parser from the command line.

``parse`` writes exactly one JSON object per input line, in order: the ECS event, or
``{"error": {"type", "reason"}, "event": {"original"}}``. A ``.evtx`` file gives one object
per event record, shaped as Winlogbeat would ship it. Exit code 0 even when lines fail;
2 for usage errors or an unreadable file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from classifiers.parsing import FORMAT_NAMES, ParseFailure, ParseOptions, parse
from classifiers.parsing.evtx import iter_evtx_documents
from stream.cli.apps import app
from stream.cli.streams import open_input, output
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
    with open_input(source) as stream, output() as out:
        try:
            for line in stream:
                result = parse(line, options)
                document = result.to_dict() if isinstance(result, ParseFailure) else result
                out.write(orjson.dumps(document, default=str) + b"\n")
        except BrokenPipeError:
            raise
        except OSError as exc:
            _err.print(f"[red]cannot read {source}: {exc.strerror or exc}[/red]")
            raise typer.Exit(2) from None


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
