"""The write side shared by the agents: dead letters and produced messages, acknowledged.

Everything a batch emits to Kafka is awaited before the batch's offsets may be committed, and
a broker hiccup is retried here (with backoff) instead of failing the batch: an exception out
of a batch would let Faust acknowledge records that were never written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from connectors.bulk_sinks import Backoff
from stream import metrics
from stream.records import DeadLetter, OutboundMessage

log = logging.getLogger(__name__)

SendFn = Callable[..., Awaitable[Any]]


class KafkaPublisher:
    """Sends messages through the Faust producer and waits until the broker has them all."""

    def __init__(
        self,
        send: SendFn,
        deadletter_topic: str,
        max_message_bytes: int,
        backoff: Backoff | None = None,
    ) -> None:
        self._send = send
        self._deadletter_topic = deadletter_topic
        self._max_message_bytes = max_message_bytes
        self._backoff = backoff or Backoff(base_s=0.2, cap_s=5.0)

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        """Produce all messages; returns once every one is acknowledged."""
        pending = list(messages)
        attempt = 0
        while pending:
            outcomes = await self._deliver(pending)
            failed = [m for m, r in zip(pending, outcomes, strict=True) if r is not None]
            if not failed:
                return
            errors = {type(r).__name__ for r in outcomes if r is not None}
            delay = self._backoff.delay(attempt)
            attempt += 1
            log.warning("produce retry %d in %.2fs: %s", attempt, delay, ", ".join(errors))
            pending = failed
            await asyncio.sleep(delay)

    async def _deliver(self, messages: Sequence[OutboundMessage]) -> list[BaseException | None]:
        """Hand every message to the producer, then wait for the broker's acks: each message's
        error, or ``None``. One coroutine for the whole batch: a task per message cost more
        CPU than the producer itself."""
        deliveries: list[Awaitable[Any] | BaseException] = []
        for message in messages:
            try:
                deliveries.append(
                    await self._send(
                        message.topic,
                        key=message.key,
                        value=message.value,
                        headers=message.headers,
                        timestamp=message.timestamp_s,
                    )
                )
            except Exception as exc:  # e.g. the producer's buffer is full: retried below
                deliveries.append(exc)
        acks = [d for d in deliveries if not isinstance(d, BaseException)]
        results = iter(await asyncio.gather(*acks, return_exceptions=True))
        outcomes: list[BaseException | None] = []
        for delivery in deliveries:
            result = delivery if isinstance(delivery, BaseException) else next(results)
            outcomes.append(result if isinstance(result, BaseException) else None)
        return outcomes

    async def deadletter(self, letters: Sequence[DeadLetter]) -> None:
        """Send failed records to the dead-letter topic with their reason and origin."""
        if not letters:
            return
        await self.publish(
            [
                OutboundMessage(
                    topic=self._deadletter_topic,
                    value=letter.value(self._max_message_bytes),
                    key=letter.record.doc_id.encode(),
                    headers=letter.headers(self._max_message_bytes),
                )
                for letter in letters
            ]
        )
        for letter in letters:
            reason_type = letter.reason.split(":", 1)[0][:40]
            metrics.DEADLETTERED.labels(stage=letter.stage, reason=reason_type).inc()
        metrics.EVENTS_OUT.labels(dest=self._deadletter_topic).inc(len(letters))
