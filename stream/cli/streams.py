"""Standard input and output of the filter commands (``parse``, ``classify ...``).

They behave like Unix filters: a closed standard input is an empty one, and a reader that
goes away (``logwarden parse FILE | head -1``) is a normal end, exit 0 without a message.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import typer
from rich.console import Console

_err = Console(stderr=True)


def open_input(source: str | None) -> BinaryIO:
    """The named file, or standard input for ``-``/none (empty when it is closed)."""
    if source is None or source == "-":
        return sys.stdin.buffer if sys.stdin is not None else io.BytesIO()
    try:
        return Path(source).open("rb")
    except OSError as error:
        _err.print(f"[red]cannot read {source}: {error.strerror or error}[/red]")
        raise typer.Exit(2) from None


@contextmanager
def output() -> Iterator[BinaryIO]:
    """Standard output as bytes, flushed at the end; a closed pipe ends the command quietly."""
    if sys.stdout is None:  # closed standard output: nobody is reading
        yield io.BytesIO()
        return
    out = sys.stdout.buffer
    try:
        yield out
        out.flush()
    except BrokenPipeError:
        # Python flushes stdout once more at exit; point it at /dev/null so that cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
