"""Entry point of the ``logwarden`` console command."""

from __future__ import annotations

# Command modules register themselves on the typer apps when imported.
from stream.cli import core  # noqa: F401
from stream.cli import parsing  # noqa: F401
from stream.cli import pipeline  # noqa: F401
from stream.cli import setup  # noqa: F401
from stream.cli import logs  # noqa: F401
from stream.cli import tickets  # noqa: F401
from stream.cli.apps import app


def main() -> None:
    """Run the ``logwarden`` command line."""
    app()
