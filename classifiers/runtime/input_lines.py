"""Classification results for ticket records, one per input and in order.

Reading the input (JSON lines or CSV, which columns) is :mod:`classifiers.ticket_records`'s job;
here a bad row yields an error result, never an exception, so the good rows around it are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from classifiers.runtime.classifier import TextClassifier
from classifiers.ticket_records import RecordError, TicketRecord


def classify_records(
    classifier: TextClassifier, records: Iterable[TicketRecord | RecordError], chunk: int = 1024
) -> Iterator[dict[str, object]]:
    """One output dict per record, in order: the prediction, or ``{"id", "error"}``."""
    iterator = iter(records)
    while batch := list(islice(iterator, chunk)):
        good = [r for r in batch if isinstance(r, TicketRecord)]
        predictions = iter(classifier.classify([r.text for r in good]))
        for record in batch:
            if isinstance(record, RecordError):
                yield {"id": record.id, "error": record.error}
            else:
                yield {"id": record.id, **next(predictions).to_dict()}
