"""Consumers that only count records: the input path's own cost, for ``bench pipeline``.

Run as ``python -m benches.passthrough {faust|inputs} EXPECT RESULT``: ``faust`` is a Faust
worker with the worker's app settings (raw bytes, same poll size) and one plain ``async for`` agent;
``inputs`` is the worker's own batch consumer (``stream.input_consumer``) with a counting
handler. Each writes its rate to the file ``RESULT`` once it has seen ``EXPECT`` records.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import faust
from faust.types import StreamT

from stream.app import create_app
from stream.config import Settings
from stream.input_consumer import InputConsumer
from stream.records import RawRecord


def build_passthrough(settings: Settings, expect: int, result: Path) -> faust.App:
    """The app with its single counting agent."""
    app = create_app(settings, web_enabled=False)
    topic = app.topic(
        settings.topic_logs_raw,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )

    async def passthrough(stream: StreamT[bytes]) -> None:
        count = 0
        first = 0.0
        async for _value in stream:
            if count == 0:
                first = time.perf_counter()
            count += 1
            if count == expect:
                elapsed = time.perf_counter() - first
                result.write_text(f"{(count - 1) / elapsed if elapsed else 0.0}\n")

    app.agent(topic, name="bench.passthrough")(passthrough)
    return app


async def count_inputs(settings: Settings, expect: int, result: Path) -> None:
    """The worker's input consumer with a handler that only counts."""
    seen, first_batch, first = 0, 0, 0.0
    done = asyncio.Event()

    async def handle(records: list[RawRecord]) -> None:
        nonlocal seen, first_batch, first
        if not seen:
            first, first_batch = time.perf_counter(), len(records)
        seen += len(records)
        if seen >= expect:
            done.set()

    async def failed(records: object, exc: Exception) -> None:
        raise exc

    consumer = InputConsumer(settings, {settings.topic_logs_raw: handle}, on_failure=failed)
    await consumer.start()
    await done.wait()
    elapsed = time.perf_counter() - first
    # Like the Faust agent's figure: records after the first arrival, over the time since.
    result.write_text(f"{(seen - first_batch) / elapsed if elapsed else 0.0}\n")
    await consumer.stop()


def main() -> None:
    """Entry point of the subprocess."""
    settings = Settings()
    kind, expect_arg, result_arg = sys.argv[1:4]
    expect, result = int(expect_arg), Path(result_arg)
    if kind == "inputs":
        asyncio.run(count_inputs(settings, expect, result))
        return
    app = build_passthrough(settings, expect, result)
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
