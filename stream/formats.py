"""The declared-formats file (``LOGWARDEN_FORMATS_FILE``): read, validated, compiled once.

The parser is I/O-free, so reading the YAML lives here; :mod:`classifiers.parsing.declared`
validates it. Any problem is one :class:`DeclaredFormatError` naming the file, the source
and the pattern, raised before a worker or a CLI command handles a line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from classifiers.parsing.declared import DeclaredFormatError, DeclaredFormats, load


def load_formats(path: Path | None) -> DeclaredFormats | None:
    """The compiled formats of ``path``; ``None`` when no file is configured."""
    if path is None:
        return None
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeclaredFormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise DeclaredFormatError(f"{path}: not valid YAML: {exc}") from None
    try:
        return load(document)
    except DeclaredFormatError as exc:
        raise DeclaredFormatError(f"{path}: {exc}") from None
