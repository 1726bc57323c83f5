"""Parser throughput: lines per second of CPU time on one core, per format and mixed.

CPU time (``time.process_time``) rather than wall time, so figures taken on a shared,
busy machine still say what one core does; the best of several rounds is kept, as
``timeit`` does, because other processes can only ever slow a round down.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from classifiers.parsing import ParseFailure, ParseOptions
from classifiers.parsing.core import parse

#: Hand-written lines of the formats Loghub lacks, so the mixed stream covers every parser.
EXTRA_SAMPLES: dict[str, tuple[bytes, ...]] = {
    "syslog-auth": (
        b"Mar  3 10:15:01 web1 sshd[2211]: Accepted publickey for alice from 203.0.113.7 "
        b"port 50522 ssh2: RSA SHA256:Zm9vYmFy",
        b"Mar  3 10:15:09 web1 sshd[2213]: Failed password for invalid user admin from "
        b"198.51.100.23 port 41112 ssh2",
        b"Mar  3 10:16:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
        b"COMMAND=/usr/bin/systemctl restart nginx",
        b"Mar  3 10:16:30 web1 useradd[3001]: new user: name=bob, UID=1001, GID=1001, "
        b"home=/home/bob, shell=/bin/bash",
    ),
    "rfc5424": (
        b'<165>1 2024-03-03T10:15:01.123Z host1 app 4242 ID47 [exampleSDID@32473 iut="3" '
        b'eventSource="Application"] An application event',
    ),
    "nginx": (
        b'203.0.113.7 - - [03/Mar/2024:10:15:01 +0000] "GET /index.html?q=1 HTTP/1.1" 200 '
        b'5123 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
        b'2024/03/03 10:15:01 [error] 1234#1234: *56 open() "/var/www/x" failed (2: No such '
        b'file or directory), client: 203.0.113.7, server: example.com, request: "GET /x HTTP/1.1"',
    ),
    "cef": (
        b"CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 "
        b"dst=2.1.2.2 spt=1232 dpt=445 proto=TCP act=blocked msg=Worm stopped",
    ),
    "json": (
        b'{"@timestamp":"2024-03-03T10:15:01.000Z","log.level":"info","message":"started",'
        b'"ecs.version":"1.6.0","service.name":"api"}',
        b'{"time":"2024-03-03T10:15:01Z","level":"warn","msg":"slow query","duration_ms":812}',
    ),
    # Shipper envelopes around lines of the formats above (classifiers.parsing.envelope).
    "filebeat": (
        b'{"@timestamp":"2024-03-03T10:15:02.000Z","@metadata":{"beat":"filebeat","type":"_doc",'
        b'"version":"8.11.0"},"log":{"offset":1,"file":{"path":"/var/log/auth.log"}},"message":'
        b'"Mar  3 10:15:09 web1 sshd[2213]: Failed password for invalid user admin from '
        b'198.51.100.23 port 41112 ssh2","input":{"type":"filestream"},"ecs":{"version":"8.0.0"},'
        b'"host":{"name":"web1"},"agent":{"type":"filebeat","version":"8.11.0","name":"web1"}}',
    ),
    "cri": (
        b"2024-03-03T10:15:02.123456789Z stderr F 2024/03/03 10:15:01 [error] 1234#1234: *56 "
        b'open() "/var/www/x" failed (2: No such file or directory), client: 203.0.113.7',
    ),
    # Layouts without a detector: learned once (classifiers.parsing.infer), then one match.
    "inferred": (
        b"2024-03-03 10:15:01.008 25746 INFO nova.osapi_compute.wsgi.server [req-1] "
        b'10.11.10.1 "GET /v2/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
        b"2024-03-03 10:15:01.123 UTC [12345] LOG:  checkpoint complete: wrote 12 buffers",
        b"[2024-03-03 10:15:01,345] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)",
        # no level: the message is checked for an application's own stamped line
        b"2024-03-03 10:15:01.123 worker finished job 1234 in 12 ms, 3 retries",
    ),
}


_MIN_STREAM = 2000


@dataclass(frozen=True)
class BenchResult:
    """Throughput of one named stream."""

    name: str
    lines: int
    seconds: float
    parsed: int
    unparsed: int
    failed: int

    @property
    def lines_per_s(self) -> float:
        """Lines per CPU second."""
        return self.lines / self.seconds if self.seconds > 0 else float("inf")


def measure(
    name: str, lines: Sequence[bytes], options: ParseOptions, rounds: int = 3
) -> BenchResult:
    """Parse ``lines`` ``rounds`` times; the fastest round counts."""
    best = float("inf")
    for _ in range(max(1, rounds)):
        start = time.process_time()
        for line in lines:
            parse(line, options)
        best = min(best, time.process_time() - start)
    results = [parse(line, options) for line in lines]
    failed = sum(isinstance(r, ParseFailure) for r in results)
    unparsed = sum(
        1 for r in results
        if not isinstance(r, ParseFailure) and r["logwarden"]["parse"]["status"] == "unparsed"
    )  # fmt: skip
    return BenchResult(name, len(lines), best, len(lines) - failed - unparsed, unparsed, failed)


def reference_us(rounds: int = 5) -> float:
    """CPU microseconds of a fixed pure-Python workload (``sum(range(1000))``), best of rounds.

    Printed next to the figures so runs on different or busy machines can be compared.
    """
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(2000):
            sum(range(1000))
        best = min(best, (time.process_time() - start) / 2000)
    return best * 1e6


def mixed_stream(streams: Mapping[str, Sequence[bytes]], size: int, seed: int = 7) -> list[bytes]:
    """``size`` lines drawn evenly from every stream and shuffled (a busy shared topic)."""
    rng = random.Random(seed)
    pools = [list(lines) for lines in streams.values() if lines]
    if not pools:
        return []
    return [rng.choice(pools[i % len(pools)]) for i in range(size)]


def load_streams() -> tuple[dict[str, list[bytes]], str | None]:
    """Bench streams: each Loghub sample (when the shared data is here) plus the extras.

    Returns the streams and a note when the Loghub samples are absent.
    """
    from classifiers.shared_data import shared_data_dir

    streams: dict[str, list[bytes]] = {}
    note = None
    base = shared_data_dir()
    loghub = base / "loghub" if base is not None else None
    if loghub is not None and loghub.is_dir():
        for path in sorted(loghub.glob("*/*_2k.log")) + sorted(loghub.glob("BGL/BGL_dev.log")):
            streams[f"loghub:{path.parent.name}"] = path.read_bytes().splitlines()
    else:
        note = "shared data absent: Loghub samples skipped, built-in samples only"
    for name, lines in EXTRA_SAMPLES.items():  # repeated to a size the clock can time
        streams[name] = [lines[i % len(lines)] for i in range(_MIN_STREAM)]
    return streams, note
