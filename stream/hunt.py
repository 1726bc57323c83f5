"""``logwarden hunt``: the alerting engine offline, over log files in event-time order.

Files are read (plain, ``.gz``; other formats through :data:`READERS`, keyed by suffix),
parsed, scored and turned into signals file by file; then every signal of every file is fed
to one :class:`AlertEngine` sorted by event time, as the worker would have seen them live.
The result holds the final version of each alert document, the same documents the worker
writes (same rules, same ids).
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.alerting import AlertEngine, Signal, correlates, signal_from_event
from classifiers.logs.scoring import LogScorer
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.evtx import iter_evtx_documents

BATCH_LINES = 512
Parsed = dict[str, Any] | ParseFailure
#: Readers of record formats that are not text lines, by file suffix: each yields one parsed
#: event (or a typed failure) per record, in file order.
READERS: dict[str, Callable[[Path, ParseOptions], Iterable[Parsed]]] = {
    ".evtx": iter_evtx_documents,
}
#: Suffixes a directory walk skips: Loghub's structured and template tables, docs, archives.
SKIPPED_SUFFIXES = frozenset({".csv", ".md", ".zip", ".tar", ".json_structured", ".py"})


class HuntError(ValueError):
    """A path cannot be hunted (missing, unreadable)."""


def hunt_files(paths: Iterable[Path]) -> list[Path]:
    """The files under ``paths`` (directories walked, sorted; tables and docs skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix not in SKIPPED_SUFFIXES
            )
        elif path.is_file():
            files.append(path)
        else:
            raise HuntError(f"{path}: no such file or directory")
    return files


def parsed_records(path: Path, options: ParseOptions) -> Iterator[tuple[Parsed, int]]:
    """Each record of one file parsed, with its size in bytes (for the progress bar): a
    registered reader by suffix, else text lines (plain or gzip)."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        for raw in read_records(path):
            yield parse(raw, options), len(raw) + 1
        return
    try:
        for parsed in reader(path, options):
            yield parsed, 0
    except ValueError as error:  # not a file of that format at all
        raise HuntError(str(error)) from error


def read_records(path: Path) -> Iterator[bytes]:
    """Text lines of one file (gzip by suffix), without line ends; empty lines skipped."""
    opener: Callable[..., Any] = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            for line in handle:
                record = line.rstrip(b"\r\n")
                if record:
                    yield record
    except (OSError, EOFError) as error:
        raise HuntError(f"{path}: {error}") from error


@dataclass
class HuntResult:
    """What a hunt saw and raised."""

    files: int = 0
    events: int = 0
    unparsed: int = 0
    signals: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Entity key -> risk at the end of the hunt (entities with any risk).
    risks: dict[str, float] = field(default_factory=dict)

    def add(self, documents: Iterable[dict[str, Any]]) -> None:
        """Keep the latest version of each alert (updates reuse the alert's id)."""
        for document in documents:
            self.alerts[document["logwarden"]["alert"]["id"]] = document

    def sorted_alerts(self) -> list[dict[str, Any]]:
        return sorted(self.alerts.values(), key=lambda d: (d["event"]["start"], d["rule"]["id"]))


def file_signals(
    path: Path,
    scorer: LogScorer,
    options: ParseOptions,
    result: HuntResult,
    on_bytes: Callable[[int], None] = lambda _: None,
) -> list[Signal]:
    """Parse and score one file; the signals of its non-benign and correlating events."""
    signals: list[Signal] = []
    batch: list[tuple[int, dict[str, Any]]] = []
    number = 0

    def flush() -> None:
        scores = scorer.score_batch([event for _, event in batch])
        for (line, event), score in zip(batch, scores, strict=True):
            result.labels[score.label] += 1
            if score.label == "benign" and not correlates(event):
                continue
            signals.append(
                signal_from_event(
                    event,
                    signal_id=f"{path.name}:{line}",
                    label=score.label,
                    probability=score.probability,
                    risk=score.risk_score,
                    severity=score.severity,
                    template=score.template.text,
                )
            )
        batch.clear()

    for parsed, size in parsed_records(path, options):
        number += 1
        on_bytes(size)
        if isinstance(parsed, ParseFailure):
            result.unparsed += 1
            continue
        batch.append((number, parsed))
        if len(batch) >= BATCH_LINES:
            flush()
    if batch:
        flush()
    result.events += number
    result.files += 1
    return signals


def run_hunt(
    files: list[Path],
    scorer: LogScorer,
    engine: AlertEngine,
    options: ParseOptions,
    on_bytes: Callable[[int], None] = lambda _: None,
) -> HuntResult:
    """Run the engine over ``files`` in event-time order (ties keep file and line order)."""
    result = HuntResult()
    signals: list[Signal] = []
    for path in files:
        signals += file_signals(path, scorer, options, result, on_bytes)
    signals.sort(key=lambda s: s.ts)
    result.signals = len(signals)
    store: dict[str, dict[str, Any]] = {}
    for signal in signals:
        result.add(engine.process(signal, store))
    result.risks = {key: risk for key, state in store.items() if (risk := engine.risk(state)) > 0}
    result.add(engine.flush(store))
    return result
