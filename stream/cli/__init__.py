"""Entry point of the ``logwarden`` console command."""

from __future__ import annotations

# Command modules register themselves on the typer apps when imported.
from stream.cli import (
    core,  # noqa: F401
    logs,  # noqa: F401
    models,  # noqa: F401
    parsing,  # noqa: F401
    pipeline,  # noqa: F401
    setup,  # noqa: F401
    tickets,  # noqa: F401
)
from stream.cli.apps import app


def main() -> None:
    """Run the ``logwarden`` command line."""
    app()
