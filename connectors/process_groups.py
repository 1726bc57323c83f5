"""Stopping child processes we started in their own process groups (broker, workers)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterable


def stop_process_groups(processes: Iterable[subprocess.Popen[bytes]], grace_s: float) -> None:
    """SIGTERM every live group at once, then SIGKILL each one still alive after ``grace_s``.

    Signalling the whole group also stops anything a process spawned; never leaves one behind.
    """
    live = [p for p in processes if p.poll() is None]
    for process in live:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in live:
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace_s)
