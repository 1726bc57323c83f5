"""Template grouping accuracy on the Loghub-2k samples (evaluation side, never served).

Grouping accuracy as defined by Zhu et al. 2019 ("Tools and Benchmarks for Automated Log
Parsing"): a line counts when the set of lines sharing its predicted group is exactly the set
sharing its true group (the samples' ``EventId``). Three groupings per system:

* ``by_id``: the stream's own ``template.id`` as assigned when each line is seen, through the
  production path (parser in ``auto`` mode, :func:`mask_for_model`, :class:`TemplateTracker`);
  what an analyst grouping documents by ``template.id`` gets.
* ``by_text``: the template text as of each line, which is what the id hashed before ids were
  fixed per cluster (kept to show why they had to be).
* ``plain_drain3``: drain3 with its default settings on Loghub's own ``Content`` column, the
  reference the published figures use.

:func:`mixed_stream_by_id` runs every system through one tracker, lines interleaved, as a
worker sees many sources at once: templates of different systems must not merge.

:func:`leave_one_system_out` checks that the miner's settings generalise: for each system it
picks the best settings on the other systems and reports the held-out system's accuracy.
"""

from __future__ import annotations

import csv
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig

from classifiers.logs.scoring import event_message, window_key
from classifiers.logs.templates import TemplateTracker, mask_for_model
from classifiers.parsing import ParseFailure, ParseOptions, parse

#: Hold values :func:`leave_one_system_out` chooses from (None: drain3 widens any word); on a
#: tie the first wins, so the order runs from drain3's own behaviour to the most holding.
HOLD_GRID: tuple[int | None, ...] = (None, 400, 200, 100, 50, 25)

#: Run lengths :func:`leave_one_system_out` chooses from (None: every value stays a word of its
#: own), in the same order: from drain3's own behaviour to the most collapsing.
RUN_GRID: tuple[int | None, ...] = (None, 3, 2)

#: (similarity, depth, hold, run) settings :func:`leave_one_system_out` chooses from.
SETTINGS_GRID: tuple[tuple[float, int, int | None, int | None], ...] = tuple(
    (similarity, depth, hold, run)
    for similarity in (0.4, 0.5, 0.6, 0.7, 0.8)
    for depth in (4, 5, 6)
    for hold in HOLD_GRID
    for run in RUN_GRID
)


@dataclass(frozen=True)
class LoghubSample:
    """One system's 2k sample: the masked message and window key of each line as the
    production parser gives them (None where the parser rejects the line), Loghub's own
    message, and the true event id."""

    system: str
    messages: list[tuple[str, str] | None]
    contents: list[str]
    truth: list[str]
    parse_cpu_s: float


@dataclass(frozen=True)
class SystemAccuracy:
    """Grouping accuracies of one system (see the module docstring) and the CPU cost."""

    system: str
    by_id: float
    by_text: float
    plain_drain3: float
    template_us_per_line: float
    parse_us_per_line: float
    clusters: int


def grouping_accuracy(predicted: Sequence[Hashable], truth: Sequence[str]) -> float:
    """Share of lines whose predicted group holds exactly the lines of their true group."""
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predictions for {len(truth)} lines")
    if not truth:
        return 0.0
    members: defaultdict[Hashable, list[int]] = defaultdict(list)
    for line, group in enumerate(predicted):
        members[group].append(line)
    true_sizes = Counter(truth)
    correct = 0
    for lines in members.values():
        labels = {truth[line] for line in lines}
        if len(labels) == 1 and true_sizes[truth[lines[0]]] == len(lines):
            correct += len(lines)
    return correct / len(truth)


#: Systems whose shared sample has no per-line event ids: (log file, fields before the message).
#: Their truth is derived by matching each message against the system's published templates.
DERIVED_TRUTH: dict[str, tuple[str, int]] = {"BGL": ("BGL_dev.log", 9)}


def load_samples(loghub: Path) -> list[LoghubSample]:
    """Every system under ``loghub`` with a ``<S>_2k.log`` and its ``_structured.csv`` (or a
    :data:`DERIVED_TRUTH` log and ``<S>_2k.log_templates.csv``), parsed once by the production
    parser (``auto`` format)."""
    samples = []
    for folder in sorted(path for path in loghub.iterdir() if path.is_dir()):
        structured = folder / f"{folder.name}_2k.log_structured.csv"
        templates = folder / f"{folder.name}_2k.log_templates.csv"
        if structured.is_file() and (folder / f"{folder.name}_2k.log").is_file():
            samples.append(_load(folder.name, folder / f"{folder.name}_2k.log", structured))
        elif folder.name in DERIVED_TRUTH and templates.is_file():
            name, fields = DERIVED_TRUTH[folder.name]
            if (folder / name).is_file():
                samples.append(_load_derived(folder.name, folder / name, fields, templates))
    return samples


def _load(system: str, log: Path, structured: Path) -> LoghubSample:
    lines = log.read_bytes().splitlines()
    with structured.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != len(lines):
        raise ValueError(f"{structured}: {len(rows)} rows for {len(lines)} lines of {log}")
    contents = [row["Content"] for row in rows]
    return _parsed(system, lines, contents, [row["EventId"] for row in rows])


def _load_derived(system: str, log: Path, fields: int, templates: Path) -> LoghubSample:
    """A sample whose event ids come from matching each line's message (after ``fields``
    header fields) against the templates: the match with the most literal text wins; a line
    that matches none is left out."""
    with templates.open(encoding="utf-8", newline="") as handle:
        known = [
            (row["EventId"], _template_pattern(row["EventTemplate"]), len(row["EventTemplate"]))
            for row in csv.DictReader(handle)
        ]
    lines, contents, truth = [], [], []
    for line in log.read_bytes().splitlines():
        parts = line.decode("utf-8", "replace").split(maxsplit=fields)
        content = parts[fields] if len(parts) > fields else ""
        matches = [(size, event) for event, pattern, size in known if pattern.match(content)]
        if matches:
            lines.append(line)
            contents.append(content)
            truth.append(max(matches)[1])
    return _parsed(system, lines, contents, truth)


def _template_pattern(template: str) -> re.Pattern[str]:
    """A whole-message pattern of a Loghub template (``<*>``: any text, possibly empty)."""
    return re.compile(".*?".join(re.escape(part) for part in template.split("<*>")) + r"\Z")


def _parsed(system: str, lines: list[bytes], contents: list[str], truth: list[str]) -> LoghubSample:
    """The sample with each line through the production parser and model mask, timed."""
    options = ParseOptions()
    start = time.process_time()
    messages: list[tuple[str, str] | None] = []
    for line in lines:
        event = parse(line, options)
        if isinstance(event, ParseFailure):
            messages.append(None)
        else:
            messages.append((mask_for_model(event_message(event)), window_key(event)))
    return LoghubSample(system, messages, contents, truth, time.process_time() - start)


def evaluate(sample: LoghubSample, tracker: TemplateTracker | None = None) -> SystemAccuracy:
    """The three groupings of ``sample`` (a fresh default tracker unless one is given)."""
    tracker = tracker or TemplateTracker()
    ids, texts, template_cpu_s = _observe(sample, tracker)
    lines = len(sample.truth)
    return SystemAccuracy(
        system=sample.system,
        by_id=grouping_accuracy(ids, sample.truth),
        by_text=grouping_accuracy(texts, sample.truth),
        plain_drain3=grouping_accuracy(plain_drain3_clusters(sample.contents), sample.truth),
        template_us_per_line=template_cpu_s / lines * 1e6,
        parse_us_per_line=sample.parse_cpu_s / lines * 1e6,
        clusters=tracker.template_count,
    )


def _observe(
    sample: LoghubSample, tracker: TemplateTracker
) -> tuple[list[Hashable], list[Hashable], float]:
    """Template id and text per line as ``tracker`` assigns them, and the CPU seconds spent."""
    start = time.process_time()
    groups = [_groups(tracker, message, number) for number, message in enumerate(sample.messages)]
    cpu_s = time.process_time() - start
    return [group[0] for group in groups], [group[1] for group in groups], cpu_s


def _groups(
    tracker: TemplateTracker, message: tuple[str, str] | None, number: int
) -> tuple[Hashable, Hashable]:
    """(template id, template text) of one line; a rejected line is its own group: it gets no
    template."""
    if message is None:
        return ("rejected", number), ("rejected", number)
    match = tracker.observe_masked(*message)
    return match.id, match.text


def mixed_stream_by_id(samples: Sequence[LoghubSample]) -> dict[str, float]:
    """``by_id`` accuracy per system when all systems share one tracker, lines interleaved
    round-robin."""
    tracker = TemplateTracker()
    ids: dict[str, list[Hashable]] = {sample.system: [] for sample in samples}
    for number in range(max((len(sample.messages) for sample in samples), default=0)):
        for sample in samples:
            if number < len(sample.messages):
                ids[sample.system].append(_groups(tracker, sample.messages[number], number)[0])
    return {
        sample.system: grouping_accuracy(ids[sample.system], sample.truth) for sample in samples
    }


def plain_drain3_clusters(contents: Iterable[str]) -> list[int]:
    """drain3's cluster id per message with drain3's default settings."""
    logging.getLogger("drain3").setLevel(logging.WARNING)  # it logs every new cluster
    miner = TemplateMiner(config=TemplateMinerConfig())
    return [miner.add_log_message(content)["cluster_id"] for content in contents]


@dataclass(frozen=True)
class HeldOut:
    """One system of the leave-one-system-out check: the settings chosen on the others and
    the held-out system's accuracy with them."""

    system: str
    similarity: float
    depth: int
    hold: int | None
    run: int | None
    accuracy: float


def leave_one_system_out(
    samples: Sequence[LoghubSample],
    grid: Sequence[tuple[float, int, int | None, int | None]] = SETTINGS_GRID,
) -> list[HeldOut]:
    """For each system: the (similarity, depth, hold, run) of ``grid`` with the best mean ``by_id``
    accuracy over the other systems (the first of equals), and the held-out system's accuracy
    with it."""
    scores = {
        settings: {
            sample.system: grouping_accuracy(
                _observe(
                    sample,
                    TemplateTracker(
                        similarity=settings[0], depth=settings[1], hold=settings[2], run=settings[3]
                    ),
                )[0],
                sample.truth,
            )
            for sample in samples
        }
        for settings in grid
    }
    held_out = []
    for sample in samples:
        best = max(
            grid,
            key=lambda settings: sum(
                accuracy for system, accuracy in scores[settings].items() if system != sample.system
            ),
        )
        held_out.append(HeldOut(sample.system, *best, scores[best][sample.system]))
    return held_out
