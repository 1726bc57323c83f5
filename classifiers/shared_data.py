"""Where the shared, never-committed data sets live.

Training, evaluation and data tests read real tickets and Loghub samples from
``../shared/data`` beside the checkout, or from ``LOGWARDEN_SHARED_DATA``. The data is not
part of the project and is never copied into it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Declared as the ``shared_data`` setting (stream.config.Settings, which this package cannot
#: import: classifiers never depend on stream), read here where the data is loaded.
ENV_VAR = "LOGWARDEN_SHARED_DATA"
_REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path | None:
    """The shared data folder, or ``None`` when it is not on this machine."""
    candidates = [Path(os.environ[ENV_VAR])] if os.environ.get(ENV_VAR) else []
    candidates += [_REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def require_shared_data(relative: str) -> Path:
    """Path of one file or folder of the shared data, with a clear error when absent."""
    base = shared_data_dir()
    if base is None:
        raise FileNotFoundError(
            f"shared data not found: set {ENV_VAR} or put the data at ../shared/data "
            f"beside the checkout (needed: {relative})"
        )
    path = base / relative
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the shared data folder")
    return path
