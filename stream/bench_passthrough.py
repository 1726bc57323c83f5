"""A Faust worker that only counts records: the framework's own cost, for ``bench pipeline``.

Run as ``python -m stream.bench_passthrough``: same app settings as the real worker (raw
bytes, same poll size), one plain ``async for`` agent, no batching. It writes its rate to
``LOGWARDEN_BENCH_RESULT`` once it has seen ``LOGWARDEN_BENCH_EXPECT`` records.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import faust
from faust.types import StreamT

from stream.app import create_app
from stream.config import Settings


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


def main() -> None:
    """Entry point of the subprocess."""
    settings = Settings()
    app = build_passthrough(
        settings,
        int(os.environ["LOGWARDEN_BENCH_EXPECT"]),
        Path(os.environ["LOGWARDEN_BENCH_RESULT"]),
    )
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
