"""The line formats of the Loghub benchmark systems (https://github.com/logpai/loghub).

Each system is one row of :data:`SYSTEMS`: a regex with named groups and the rule that turns
its date parts into a timestamp. Named groups map to ECS the same way for every system:
``level`` -> ``log.level``, ``component`` -> ``log.logger``, ``pid`` -> ``process.pid``,
``thread`` -> ``process.thread.name``, ``node`` -> ``host.hostname``, ``content`` ->
``message``, ``label`` (BGL alert tag, ``-`` for normal lines) -> ``logwarden.loghub.label``,
other groups -> ``logwarden.loghub.<name>``. Linux, OpenSSH and Mac are plain syslog and
Apache is an Apache error log: :mod:`.registry` routes those to their parsers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from classifiers.parsing.model import Context
from classifiers.parsing.timeparse import Stamp, build, from_epoch, infer_year, micros

StampRule = Callable[[dict[str, str], Context], Stamp]


def _ymd(parts: dict[str, str], ctx: Context) -> Stamp:
    year = int(parts["year"])
    return build(
        year + 2000 if year < 100 else year, int(parts["month"]), int(parts["day"]),
        int(parts["hour"]), int(parts["minute"]), int(parts["second"]),
        micros(parts.get("fraction")), ctx.tz,
    )  # fmt: skip


def _no_year(parts: dict[str, str], ctx: Context) -> Stamp:
    return infer_year(
        int(parts["month"]), int(parts["day"]), int(parts["hour"]), int(parts["minute"]),
        int(parts["second"]), micros(parts.get("fraction")), ctx.tz, ctx.now, ctx.max_future_s,
    )  # fmt: skip


def _epoch(parts: dict[str, str], ctx: Context) -> Stamp:
    return from_epoch(int(parts["epoch"]), micros(parts.get("fraction")))


_YMD = r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)"
_HMS = r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)"
_LEVELS = {"V": "verbose", "D": "debug", "I": "info", "W": "warn", "E": "error", "F": "fatal",
           "A": "assert"}  # fmt: skip


_TIME_GROUPS = frozenset({"year", "month", "day", "hour", "minute", "second", "fraction", "epoch"})
_ECS_GROUPS = frozenset({"content", "level", "component", "pid", "tid", "thread", "node"})


@dataclass(frozen=True)
class LoghubSystem:
    """One Loghub system: how to recognise a line and how to date it."""

    name: str
    pattern: re.Pattern[str]
    stamp: StampRule
    first: str  # characters a line can start with, for the detection registry
    #: ``event.dataset`` of the system, e.g. ``loghub.hdfs``.
    dataset: str = field(init=False)
    #: Groups with no ECS home, kept under ``logwarden.loghub``.
    extra_groups: tuple[str, ...] = field(init=False)
    #: Level letters spelled out (Android's ``I`` is ``info``); empty when levels are words.
    level_names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        extra = tuple(
            name for name in self.pattern.groupindex
            if name not in _TIME_GROUPS and name not in _ECS_GROUPS
        )  # fmt: skip
        object.__setattr__(self, "dataset", f"loghub.{self.name.lower()}")
        object.__setattr__(self, "extra_groups", extra)
        object.__setattr__(self, "level_names", _LEVELS if self.name == "Android" else {})


def _system(name: str, pattern: str, stamp: StampRule, first: str) -> LoghubSystem:
    return LoghubSystem(name, re.compile(pattern, re.DOTALL), stamp, first)


_DIGITS = "0123456789"
SYSTEMS: dict[str, LoghubSystem] = {
    system.name: system
    for system in (
        _system(
            "HDFS",
            r"(?P<year>\d\d)(?P<month>\d\d)(?P<day>\d\d) (?P<hour>\d\d)(?P<minute>\d\d)"
            r"(?P<second>\d\d) (?P<pid>\d+) (?P<level>[A-Z]+) (?P<component>[^\s:]+): ?"
            r"(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
        _system(
            "BGL",
            r"(?P<label>-|[A-Z]+) (?P<epoch>\d{9,10}) \d{4}\.\d\d\.\d\d (?P<node>\S+)"
            r" \d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.(?P<fraction>\d{6}) (?P<node_repeat>\S+)"
            r" (?P<type>\S+) (?P<component>\S+) (?P<level>\S+) ?(?P<content>.*)\Z",
            _epoch,
            "-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ),
        _system(
            "HPC",
            r"(?P<log_id>\d+) (?P<node>\S+) (?P<component>\S+) (?P<state>\S+)"
            r" (?P<epoch>\d{9,10}) (?P<flag>-?\d+) ?(?P<content>.*)\Z",
            _epoch,
            _DIGITS,
        ),
        _system(
            "Hadoop",
            _YMD + " " + _HMS + r",(?P<fraction>\d{3}) (?P<level>[A-Z]+) \[(?P<thread>[^\]]*)\]"
            r" (?P<component>[^\s:]+): ?(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
        _system(
            "Zookeeper",
            _YMD + " " + _HMS + r",(?P<fraction>\d{3}) - (?P<level>[A-Z]+) +"
            r"\[(?P<thread>.*):(?P<component>[^:@\]]+)@(?P<line>\d+)\] - ?(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
        _system(
            "Windows",
            _YMD + " " + _HMS + r", (?P<level>[A-Za-z]+) +(?P<component>\S+) +(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
        _system(
            "Spark",
            r"(?P<year>\d\d)/(?P<month>\d\d)/(?P<day>\d\d) "
            + _HMS
            + r" (?P<level>[A-Z]+) (?P<component>[^\s:]+): ?(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
        _system(
            "Android",
            r"(?P<month>\d\d)-(?P<day>\d\d) " + _HMS + r"\.(?P<fraction>\d{3}) +(?P<pid>\d+)"
            r" +(?P<tid>\d+) (?P<level>[VDIWEFA]) (?P<component>.*?): ?(?P<content>.*)\Z",
            _no_year,
            _DIGITS,
        ),
        _system(
            "HealthApp",
            r"(?P<year>\d{4})(?P<month>\d\d)(?P<day>\d\d)-(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
            r":(?P<second>\d{1,2}):(?P<fraction>\d{1,3})\|(?P<component>[^|]*)\|(?P<pid>\d+)"
            r"\|(?P<content>.*)\Z",
            _ymd,
            _DIGITS,
        ),
    )
}


def parse_system(system: LoghubSystem, text: str, ctx: Context) -> dict[str, Any] | None:
    """One line of ``system``, or ``None`` when the line is not in its format."""
    match = system.pattern.match(text)
    if match is None:
        return None
    parts = match.groupdict()
    event: dict[str, Any] = {
        "@timestamp": system.stamp(parts, ctx),
        "message": parts["content"],
        "event": {"dataset": system.dataset},
    }
    log: dict[str, Any] = {}
    level = parts.get("level")
    if level:
        log["level"] = system.level_names.get(level, level).lower()
    component = parts.get("component")
    if component:
        log["logger"] = component
    if log:
        event["log"] = log
    process: dict[str, Any] = {}
    pid = parts.get("pid")
    if pid:
        process["pid"] = int(pid)
    tid = parts.get("tid")
    if tid:
        process["thread"] = {"id": int(tid)}
    elif parts.get("thread"):
        process["thread"] = {"name": parts["thread"]}
    if process:
        event["process"] = process
    node = parts.get("node")
    if node:
        event["host"] = {"hostname": node}
    if system.extra_groups:
        extra = {name: parts[name] for name in system.extra_groups if parts[name] is not None}
        if extra:
            event["logwarden"] = {"loghub": extra}
    return event


def parser(name: str) -> Callable[[str, Context], dict[str, Any] | None]:
    """The parse function of one table-driven system (a partial: no extra Python frame)."""
    return partial(parse_system, SYSTEMS[name])
