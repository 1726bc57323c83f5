"""Signal builders for the alerting tests (real :class:`Signal` objects, event time)."""

from __future__ import annotations

from itertools import count
from typing import Any

from classifiers.alerting import AlertEngine, Signal

BASE_TS = 1_700_000_000.0
_ids = count()


def signal(ts: float = 0.0, label: str = "benign", **fields: Any) -> Signal:
    return Signal(id=f"s{next(_ids)}", ts=BASE_TS + ts, label=label, **fields)


def failure(ts: float, ip: str = "203.0.113.9", user: str = "root", **fields: Any) -> Signal:
    return signal(
        ts,
        "auth_failure",
        source_ip=ip,
        user=user,
        host="web-1",
        category=("authentication",),
        outcome="failure",
        action="ssh_login",
        risk=55.0,
        **fields,
    )


def run(engine: AlertEngine, signals: list[Signal]) -> list[dict[str, Any]]:
    """Final version of every alert the engine raised over ``signals`` (like ``hunt``)."""
    store: dict[str, dict[str, Any]] = {}
    alerts: dict[str, dict[str, Any]] = {}
    for item in sorted(signals, key=lambda s: s.ts):
        for document in engine.process(item, store):
            alerts[document["logwarden"]["alert"]["id"]] = document
    for document in engine.flush(store):
        alerts[document["logwarden"]["alert"]["id"]] = document
    return list(alerts.values())


def rule_ids(alerts: list[dict[str, Any]]) -> list[str]:
    return sorted(a["rule"]["id"] for a in alerts)
