"""systemd journal entries as ``journalctl -o json`` exports them.

Fluent Bit's ``systemd`` input and Vector's ``journald`` source keep the same field names.
The entry gives its own time (``__REALTIME_TIMESTAMP``, microseconds), host, program, pid and
priority, and its ``MESSAGE`` is read as that program's line, as under syslog: an sshd failure
sent this way keeps ``source.ip``, ``user.name`` and ``event.outcome``.
"""

from __future__ import annotations

from typing import Any

from classifiers.parsing import syslog
from classifiers.parsing.events import Context
from classifiers.parsing.fields import to_int
from classifiers.parsing.timeparse import from_epoch


def is_entry(document: dict[str, Any]) -> bool:
    """Whether a JSON object is a journal entry."""
    return "__REALTIME_TIMESTAMP" in document and isinstance(document.get("MESSAGE"), str)


def from_entry(document: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The event of a journal entry; every field stays under ``logwarden.json``."""
    event: dict[str, Any] = {"logwarden": {"json": document}}
    micros = _number(document.get("__REALTIME_TIMESTAMP"))
    if micros is not None:
        event["@timestamp"] = from_epoch(micros // 1_000_000, micros % 1_000_000)
    severity, facility = _number(document.get("PRIORITY")), _number(document.get("SYSLOG_FACILITY"))
    if severity is not None and 0 <= severity < len(syslog.SEVERITIES):
        known = facility is not None and 0 <= facility < len(syslog.FACILITIES)
        event["log"] = syslog.priority_fields(severity, facility if known else None)
    host = document.get("_HOSTNAME")
    if isinstance(host, str) and host:
        event["host"] = {"hostname": host}
    program = document.get("SYSLOG_IDENTIFIER") or document.get("_COMM")
    process: dict[str, Any] = {}
    if isinstance(program, str) and program:
        process["name"] = program
    pid = _number(document.get("_PID") or document.get("SYSLOG_PID"))
    if pid is not None:
        process["pid"] = pid
    if process:
        event["process"] = process
    name = process.get("name")
    return syslog.program_message(event, name, document["MESSAGE"], ctx)


def _number(value: object) -> int | None:
    """Journal fields are strings of digits ("6", "1796248025118734")."""
    if isinstance(value, int):
        return value
    return to_int(value) if isinstance(value, str) else None
