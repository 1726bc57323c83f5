"""Thresholds and windows of the alerting rules (the worker fills them from its Settings).

Defaults follow the anchors in ``docs/alerting.md``: Elastic's prebuilt rules for the
thresholds, Splunk risk-based alerting for entity risk (24 h window, threshold 100, stacking
per rule capped).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Group names that make a member an administrator (Linux and Windows).
PRIVILEGED_GROUPS = frozenset({
    "root", "sudo", "wheel", "admin", "adm", "administrators", "domain admins",
    "enterprise admins", "schema admins", "backup operators",
})  # fmt: skip


@dataclass(frozen=True)
class AlertingPolicy:
    """Every number the rules use; windows in event-time seconds."""

    brute_force_failures: int = 20
    brute_force_window_s: float = 600.0
    brute_force_user_failures: int = 10
    brute_force_success_failures: int = 10
    spray_min_users: int = 11
    spray_min_failures: int = 30
    spray_window_s: float = 300.0
    account_privilege_window_s: float = 3600.0
    web_burst_attempts: int = 10
    web_burst_window_s: float = 600.0
    burst_window_s: float = 300.0
    burst_min_count: int = 50
    burst_factor: float = 5.0
    burst_baseline_alpha: float = 0.2
    scan_min_ports: int = 20
    sweep_min_hosts: int = 20
    scan_window_s: float = 60.0
    risk_window_s: float = 86_400.0
    risk_threshold: float = 100.0
    risk_cap_per_rule: float = 40.0
    #: Distinct rules or labels an entity's risk must come from: the risk alert is for several
    #: weak signs together, not a restatement of one alert and its own signals.
    risk_min_sources: int = 3
    #: A signal adds this share of its 0..100 risk to each of its entities.
    signal_risk_factor: float = 0.25
    #: One alert per rule and entity per this many seconds; later matches update it.
    suppression_s: float = 3600.0
    #: Contributing signal ids and templates kept per alert.
    max_references: int = 50
    #: Entries kept per rule window and entity (a bound under any flood).
    max_window_entries: int = 200

    def __post_init__(self) -> None:
        if self.risk_threshold <= 0 or self.suppression_s <= 0:
            raise ValueError("risk_threshold and suppression_s must be positive")

    @property
    def horizon_s(self) -> float:
        """The longest time an entity's state must remember."""
        return max(
            self.brute_force_window_s,
            self.spray_window_s,
            self.account_privilege_window_s,
            self.web_burst_window_s,
            self.burst_window_s * 2,  # the baseline's previous window
            self.scan_window_s,
            self.risk_window_s,
            self.suppression_s,
        )
