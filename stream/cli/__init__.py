"""Entry point of the ``logwarden`` console command."""

from __future__ import annotations

# Command modules register themselves on the typer apps when imported.
from stream.cli import (
    bench,  # noqa: F401
    core,  # noqa: F401
    hunt,  # noqa: F401
    logs,  # noqa: F401
    models,  # noqa: F401
    parsing,  # noqa: F401
    pipeline,  # noqa: F401
    setup,  # noqa: F401
    templates,  # noqa: F401
    tickets,  # noqa: F401
)
from stream.cli.apps import app
from stream.cli.errors import run_cli


def main() -> None:
    """Run the ``logwarden`` command line."""
    run_cli(app)
