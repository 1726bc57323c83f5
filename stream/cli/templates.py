"""``logwarden templates``: the template miner from the command line (``bench templates``
measures its grouping accuracy).

``templates FILE --json`` writes one JSON object per input line, in order, with
``template.id`` and ``template.text`` exactly as the stream assigns them when that line is
seen (same parser, masking and :class:`TemplateTracker`); a line the parser rejects gets its
``error`` and ``"template": null``. Other checks rely on that shape.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from classifiers.logs.scoring import event_message, window_key
from classifiers.logs.templates import mask_for_model
from classifiers.parsing import ParseFailure, parse
from stream.cli.apps import app
from stream.cli.logs import line_options, load_tracker
from stream.cli.streams import open_input, output

_out = Console()


@app.command("templates")
def templates_command(
    source: Annotated[str, typer.Argument(help="Log file, or - for stdin.")] = "-",
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
    options = line_options(fmt)
    tracker = load_tracker(state)
    seen: Counter[tuple[str, str]] = Counter()
    with open_input(source) as handle, output() as out:
        for number, raw in enumerate(handle, start=1):
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
