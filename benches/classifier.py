"""Classifier benchmark: quality and speed of several models measured in one run.

Each task registers a function producing :class:`BenchRow` objects in :data:`BENCH_TASKS`
(``"task": "module:function"``, imported only when asked for), so ``logwarden bench classifier
--task <name>`` serves tickets, logs and whatever comes next. Speed is measured on consecutive
batches of the test split in its stored order (not sorted, as in production), after a warm-up.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

BENCH_TASKS: dict[str, str] = {
    "tickets": "benches.tickets:bench_tickets",
    "logs": "benches.logs:bench_logs",
}

ROW_KEYS = ("macro_f1", "accuracy", "items_per_s", "p50_ms", "p99_ms", "size_mb")


@dataclass(frozen=True)
class BenchOptions:
    batch_size: int = 64
    limit: int | None = None
    threads: int = 2
    warmup_batches: int = 3
    #: Rows to leave out (e.g. ``teacher``: the MiniLM row alone takes 10-15 minutes on 2 cores).
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchRow:
    model: str
    macro_f1: float
    accuracy: float
    items_per_s: float
    p50_ms: float
    p99_ms: float
    size_mb: float
    #: CPU seconds (all threads) per 1,000 items: comparable on a machine shared with others.
    cpu_s_per_1k: float = 0.0
    #: Task-specific figures (the log task's alert F1, false-positive rates, hit rate...).
    extra: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    def metrics(self) -> dict[str, Any]:
        """The contract keys (``bench classifier --json`` maps model -> these) plus extras."""
        values = asdict(self)
        return {**{key: values[key] for key in ROW_KEYS}, **self.extra}


@dataclass(frozen=True)
class Timing:
    items_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_s_per_1k: float


def time_batches(
    score: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    batch_size: int,
    warmup_batches: int = 3,
) -> tuple[np.ndarray, Timing]:
    """Scores for all texts plus throughput and per-batch latency percentiles."""
    batches = [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    for batch in batches[:warmup_batches]:
        score(batch)
    outputs: list[np.ndarray] = []
    latencies: list[float] = []
    cpu_start = time.process_time()
    for batch in batches:
        start = time.perf_counter()
        outputs.append(np.asarray(score(batch)))
        latencies.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu_start
    total = sum(latencies)
    ms = np.array(latencies) * 1000
    timing = Timing(
        items_per_s=round(len(texts) / total, 1) if total else 0.0,
        p50_ms=round(float(np.percentile(ms, 50)), 2),
        p99_ms=round(float(np.percentile(ms, 99)), 2),
        cpu_s_per_1k=round(cpu * 1000 / max(1, len(texts)), 3),
    )
    return np.concatenate(outputs), timing


def run_bench(task: str, options: BenchOptions) -> list[BenchRow]:
    """Run the benchmark registered for ``task``."""
    if task not in BENCH_TASKS:
        raise KeyError(f"no benchmark for task {task!r}; known: {', '.join(sorted(BENCH_TASKS))}")
    module_name, function_name = BENCH_TASKS[task].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    rows: list[BenchRow] = function(options)
    return rows
