"""Opening what the CLI reads: a file or standard input, gzip-compressed or not.

Rotated logs are gzip files (``syslog.2.gz``); they are recognised by their magic bytes,
not their name, so ``zcat``-less pipes and oddly named files work too.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path
from typing import BinaryIO, cast

import typer
from rich.console import Console

_GZIP_MAGIC = b"\x1f\x8b"
_err = Console(stderr=True)


def open_input(source: str | None) -> BinaryIO:
    """A binary stream of ``source`` (``-``/``None`` = stdin), decompressed when gzip.

    An unreadable file ends the command with exit code 2 and the reason.
    """
    raw: BinaryIO
    if source is None or source == "-":
        raw = sys.stdin.buffer
    else:
        try:
            raw = Path(source).open("rb")  # noqa: SIM115 - the caller reads and closes it
        except OSError as exc:
            _err.print(f"[red]cannot read {source}: {exc.strerror or exc}[/red]")
            raise typer.Exit(2) from None
    if not isinstance(raw, io.BufferedReader):  # a test runner's BytesIO: no peek()
        raw = cast(BinaryIO, io.BufferedReader(cast(io.RawIOBase, raw)))
    if cast(io.BufferedReader, raw).peek(2)[:2] != _GZIP_MAGIC:
        return raw
    if source is None or source == "-":
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    raw.close()  # gzip.open closes the file it opens; a GzipFile over ours would not
    return cast(BinaryIO, gzip.open(source, "rb"))
