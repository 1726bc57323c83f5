"""Standard input and output of the filter commands (``parse``, ``classify ...``).

They behave like Unix filters: a closed standard input is an empty one, and a reader that
goes away (``logwarden parse FILE | head -1``) is a normal end, exit 0 without a message.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

import typer
from rich.console import Console

_err = Console(stderr=True)
_GZIP_MAGIC = b"\x1f\x8b"


def open_input(source: str | None) -> BinaryIO:
    """The named file, or standard input for ``-``/none (empty when it is closed).

    Gzip input (rotated logs, ``syslog.2.gz``) is decompressed, recognised by its magic
    bytes rather than its name.
    """
    raw: BinaryIO
    if source is None or source == "-":
        raw = sys.stdin.buffer if sys.stdin is not None else io.BytesIO()
    else:
        try:
            raw = Path(source).open("rb")  # noqa: SIM115 - the caller closes it
        except OSError as error:
            _err.print(f"[red]cannot read {source}: {error.strerror or error}[/red]")
            raise typer.Exit(2) from None
    if not isinstance(raw, io.BufferedReader):  # a BytesIO (tests, closed stdin): no peek()
        raw = cast(BinaryIO, io.BufferedReader(cast(io.RawIOBase, raw)))
    if cast(io.BufferedReader, raw).peek(2)[:2] != _GZIP_MAGIC:
        return raw
    if source is None or source == "-":
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    raw.close()  # gzip.open closes the file it opens; a GzipFile over ours would not
    return cast(BinaryIO, gzip.open(source, "rb"))


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
