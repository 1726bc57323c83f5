"""Dead letters as ``event.kind: pipeline_error`` documents, so Kibana shows them.

The "Pipeline health" dashboard counts dead-lettered records by ``error.type`` in the events
data stream. Each failed record gets one document there, next to its copy on the dead-letter
topic: ``_id`` derived from the source topic/partition/offset (a replay writes it once), the
reason scrubbed, and the original only as scrubbed text and only when ``store_original`` keeps
originals. A rejected error document is logged and nothing more: writing an error about an
error document could loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from classifiers.parsing import scrub
from connectors.bulk_sinks import BulkAction, BulkSink
from stream.records import DeadLetter

log = logging.getLogger(__name__)

PIPELINE_ERROR_KIND = "pipeline_error"
MAX_MESSAGE_CHARS = 2000


def ingest_time() -> str:
    """Now as the ISO 8601 UTC string written to ``event.ingested`` (milliseconds, ``Z``)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def reason_code(reason: str) -> str:
    """The reason's type before the colon (``too_large``, ``http_400``, ...), short."""
    return reason.split(":", 1)[0].strip()[:40]


def error_document(
    letter: DeadLetter,
    *,
    ingested: str,
    store_original: Literal["none", "scrubbed"],
    max_original_bytes: int,
) -> dict[str, Any]:
    """The ECS document for one dead letter; never carries an unscrubbed original."""
    record = letter.record
    event: dict[str, Any] = {
        "kind": PIPELINE_ERROR_KIND,
        "action": letter.stage,
        "ingested": ingested,
    }
    if store_original == "scrubbed":
        text = record.value[:max_original_bytes].decode("utf-8", "replace")
        event["original"] = scrub(text)[0]
    return {
        "@timestamp": ingested,
        "event": event,
        "error": {
            "type": reason_code(letter.reason),
            "message": scrub(letter.reason[:MAX_MESSAGE_CHARS])[0],
        },
        "logwarden": {
            "source": {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
            }
        },
    }


class ErrorDocumentWriter:
    """Writes one ``pipeline_error`` document per dead letter into the events data stream."""

    def __init__(
        self,
        sink: BulkSink,
        index: str,
        *,
        store_original: Literal["none", "scrubbed"],
        max_original_bytes: int,
    ) -> None:
        self._sink = sink
        self._index = index
        self._store_original = store_original
        self._max_original_bytes = max_original_bytes

    def actions(self, letters: Sequence[DeadLetter], ingested: str) -> list[BulkAction]:
        """Idempotent creates, ``_id`` ``deadletter-<topic>-<partition>-<offset>``."""
        return [
            BulkAction(
                self._index,
                f"deadletter-{letter.record.doc_id}",
                error_document(
                    letter,
                    ingested=ingested,
                    store_original=self._store_original,
                    max_original_bytes=self._max_original_bytes,
                ),
                ref=letter.record,
            )
            for letter in letters
        ]

    async def write(self, letters: Sequence[DeadLetter], ingested: str) -> int:
        """Index the error documents; returns how many were refused (logged, sink-counted)."""
        if not letters:
            return 0
        result = await self._sink.write(self.actions(letters, ingested))
        for failure in result.failures:
            log.error(
                "error document %s for a dead letter was rejected (not retried): http_%d %s",
                failure.action.doc_id,
                failure.status,
                failure.reason,
            )
        return len(result.failures)
