"""Windowed detections over classified log events: brute force, password spraying, error bursts.

Some threats only show across events. The log pipeline publishes a compact
:class:`DetectionSignal` per ``auth_failure`` and ``service_failure`` event (see
:func:`signal_from_event`) to the signals topic, keyed by the field its rule counts on
(:func:`signal_key`), so every key lives on one partition and one worker's tables; the agents
registered here keep hopping/tumbling windowed tables over them. (A Faust ``group_by`` would
repartition signals keyed otherwise: one more produce and consume per signal, which cost the
worker more CPU than the whole rule.)

* **brute force**: at least ``brute_force_threshold`` auth failures from one ``source.ip``
  within ``brute_force_window_s``;
* **password spraying**: one ``source.ip`` failing against at least ``spray_min_users``
  distinct users within ``spray_window_s``;
* **error burst**: a host's ``service_failure`` count in a ``burst_window_s`` window at least
  ``burst_factor`` times its recent baseline (an exponentially weighted mean of past windows)
  and at least ``burst_min_count``.

Each rule fires once per window and key and sends an ECS alert (``rule.name``, ``rule.id``,
``event.kind: alert``) carrying the references of the contributing events under
``logwarden.detection.events`` to the sink: a Faust topic or an async callback.

Windows are hopping with a step of a fifth of their size: N events that fall within
``window - step`` of each other always share a window (so the rule fires); events spread over
between ``window - step`` and ``window`` may not. Windows use event time (the signal's
timestamp, which the publisher also sets as the Kafka message timestamp).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust

from stream.config import Settings

AlertSink = faust.TopicT | Callable[[dict[str, Any]], Awaitable[None]]
MAX_REFERENCES = 50
#: The labels that make signals, and the signal field each one's rule counts on (its key).
SIGNAL_KEY_FIELDS = {"auth_failure": "source_ip", "service_failure": "host"}
SIGNAL_LABELS = frozenset(SIGNAL_KEY_FIELDS)


@dataclass(frozen=True)
class DetectionRules:
    """Thresholds and windows of the three rules."""

    brute_force_threshold: int = 10
    brute_force_window_s: float = 300.0
    spray_min_users: int = 5
    spray_window_s: float = 600.0
    burst_window_s: float = 60.0
    burst_factor: float = 5.0
    burst_min_count: int = 20
    burst_baseline_alpha: float = 0.2
    topic: str = "logs.signals"


class DetectionSignal(faust.Record, serializer="json"):
    """What a windowed rule needs from one classified event."""

    ts: float
    label: str
    ref: str
    source_ip: str | None = None
    user: str | None = None
    host: str | None = None
    dataset: str | None = None


#: The timestamp field descriptor (windows use event time); typed loosely for mypy.
_SIGNAL_TS: Any = DetectionSignal.ts


def _get(event: Mapping[str, Any], dotted: str) -> Any:
    value: Any = event
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def timestamp_epoch(timestamp: Any) -> float | None:
    """Epoch seconds of an ISO 8601 ``@timestamp`` (naive ones are UTC); ``None`` if not one."""
    if not isinstance(timestamp, str):
        return None
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def signal_from_event(event: Mapping[str, Any], label: str, ref: str) -> DetectionSignal | None:
    """The signal of one classified event, or ``None`` when no rule counts it.

    ``ref`` identifies the event document (its ``_id``) so alerts can point back to it.
    """
    if label not in SIGNAL_LABELS:
        return None
    ts = timestamp_epoch(event.get("@timestamp"))
    return DetectionSignal(
        ts=ts if ts is not None else datetime.now(UTC).timestamp(),
        label=label,
        ref=ref,
        source_ip=_get(event, "source.ip"),
        user=_get(event, "user.name"),
        host=_get(event, "host.hostname"),
        dataset=_get(event, "event.dataset"),
    )


def signal_key(signal: DetectionSignal) -> bytes | None:
    """The Kafka key of a signal: the field its rule counts on (``None`` when absent; the
    rule ignores such signals)."""
    value = getattr(signal, SIGNAL_KEY_FIELDS[signal.label], None)
    return value.encode() if isinstance(value, str) and value else None


def _alert(
    rule_id: str,
    rule_name: str,
    signal: DetectionSignal,
    refs: list[str],
    *,
    window_s: float,
    message: str,
    risk: float,
    extra: dict[str, Any],
) -> dict[str, Any]:
    severity = 99 if risk >= 74 else 73 if risk >= 48 else 47
    alert: dict[str, Any] = {
        "@timestamp": datetime.fromtimestamp(signal.ts, UTC).isoformat().replace("+00:00", "Z"),
        "message": message,
        "event": {
            "kind": "alert",
            "category": ["authentication"] if signal.label == "auth_failure" else ["process"],
            "type": ["start"] if signal.label == "auth_failure" else ["error"],
            "dataset": "logwarden.detections",
            "risk_score": risk,
            "severity": severity,
        },
        "rule": {"id": rule_id, "name": rule_name},
        "logwarden": {
            "detection": {
                "count": len(refs),
                "window_s": window_s,
                "events": refs[-MAX_REFERENCES:],
            }
        },
        "ecs": {"version": "8.11.0"},
    }
    for key, value in extra.items():
        alert[key] = value
    return alert


@dataclass
class Detections:
    """The registered topic, tables and agents (the worker wires the signals topic)."""

    signals: faust.TopicT
    rules: DetectionRules


def register_detections(
    app: faust.App,
    settings: Settings,
    sink: AlertSink,
    rules: DetectionRules | None = None,
) -> Detections:
    """Register the detection agents and tables on ``app``; alerts go to ``sink``."""
    rules = rules or DetectionRules()
    signals = app.topic(
        rules.topic, value_type=DetectionSignal, partitions=settings.topic_partitions
    )

    async def emit(alert: dict[str, Any]) -> None:
        if isinstance(sink, faust.TopicT):
            await sink.send(value=alert)
        else:
            await sink(alert)

    bf_step = rules.brute_force_window_s / 5
    by_ip: Any = (
        app.Table("detect-authfail-by-ip", default=list, partitions=settings.topic_partitions)
        .hopping(rules.brute_force_window_s, bf_step, expires=rules.brute_force_window_s * 2)
        .relative_to_field(_SIGNAL_TS)
    )
    sp_step = rules.spray_window_s / 5
    users_by_ip: Any = (
        app.Table("detect-users-by-ip", default=list, partitions=settings.topic_partitions)
        .hopping(rules.spray_window_s, sp_step, expires=rules.spray_window_s * 2)
        .relative_to_field(_SIGNAL_TS)
    )
    fired = app.Table("detect-fired", default=float, partitions=settings.topic_partitions)

    @app.agent(signals, name="detect-auth-failures")
    async def auth_failures(stream: Any) -> None:
        source = stream.filter(lambda s: s.label == "auth_failure" and bool(s.source_ip))
        async for signal in source:
            ip = signal.source_ip
            assert ip is not None
            by_ip[ip] += [signal.ref]
            refs = _window_with_history(by_ip, ip, signal.ts, rules.brute_force_window_s, bf_step)
            if len(refs) >= rules.brute_force_threshold and _may_fire(
                fired, f"bf|{ip}", signal.ts, rules.brute_force_window_s
            ):
                await emit(
                    _alert(
                        "logwarden-brute-force",
                        "Brute force: repeated authentication failures",
                        signal,
                        refs,
                        window_s=rules.brute_force_window_s,
                        message=f"{len(refs)} authentication failures from {ip} within "
                        f"{rules.brute_force_window_s:g} s",
                        risk=73.0,
                        extra={"source": {"ip": ip}, "related": {"ip": [ip]}},
                    )
                )
            if signal.user:
                users_by_ip[ip] += [f"{signal.user}\t{signal.ref}"]
                entries = _window_with_history(
                    users_by_ip, ip, signal.ts, rules.spray_window_s, sp_step
                )
                users = sorted({entry.split("\t", 1)[0] for entry in entries})
                if len(users) >= rules.spray_min_users and _may_fire(
                    fired, f"spray|{ip}", signal.ts, rules.spray_window_s
                ):
                    await emit(
                        _alert(
                            "logwarden-password-spraying",
                            "Password spraying: one source, many users",
                            signal,
                            [entry.split("\t", 1)[1] for entry in entries],
                            window_s=rules.spray_window_s,
                            message=f"{ip} failed to authenticate as {len(users)} different users "
                            f"within {rules.spray_window_s:g} s",
                            risk=80.0,
                            extra={"source": {"ip": ip}, "related": {"ip": [ip], "user": users}},
                        )
                    )

    burst_counts: Any = (
        app.Table("detect-failures-by-host", default=list, partitions=settings.topic_partitions)
        .tumbling(rules.burst_window_s, expires=rules.burst_window_s * 3)
        .relative_to_field(_SIGNAL_TS)
    )
    baselines = app.Table(
        "detect-failure-baseline", default=dict, partitions=settings.topic_partitions
    )

    @app.agent(signals, name="detect-error-bursts")
    async def error_bursts(stream: Any) -> None:
        source = stream.filter(lambda s: s.label == "service_failure" and bool(s.host))
        async for signal in source:
            host = signal.host
            assert host is not None
            window = math.floor(signal.ts / rules.burst_window_s) * rules.burst_window_s
            previous = burst_counts.relative_to(signal.ts - rules.burst_window_s)[host].value()
            baselines[host] = _roll_baseline(baselines[host], window, len(previous), rules)
            burst_counts[host] += [signal.ref]
            refs = burst_counts[host].value()
            mean = float(baselines[host].get("mean", 0.0))
            if len(refs) >= max(rules.burst_min_count, rules.burst_factor * mean) and _may_fire(
                fired, f"burst|{host}", signal.ts, rules.burst_window_s
            ):
                await emit(
                    _alert(
                        "logwarden-error-burst",
                        "Error burst: service failures far above baseline",
                        signal,
                        refs,
                        window_s=rules.burst_window_s,
                        message=f"{len(refs)} service failures on {host} within "
                        f"{rules.burst_window_s:g} s (baseline {mean:.1f} per window)",
                        risk=60.0,
                        extra={"host": {"hostname": host}},
                    )
                )

    del auth_failures, error_bursts  # registered on the app; nothing else refers to them
    return Detections(signals=signals, rules=rules)


def _window_with_history(table: Any, key: str, ts: float, size: float, step: float) -> list[str]:
    """The value of the earliest hopping window that contains ``ts``: the one that covers the
    most history before it (``(ts - size, ts]`` up to one step)."""
    return list(table.relative_to(ts - (size - step))[key].value())


def _may_fire(fired: Any, key: str, ts: float, window_s: float) -> bool:
    """At most one alert per rule and key per window length."""
    last = float(fired[key] or 0.0)
    if last and ts - last < window_s:
        return False
    fired[key] = ts
    return True


def _roll_baseline(
    state: dict[str, float], window: float, previous_count: int, rules: DetectionRules
) -> dict[str, float]:
    """Fold finished windows into the host's mean failures per window (EWMA; empty windows
    count as zero)."""
    start = state.get("window")
    if start is None:
        return {"window": window, "mean": 0.0}
    if window <= start:
        return state
    alpha = rules.burst_baseline_alpha
    mean = (1 - alpha) * float(state.get("mean", 0.0)) + alpha * previous_count
    skipped = int((window - start) / rules.burst_window_s) - 1
    mean *= (1 - alpha) ** max(0, skipped)
    return {"window": window, "mean": mean}
