"""Detection signals are keyed by the field their rule counts on, so the agents need no
repartition: every signal of one source IP (or host) reaches the same partition and tables."""

from __future__ import annotations

from stream.detections import signal_from_event, signal_key

EVENT = {
    "@timestamp": "2026-11-22T10:00:00Z",
    "source": {"ip": "203.0.113.9"},
    "user": {"name": "root"},
    "host": {"hostname": "web-1"},
}


def test_auth_failures_are_keyed_by_source_ip_and_service_failures_by_host() -> None:
    auth = signal_from_event(EVENT, "auth_failure", "doc-1")
    burst = signal_from_event(EVENT, "service_failure", "doc-2")
    assert auth is not None and burst is not None
    assert signal_key(auth) == b"203.0.113.9"
    assert signal_key(burst) == b"web-1"


def test_a_signal_without_its_key_field_has_no_key() -> None:
    signal = signal_from_event({"host": {"hostname": "web-1"}}, "auth_failure", "doc-3")
    assert signal is not None
    assert signal_key(signal) is None
