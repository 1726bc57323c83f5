"""Running the batch processors in this process, with a Kafka producer that acknowledges
at once (what was sent is kept), for tests that need the real stages but no broker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from connectors.bulk_sinks import BulkSink
from stream.components import Components
from stream.config import Settings
from stream.log_pipeline import BatchReport
from stream.outputs import KafkaPublisher
from stream.records import RawRecord
from stream.worker import build_processors


class AckingSend:
    """A Faust-like ``send``: records each message and acknowledges it immediately."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, topic: str, **message: Any) -> Any:
        self.sent.append((topic, message))
        future: Any = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


async def process_in_process(
    settings: Settings,
    components: Components,
    sink: BulkSink,
    *,
    logs: Sequence[RawRecord] = (),
    tickets: Sequence[RawRecord] = (),
    send: AckingSend | None = None,
) -> BatchReport:
    """One log batch, then one ticket batch, through the real processors into ``sink``."""
    publisher = KafkaPublisher(
        send or AckingSend(), settings.topic_deadletter, settings.max_event_bytes
    )
    with ThreadPoolExecutor(1) as executor:
        log_batch, ticket_batch = build_processors(
            settings, components, sink=sink, publisher=publisher, executor=executor
        )
        report = await log_batch.process(logs)
        if tickets:
            await ticket_batch.process(tickets)
    return report
