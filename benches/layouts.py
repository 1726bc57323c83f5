"""Structure inference on layouts logwarden has no detector for: the held-out layout sets.

Each set is a tab-separated file (``tests/parsing/data/*_layouts.tsv``): layout, expected
``@timestamp``, expected ``log.level`` (``-`` for none) and the line. Every layout is its own
source, as a file or topic would be, and a set starts with nothing learned. A set written blind
records its honest figure, taken before any change it led to, in a header line::

    # first run: time 124/140, level 61/90

so the bench prints that figure next to today's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from classifiers.parsing import ParseFailure, ParseOptions, infer, parse

#: The sets in a source checkout.
DATA = Path(__file__).resolve().parent.parent / "tests" / "parsing" / "data"
#: The sets' time convention: a stamp without a year is dated relative to this moment.
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
_FIRST_RUN = re.compile(r"^# first run: time (\d+)/(\d+), level (\d+)/(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Row:
    """One line of a set, with what structure inference should read from it."""

    layout: str
    stamp: str
    level: str | None
    text: str


@dataclass(frozen=True)
class Miss:
    """A line whose time or level came out other than expected."""

    layout: str
    field: str
    got: str | None
    expected: str


class Figures(NamedTuple):
    """Lines that kept their own time, of all lines; levels read, of the lines with one."""

    timed: int
    lines: int
    leveled: int
    with_level: int

    @property
    def time_share(self) -> float:
        return self.timed / self.lines if self.lines else 0.0

    @property
    def level_share(self) -> float:
        return self.leveled / self.with_level if self.with_level else 1.0


@dataclass(frozen=True)
class SetScore:
    """One set's figures today, and those its header records for its first run."""

    name: str
    sources: int
    figures: Figures
    first_run: Figures | None
    misses: list[Miss]

    @property
    def levels_where_none(self) -> int:
        """Lines without a level word that were given one (a word of prose taken for one)."""
        return sum(miss.field == "level where none" for miss in self.misses)


def layout_sets(folder: Path = DATA) -> list[Path]:
    """The development set first, then the held-out sets in the order they were written."""

    def order(path: Path) -> tuple[int, int]:
        number = re.search(r"heldout(\d*)_", path.name)
        if number is None:
            return (0, 0)
        return (1, int(number.group(1) or 1))

    return sorted(folder.glob("*_layouts.tsv"), key=order)


def read_rows(path: Path) -> list[Row]:
    """The data lines of a set; a malformed one is an error naming the file and line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t", 3)
        if len(parts) != 4:
            raise ValueError(f"{path.name}:{number}: expected 4 tab-separated columns")
        layout, stamp, level, text = parts
        expected_level = None if level == "-" else level
        rows.append(Row(layout, stamp, expected_level, text.replace("\\t", "\t")))
    return rows


def first_run(path: Path) -> Figures | None:
    """The figures a set's header records for its first run, if it has them."""
    found = _FIRST_RUN.search(path.read_text(encoding="utf-8"))
    return None if found is None else Figures(*(int(value) for value in found.groups()))


def score(path: Path) -> SetScore:
    """Parse every line of a set from a clean slate, each layout as its own source."""
    rows = read_rows(path)
    misses: list[Miss] = []
    infer.forget()
    try:
        outcomes = [_score_row(row, misses) for row in rows]
    finally:
        infer.forget()
    with_level = [leveled for _, leveled in outcomes if leveled is not None]
    figures = Figures(
        timed=sum(timed for timed, _ in outcomes), lines=len(rows),
        leveled=sum(with_level), with_level=len(with_level),
    )  # fmt: skip
    sources = len({row.layout for row in rows})
    return SetScore(path.name, sources, figures, first_run(path), misses)


def _score_row(row: Row, misses: list[Miss]) -> tuple[bool, bool | None]:
    """Whether the line kept its time, and its level (None when it has none to keep)."""
    event = parse(row.text, ParseOptions(now=NOW, source=row.layout))
    if isinstance(event, ParseFailure):
        misses.append(Miss(row.layout, "parse", event.reason, row.stamp))
        return False, None if row.level is None else False
    timed = event["@timestamp"] == row.stamp
    if not timed:
        misses.append(Miss(row.layout, "time", event["@timestamp"], row.stamp))
    got = event.get("log", {}).get("level")
    if row.level is None:
        if got is not None:  # a level read where the line has none: reported, not counted
            misses.append(Miss(row.layout, "level where none", got, "-"))
        return timed, None
    leveled = got == row.level or _spelled_out(row.level, got)
    if not leveled:
        misses.append(Miss(row.layout, "level", got, row.level))
    return timed, leveled


def _spelled_out(letter: str, level: str | None) -> bool:
    """A one-letter level ("i", "w") is stored spelled out ("info", "warning")."""
    return len(letter) == 1 and level is not None and level.startswith(letter)


def totals(scores: list[SetScore]) -> tuple[Figures, Figures | None]:
    """All sets together today, and the first runs of the sets that record one."""
    firsts = [item.first_run for item in scores if item.first_run is not None]
    return _combined([item.figures for item in scores]), (_combined(firsts) if firsts else None)


def _combined(figures: list[Figures]) -> Figures:
    return Figures(*(sum(column) for column in zip(*figures, strict=True)))
