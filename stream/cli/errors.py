"""What a person sees when a command fails: the cause and the fix in a few lines.

Commands raise; :func:`run_cli` turns what escapes into a short message on standard error
(a bad setting names its ``LOGWARDEN_`` variable and the values it takes) and an exit code.
``logwarden --debug ...`` lets the traceback through instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from stream.config import Settings, env_name

#: Lines of a settings error at most, its header included.
MAX_LINES = 5
EXIT_USAGE = 2

_debug = False


def show_tracebacks(enabled: bool) -> None:
    """``--debug``: failures end with their traceback rather than a short message."""
    global _debug  # noqa: PLW0603 - one process-wide switch, set once by the root callback
    _debug = enabled


def _allowed(field: str) -> str:
    """The values a settings field takes, in words, or empty when the message says enough."""
    info = Settings.model_fields.get(field)
    if info is None:
        return ""
    annotation: Any = info.annotation
    options = [annotation]
    if get_origin(annotation) is not Literal:  # Optional[X] and other unions: their members
        options = [a for a in get_args(annotation) if a is not type(None)] or options
    literal = next((o for o in options if get_origin(o) is Literal), None)
    if literal is not None:
        return "one of " + ", ".join(str(value) for value in get_args(literal))
    kind = {int: "an integer", float: "a number", bool: "true or false"}.get(options[0], "")
    bounds = [  # pydantic keeps Field(ge=..., ...) as one metadata object per bound
        f"{sign} {getattr(item, attribute)}"
        for item in info.metadata
        for attribute, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
        if getattr(item, attribute, None) is not None
    ]
    return " ".join([kind, " and ".join(bounds)]).strip()


def settings_error_lines(error: ValidationError) -> list[str]:
    """One line per invalid setting, named by its environment variable, at most 5 in all."""
    problems = error.errors()
    lines = [f"invalid setting{'s' if len(problems) > 1 else ''}:"]
    for problem in problems[: MAX_LINES - 1]:
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = env_name(field) if field in Settings.model_fields else "LOGWARDEN_*"
        message = str(problem["msg"]).removeprefix("Value error, ")
        allowed = "" if problem["type"] == "literal_error" else _allowed(field)
        shown = f"={problem['input']!r}" if field and not isinstance(problem["input"], dict) else ""
        lines.append(f"  {name}{shown}: {message}" + (f" (allowed: {allowed})" if allowed else ""))
    if len(problems) > MAX_LINES - 1:
        lines[-1] = f"  ... and {len(problems) - (MAX_LINES - 2)} more (logwarden config show)"
    return lines


def _say(*lines: str) -> None:
    """Plain lines on standard error: no markup, no wrapping (the line count is a promise)."""
    sys.stderr.write("".join(f"{line}\n" for line in lines))


def run_cli(app: Callable[[], Any]) -> None:
    """Run the typer app; a failure that escapes a command becomes a short message."""
    try:
        app()
    except ValidationError as error:
        if _debug or error.title != Settings.__name__:
            raise
        _say(*settings_error_lines(error))
        sys.exit(EXIT_USAGE)
    except Exception as error:
        if _debug:
            raise
        _say(
            f"error: {type(error).__name__}: {error}",
            "(run `logwarden --debug ...` for the traceback)",
        )
        sys.exit(1)
