"""The alerting engine as the settings configure it (shared by the worker and ``hunt``)."""

from __future__ import annotations

from dataclasses import fields

from classifiers.alerting import AlertEngine, AlertingPolicy, AllowList
from stream.config import Settings

SETTINGS_PREFIX = "alert_"


def alerting_policy(settings: Settings) -> AlertingPolicy:
    """Every policy field that Settings spells ``alert_<field>`` taken from the settings."""
    values = {
        f.name: getattr(settings, SETTINGS_PREFIX + f.name)
        for f in fields(AlertingPolicy)
        if hasattr(settings, SETTINGS_PREFIX + f.name)
    }
    return AlertingPolicy(**values)


def alert_engine(settings: Settings) -> AlertEngine:
    """The engine with the configured policy and allow-list (raises ``AllowListError``)."""
    return AlertEngine(alerting_policy(settings), AllowList.load(settings.alert_allowlist_path))
