"""One ticket record for every entry point: ``classify tickets``, ``tickets.raw`` and training.

A ticket is a mapping (a JSON object or a CSV row) whose text is one or more columns joined
(``subject`` and ``body``, a plain ``text``, or whatever ``--text-column`` names), with an
optional id and, for training, a label. The column logic lives here once so the three entry
points accept the same files, and a missing column is reported the same way everywhere: by
name, with the columns that are present. Pure: no I/O beyond the lines it is handed.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import orjson

#: Text columns tried in order when none is named: a plain ``text``, else ``subject`` and
#: ``body`` (either may be missing on a row), else the shared data set's ``Document``.
DEFAULT_TEXT_CHOICES: tuple[tuple[str, ...], ...] = (("text",), ("subject", "body"), ("Document",))
#: Label columns tried in order when none is named (``Topic_group`` is the shared data set's).
DEFAULT_LABEL_CHOICES = ("label", "queue", "Topic_group")
DEFAULT_ID_COLUMN = "id"


class MissingColumnError(ValueError):
    """A named (or any default) column is absent; the message lists the columns present."""

    def __init__(self, wanted: Sequence[str], present: Iterable[str], role: str) -> None:
        shown = ", ".join(present) or "none"
        names = " or ".join(f"'{name}'" for name in wanted)
        super().__init__(f"no {role} column {names}; columns present: {shown}")


@dataclass(frozen=True)
class TicketColumns:
    """Which columns hold the text (joined in order), the label and the id; empty = defaults."""

    text: tuple[str, ...] = ()
    label: str | None = None
    id: str = DEFAULT_ID_COLUMN

    def text_columns(self, present: Sequence[str]) -> tuple[str, ...]:
        """The text columns to read from a source with ``present`` columns."""
        if self.text:
            missing = [name for name in self.text if name not in present]
            if missing:
                raise MissingColumnError(missing, present, "text")
            return self.text
        for choice in DEFAULT_TEXT_CHOICES:
            found = tuple(name for name in choice if name in present)
            if found:
                return found
        raise MissingColumnError([n for c in DEFAULT_TEXT_CHOICES for n in c], present, "text")

    def label_column(self, present: Sequence[str]) -> str:
        """The label column of a training source with ``present`` columns."""
        wanted = (self.label,) if self.label else DEFAULT_LABEL_CHOICES
        found = next((name for name in wanted if name in present), None)
        if found is None:
            raise MissingColumnError(wanted, present, "label")
        return found


@dataclass(frozen=True)
class TicketRecord:
    """One ticket: id (given, or its 0-based position), the text the model reads, its label
    (training only) and every input field, so outputs can carry them on."""

    id: object
    text: str
    label: str | None = None
    fields: Mapping[str, object] | None = None


@dataclass(frozen=True)
class RecordError:
    """Why one input row is not a ticket (``kind``: invalid_json or invalid_ticket); its
    neighbours are unaffected."""

    id: object
    error: str
    kind: str = "invalid_ticket"


def ticket_text(row: Mapping[str, object], text_columns: Sequence[str]) -> str:
    """The text columns of ``row`` that hold text, joined by a blank line."""
    parts = (row.get(name) for name in text_columns)
    return "\n\n".join(str(part).strip() for part in parts if part not in (None, "")).strip()


def record_from_mapping(
    row: Mapping[str, object], position: int, columns: TicketColumns, *, with_label: bool = False
) -> TicketRecord | RecordError:
    """One row as a record, or a per-row error naming the missing column."""
    present = list(row)
    record_id = row.get(columns.id)
    record_id = position if record_id in (None, "") else record_id
    try:
        text_columns = columns.text_columns(present)
        label = str(row[columns.label_column(present)]) if with_label else None
    except MissingColumnError as error:
        return RecordError(record_id, str(error))
    return TicketRecord(record_id, ticket_text(row, text_columns), label, dict(row))


def decode_json_ticket(
    raw: bytes, position: int, columns: TicketColumns, *, with_label: bool = False
) -> TicketRecord | RecordError:
    """One JSON object as a record (the ``tickets.raw`` value, or a JSON line); bytes that are
    not UTF-8 become U+FFFD rather than costing the whole ticket."""
    try:
        value = orjson.loads(raw.decode("utf-8", errors="replace"))
    except orjson.JSONDecodeError as error:
        return RecordError(position, f"invalid JSON: {error}", "invalid_json")
    if not isinstance(value, dict):
        return RecordError(position, f"expected a JSON object, got {type(value).__name__}")
    return record_from_mapping(value, position, columns, with_label=with_label)


def read_tickets(
    lines: Iterable[bytes], columns: TicketColumns, *, with_label: bool = False
) -> Iterator[TicketRecord | RecordError]:
    """Records from JSON lines or a CSV with a header (told apart by the first line).

    Raises :class:`MissingColumnError` for a CSV header without the needed columns (the whole
    file is unusable); a JSON line without them is a :class:`RecordError` for that line.
    """
    iterator = iter(lines)
    first = next((line for line in iterator if line.strip()), b"")
    if not first:
        return
    if first.lstrip().startswith(b"{"):
        yield from _json_lines(first, iterator, columns, with_label)
    else:
        yield from _csv_rows(first, iterator, columns, with_label)


def _json_lines(
    first: bytes, rest: Iterator[bytes], columns: TicketColumns, with_label: bool
) -> Iterator[TicketRecord | RecordError]:
    position = 0
    for raw in _chain(first, rest):
        if raw.strip():
            yield decode_json_ticket(raw, position, columns, with_label=with_label)
            position += 1


def _csv_rows(
    first: bytes, rest: Iterator[bytes], columns: TicketColumns, with_label: bool
) -> Iterator[TicketRecord | RecordError]:
    csv.field_size_limit(sys.maxsize)
    stream = io.BufferedReader(_LineStream(_chain(first, rest)))
    reader = csv.DictReader(io.TextIOWrapper(stream, "utf-8", "replace", newline=""))
    present = list(reader.fieldnames or [])
    text_columns = columns.text_columns(present)
    label_column = columns.label_column(present) if with_label else None
    for position, row in enumerate(reader):
        record_id = row.get(columns.id) or position
        label = row.get(label_column) if label_column else None
        yield TicketRecord(record_id, ticket_text(row, text_columns), label, row)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


class _LineStream(io.RawIOBase):
    """Byte lines as a readable stream, so the csv module parses quoted newlines lazily."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._lines, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
