"""Turning input lines (JSON lines with ``text``/``id``, or CSV with a ``Document`` column) into
classification results, one per input and in order; a bad line yields an error result, never an
exception, so the good lines around it are kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import orjson

from classifiers.runtime.classifier import TextClassifier

CSV_TEXT_COLUMN = "Document"


@dataclass(frozen=True)
class InputRecord:
    """One input: its id (given, or its 0-based position) and text, or why it is unusable."""

    id: object
    text: str | None
    error: str | None = None


def parse_json_lines(lines: Iterable[bytes]) -> Iterator[InputRecord]:
    """JSON objects with ``text`` and optional ``id``; blank lines are skipped."""
    position = 0
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        yield _record_from_json(line, position)
        position += 1


def _record_from_json(line: str, position: int) -> InputRecord:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return InputRecord(position, None, f"invalid JSON: {error}")
    if not isinstance(value, dict):
        return InputRecord(position, None, "expected a JSON object with a 'text' field")
    record_id = value.get("id", position)
    text = value.get("text")
    if not isinstance(text, str):
        return InputRecord(record_id, None, "missing or non-string 'text' field")
    return InputRecord(record_id, text)


def parse_csv(lines: Iterable[bytes]) -> Iterator[InputRecord]:
    """A CSV with a ``Document`` column (and optional ``id``)."""
    decoded = (raw.decode("utf-8", errors="replace") for raw in lines)
    reader = csv.DictReader(io.StringIO("".join(decoded)))
    if reader.fieldnames is None or CSV_TEXT_COLUMN not in reader.fieldnames:
        yield InputRecord(0, None, f"CSV input needs a '{CSV_TEXT_COLUMN}' column")
        return
    for position, row in enumerate(reader):
        yield InputRecord(row.get("id") or position, row.get(CSV_TEXT_COLUMN) or "")


def looks_like_csv(first_line: bytes) -> bool:
    return not first_line.lstrip().startswith(b"{") and CSV_TEXT_COLUMN.encode() in first_line


def classify_records(
    classifier: TextClassifier, records: Iterable[InputRecord], chunk: int = 1024
) -> Iterator[dict[str, object]]:
    """One output dict per record, in order: the prediction, or ``{"id", "error"}``."""
    iterator = iter(records)
    while batch := list(islice(iterator, chunk)):
        good = [r for r in batch if r.error is None]
        predictions = iter(classifier.classify([r.text for r in good]))
        for record in batch:
            if record.error is not None:
                yield {"id": record.id, "error": record.error}
            else:
                yield {"id": record.id, **next(predictions).to_dict()}
