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
from datetime import tzinfo
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.timeparse import (
    Stamp,
    build,
    from_epoch,
    infer_year,
    micros,
    plus_micro,
    remember,
)

StampRule = Callable[[dict[str, str], Context], Stamp]


def _ymd(parts: dict[str, str], ctx: Context) -> Stamp:
    # Whole seconds by their text: most lines skip the int() calls (see timeparse.build).
    key = (parts["year"], parts["month"], parts["day"], parts["hour"], parts["minute"],
           parts["second"], ctx.tz)  # fmt: skip
    whole = _YMD_SECONDS.get(key)
    if whole is None:
        year = int(parts["year"])
        whole = remember(_YMD_SECONDS, key, build(
            year + 2000 if year < 100 else year, int(parts["month"]), int(parts["day"]),
            int(parts["hour"]), int(parts["minute"]), int(parts["second"]), 0, ctx.tz,
        ))  # fmt: skip
    return plus_micro(whole, micros(parts.get("fraction")))


_YMD_SECONDS: dict[tuple[str, str, str, str, str, str, tzinfo], Stamp] = {}


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


def parser(name: str) -> Callable[[str, Context], dict[str, Any] | None]:
    """The parse function of one table-driven system.

    What the system's pattern has is settled here, once: the returned function only reads the
    groups that exist.
    """
    system = SYSTEMS[name]
    match_line = system.pattern.match
    stamp = system.stamp
    dataset = system.dataset
    level_names = system.level_names
    extra_groups = system.extra_groups
    has = system.pattern.groupindex.__contains__
    has_level, has_component, has_pid, has_tid, has_thread, has_node = (
        has(group) for group in ("level", "component", "pid", "tid", "thread", "node")
    )

    def parse(text: str, ctx: Context) -> dict[str, Any] | None:
        match = match_line(text)
        if match is None:
            return None
        parts = match.groupdict()
        event: dict[str, Any] = {
            "@timestamp": stamp(parts, ctx),
            "message": parts["content"],
            "event": {"dataset": dataset},
        }
        log: dict[str, Any] = {}
        level = parts["level"] if has_level else None
        if level:
            log["level"] = level_names.get(level, level).lower()
        component = parts["component"] if has_component else None
        if component:
            log["logger"] = component
        if log:
            event["log"] = log
        process: dict[str, Any] = {}
        pid = parts["pid"] if has_pid else None
        if pid:
            process["pid"] = int(pid)
        tid = parts["tid"] if has_tid else None
        if tid:
            process["thread"] = {"id": int(tid)}
        elif has_thread and parts["thread"]:
            process["thread"] = {"name": parts["thread"]}
        if process:
            event["process"] = process
        node = parts["node"] if has_node else None
        if node:
            event["host"] = {"hostname": node}
        if extra_groups:
            extra = {group: parts[group] for group in extra_groups if parts[group] is not None}
            if extra:
                event["logwarden"] = {"loghub": extra}
        return event

    parse.__doc__ = f"A Loghub {name} line, or None."
    return parse
