"""Where documents go: Elasticsearch through the official async client, or a local NDJSON file.

Both speak the same small interface (``write`` a batch of create actions, get per-action
results back), so the pipeline does not know which one it feeds. Writes are idempotent:
every action carries a deterministic ``_id`` and uses ``op_type=create``, so a replay after a
crash finds the document already there (HTTP 409) and counts it as success.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError

from connectors.elasticsearch import ElasticsearchConnection, build_async_client

log = logging.getLogger(__name__)

RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class BulkAction:
    """One ``create`` of a document; ``ref`` is the caller's handle for failures."""

    index: str
    doc_id: str
    source: dict[str, Any]
    ref: Any = None


@dataclass(frozen=True)
class ItemFailure:
    """A document Elasticsearch rejected for good (mapping error, bad id, ...)."""

    action: BulkAction
    status: int
    reason: str


@dataclass
class BulkResult:
    """Outcome of one batch once every action reached a final state."""

    created: int = 0
    duplicates: int = 0
    failures: list[ItemFailure] = field(default_factory=list)
    retries: int = 0


class SinkObserver(Protocol):
    """Receives sink measurements (the worker maps them to Prometheus metrics)."""

    def bulk_completed(self, seconds: float, result: BulkResult) -> None: ...

    def bulk_retried(self, reason: str) -> None: ...


class BulkSink(Protocol):
    """A destination for batches of idempotent create actions."""

    async def write(self, actions: Sequence[BulkAction]) -> BulkResult: ...

    async def healthy(self) -> bool: ...

    async def close(self) -> None: ...


class Backoff:
    """Exponential backoff with full jitter, capped (AWS architecture blog's recipe)."""

    def __init__(self, base_s: float = 0.1, cap_s: float = 5.0, rng: random.Random | None = None):
        self.base_s = base_s
        self.cap_s = cap_s
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return self._rng.uniform(self.base_s, min(self.cap_s, self.base_s * 2**attempt))


def _action_lines(actions: Sequence[BulkAction]) -> list[bytes]:
    lines: list[bytes] = []
    for action in actions:
        lines.append(orjson.dumps({"create": {"_index": action.index, "_id": action.doc_id}}))
        lines.append(orjson.dumps(action.source, default=str))
    return lines


def _item_reason(item: dict[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error or f"status {item.get('status')}")


class ElasticsearchBulkSink:
    """Bulk ``create`` into Elasticsearch until every action is created, duplicate or rejected.

    Transient trouble (HTTP 429/5xx for the request or for single items inside an HTTP 200
    response, connection errors, timeouts) is retried with backoff for as long as it lasts:
    the caller waits, so the Kafka consumer stops pulling (backpressure) and nothing is
    buffered without bound. Only permanent per-item errors come back as failures.
    """

    def __init__(
        self,
        connection: ElasticsearchConnection,
        observer: SinkObserver | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self._client = build_async_client(connection)
        self._observer = observer
        self._backoff = backoff or Backoff()
        self._sleep = sleep

    async def write(self, actions: Sequence[BulkAction]) -> BulkResult:
        """Index the batch; returns once nothing is left to retry."""
        result = BulkResult()
        pending = list(actions)
        attempt = 0
        started = time.perf_counter()
        while pending:
            retry_reason = await self._send(pending, result)
            if retry_reason is None:
                break
            if isinstance(retry_reason, list):
                pending, reason = retry_reason, "item_429_or_5xx"
            else:
                reason = retry_reason
            result.retries += 1
            if self._observer:
                self._observer.bulk_retried(reason)
            delay = self._backoff.delay(attempt)
            attempt += 1
            log.warning(
                "bulk retry %d in %.2fs: %s (%d documents pending)",
                attempt,
                delay,
                reason,
                len(pending),
            )
            await self._sleep(delay)
        if self._observer:
            self._observer.bulk_completed(time.perf_counter() - started, result)
        return result

    async def _send(
        self, pending: list[BulkAction], result: BulkResult
    ) -> str | list[BulkAction] | None:
        """One bulk request: ``None`` when done, a reason to retry all, or the items to retry."""
        try:
            # Pre-encoded NDJSON lines: the client's serializer forwards bytes untouched.
            lines: Any = _action_lines(pending)
            response = await self._client.bulk(operations=lines)
        except ApiError as exc:
            return f"http_{exc.meta.status}"
        except (TransportConnectionError, ConnectionTimeout) as exc:
            return f"connection: {type(exc).__name__}"
        except TransportError as exc:
            return f"transport: {type(exc).__name__}"
        retry: list[BulkAction] = []
        for action, entry in zip(pending, response["items"], strict=True):
            item = next(iter(entry.values()))
            status = int(item.get("status", 500))
            if status < 300:
                result.created += 1
            elif status == 409:
                result.duplicates += 1
            elif status in RETRIABLE_STATUSES:
                retry.append(action)
            else:
                result.failures.append(ItemFailure(action, status, _item_reason(item)))
        return retry or None

    async def healthy(self) -> bool:
        """Whether the cluster answers (used by the readiness probe)."""
        try:
            return bool(await self._client.ping())
        except Exception:  # any failure means "not ready"; the probe must not raise
            return False

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()


class NdjsonBulkSink:
    """Appends documents to a local file in Elasticsearch bulk format (``_bulk``-ready).

    The default when no Elasticsearch URL is configured: ``curl --data-binary @file
    http://es:9200/_bulk`` loads it later. A file has no ``_id`` check, so after a crash a
    replayed document can appear twice in the file; loading it into Elasticsearch still creates
    it once because the ``_id`` is the same.
    """

    def __init__(self, path: Path, observer: SinkObserver | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("ab")
        self._observer = observer

    async def write(self, actions: Sequence[BulkAction]) -> BulkResult:
        """Append the batch and flush it to the operating system."""
        started = time.perf_counter()
        if actions:
            self._handle.write(b"\n".join(_action_lines(actions)) + b"\n")
            self._handle.flush()
        result = BulkResult(created=len(actions))
        if self._observer:
            self._observer.bulk_completed(time.perf_counter() - started, result)
        return result

    async def healthy(self) -> bool:
        """A writable open file is always ready."""
        return not self._handle.closed

    async def close(self) -> None:
        """Close the file."""
        self._handle.close()
