"""Building blocks of the Kibana description: data views and the panel kinds we use.

Each panel knows which fields it reads and what it needs of them (a date, a number, an
aggregatable field, or just any mapped field), so a test can check every dashboard against
the index template mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

Need = Literal["date", "number", "aggregatable", "any"]
Target = Literal["alerts", "events", "tickets"]

NEED_TYPES: dict[Need, frozenset[str]] = {
    "date": frozenset({"date", "date_nanos"}),
    "number": frozenset(
        {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float"}
    ),
    "aggregatable": frozenset(
        {
            "keyword",
            "constant_keyword",
            "ip",
            "boolean",
            "date",
            "date_nanos",
            "long",
            "integer",
            "short",
            "byte",
            "double",
            "float",
            "half_float",
            "scaled_float",
        }
    ),
    "any": frozenset(),
}
"""Mapping types that satisfy each need (``any``: every mapped type)."""


@dataclass(frozen=True)
class DataView:
    """A Kibana data view over one of our index patterns."""

    id: str
    name: str
    pattern: str
    target: Target
    """Which template mapping its indices get (see ``mapped_field_types``)."""
    time_field: str = "@timestamp"
    field_formats: Mapping[str, Mapping[str, object]] = field(default_factory=dict)


@dataclass(frozen=True)
class OverTime:
    """Document count over time, stacked by the top values of ``breakdown``."""

    title: str
    data_view: DataView
    breakdown: str | None = None
    query: str = ""
    time_field: str | None = None
    size: int = 5
    chart: Literal["bar_stacked", "line", "area_stacked"] = "bar_stacked"

    def fields(self) -> list[tuple[str, Need]]:
        used: list[tuple[str, Need]] = [(self.time_field or self.data_view.time_field, "date")]
        if self.breakdown:
            used.append((self.breakdown, "aggregatable"))
        return used


@dataclass(frozen=True)
class _OneFieldPanel:
    """A panel over one field; ``need`` says what the field must be."""

    need: ClassVar[Need] = "aggregatable"

    title: str
    data_view: DataView
    field: str
    query: str = ""

    def fields(self) -> list[tuple[str, Need]]:
        return [(self.field, self.need)]


@dataclass(frozen=True)
class TopValues(_OneFieldPanel):
    """The most frequent values of ``field`` as horizontal bars."""

    size: int = 10


@dataclass(frozen=True)
class Distribution(_OneFieldPanel):
    """A histogram of a numeric ``field``."""

    need: ClassVar[Need] = "number"


@dataclass(frozen=True)
class Share(_OneFieldPanel):
    """A donut of the values of ``field``."""


@dataclass(frozen=True)
class LatestValue(_OneFieldPanel):
    """One big number: the most recent value of ``field``."""

    def fields(self) -> list[tuple[str, Need]]:
        return [*super().fields(), (self.data_view.time_field, "date")]


@dataclass(frozen=True)
class LatestDocuments:
    """A saved search: the newest documents matching ``query`` with chosen columns."""

    title: str
    data_view: DataView
    columns: tuple[str, ...]
    query: str = ""

    def fields(self) -> list[tuple[str, Need]]:
        return [(c, "any") for c in self.columns] + [(self.data_view.time_field, "date")]


Panel = OverTime | TopValues | Distribution | Share | LatestValue | LatestDocuments
LensPanel = OverTime | TopValues | Distribution | Share | LatestValue


@dataclass(frozen=True)
class Dashboard:
    """A dashboard: panels laid out two per row, saved searches full width."""

    id: str
    title: str
    description: str
    panels: tuple[Panel, ...]
    time_from: str = "now-24h"
