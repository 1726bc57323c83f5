"""The benchmark harnesses of ``benches/``, loaded from the source checkout on demand.

The harnesses (and the Elasticsearch test double the pipeline bench starts) are development
tools, not part of the wheel. An editable install (``pip install -e '.[dev]'``, ``make
install``) maps only the three product packages, so the checkout's root, which holds
``benches/`` and ``tests/`` next to ``stream/``, is appended to the import path when it is
there; from an installed wheel the commands that need a harness say so in one line.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import typer
from rich.console import Console
from rich.markup import escape

import stream

console = Console(stderr=True)
#: The source checkout that holds ``benches/`` next to ``stream/`` (absent in a wheel install).
CHECKOUT = Path(stream.__file__).resolve().parent.parent


def load_harness(name: str) -> ModuleType:
    """``benches.<name>``, from the source checkout; a one-line exit when there is none."""
    if (CHECKOUT / "benches" / "__init__.py").is_file() and str(CHECKOUT) not in sys.path:
        sys.path.append(str(CHECKOUT))
    try:
        return importlib.import_module(f"benches.{name}")
    except ModuleNotFoundError as error:
        if error.name not in {"benches", "tests", "tests.doubles"}:
            raise
        console.print(
            "[red]logwarden bench needs a source checkout:[/red] "
            + escape(
                "the harnesses are not in the wheel; clone the repository and run "
                "`pip install -e '.[bench]'` there"
            ),
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
