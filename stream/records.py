"""The record types that flow from the input consumer through the pipeline stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Headers = Sequence[tuple[str, bytes]]

DEADLETTER_PREFIX = "logwarden."


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One Kafka message as consumed: raw value bytes plus where it came from."""

    topic: str
    partition: int
    offset: int
    value: bytes
    headers: Headers = ()
    timestamp_ms: int | None = None

    @property
    def doc_id(self) -> str:
        """Deterministic document ``_id``: a replay of the same offset writes the same id."""
        return f"{self.topic}-{self.partition}-{self.offset}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that failed a stage: the original bytes with the reason and its origin."""

    record: RawRecord
    stage: str
    reason: str

    def headers(self, max_value_bytes: int) -> list[tuple[str, bytes]]:
        """Kafka headers describing the failure; trace headers of the original pass through."""
        reason = self.reason.encode("utf-8", "replace")[:2000]
        headers = [
            (f"{DEADLETTER_PREFIX}stage", self.stage.encode()),
            (f"{DEADLETTER_PREFIX}reason", reason),
            (f"{DEADLETTER_PREFIX}source.topic", self.record.topic.encode()),
            (f"{DEADLETTER_PREFIX}source.partition", str(self.record.partition).encode()),
            (f"{DEADLETTER_PREFIX}source.offset", str(self.record.offset).encode()),
        ]
        if len(self.record.value) > max_value_bytes:
            headers.append(
                (f"{DEADLETTER_PREFIX}truncated.from", str(len(self.record.value)).encode())
            )
        headers.extend(
            (k, v) for k, v in self.record.headers if k.lower() in ("traceparent", "tracestate")
        )
        return headers

    def value(self, max_value_bytes: int) -> bytes:
        """The original bytes, cut to what a Kafka message may carry (over-size events)."""
        return self.record.value[:max_value_bytes]


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message the pipeline produces (routed ticket, opened ticket)."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    timestamp_s: float | None = None
