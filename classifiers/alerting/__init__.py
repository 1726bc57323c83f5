"""Alerting: signals, per-event and correlation rules, entity risk, exceptions, alert documents.

Pure and deterministic in event time (no I/O, no clock): the stream's Faust agent and the
offline ``hunt`` command run the same :class:`AlertEngine`.
"""

from classifiers.alerting.allowlist import AllowList, AllowListError
from classifiers.alerting.engine import AlertEngine, entity_key, split_key
from classifiers.alerting.policy import AlertingPolicy
from classifiers.alerting.signals import Signal, correlates, signal_from_event

__all__ = [
    "AlertEngine",
    "AlertingPolicy",
    "AllowList",
    "AllowListError",
    "Signal",
    "correlates",
    "entity_key",
    "signal_from_event",
    "split_key",
]
