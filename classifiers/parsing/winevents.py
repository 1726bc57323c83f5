"""The one table of security-relevant Windows event ids: ECS meaning, label, ATT&CK, alerting.

Each row says what an event id means (``event.action``/``category``/``type``, the
Winlogbeat names where they exist), which taxonomy label it pins, its ATT&CK tactic and
technique, and whether the record ALONE is worth an alert (``alert=True``, with an Elastic
severity) or is only a signal for correlation rules (``alert=False``: one failed logon, one
new account, one service install are routine; brute force or "account created then added to
Administrators" are the alerting engine's correlation rules). Content heuristics
(:mod:`.winheuristics`) can raise a signal row to an alert, e.g. a Sysmon process creation
running ``powershell -w hidden -enc``.

Rows are keyed by (channel family, event id): the same number means different things in
different logs (Sysmon 1 is a process creation, System 104 a cleared log).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classifiers.parsing.verdict import CRITICAL, HIGH, LOW, MEDIUM

BENIGN = "benign"


@dataclass(frozen=True, slots=True)
class WinEvent:
    """The meaning of one (channel family, event id)."""

    action: str
    category: tuple[str, ...]
    type: tuple[str, ...]
    label: str = BENIGN
    tactic: str | None = None
    technique: str | None = None  # "T1110 Brute Force"
    alert: bool = False
    severity: int = LOW
    outcome: str | None = None


def _row(
    action: str, category: str, kind: str, label: str = BENIGN,
    attack: tuple[str, str] | None = None, *, alert: bool = False, severity: int = LOW,
    outcome: str | None = None,
) -> WinEvent:  # fmt: skip
    """A row from compact arguments: comma-separated category/type, (tactic, technique)."""
    tactic, technique = attack or (None, None)
    return WinEvent(
        action, tuple(category.split(",")), tuple(kind.split(",")), label, tactic, technique,
        alert, severity, outcome,
    )  # fmt: skip


_AUTH, _IAM, _PROC = "authentication", "iam", "process"
_P, _DE, _CA = "Persistence", "Defense Evasion", "Credential Access"
_BRUTE = (_CA, "T1110 Brute Force")
_CREATE = (_P, "T1136.001 Local Account")
_MANIP = (_P, "T1098 Account Manipulation")
_CLEAR = (_DE, "T1070.001 Clear Windows Event Logs")
_NO_AUDIT = (_DE, "T1562.002 Disable Windows Event Logging")
_SERVICE = (_P, "T1543.003 Windows Service")
_TASK = (_P, "T1053.005 Scheduled Task")
_INJECT = (_DE, "T1055 Process Injection")
_WMI = (_P, "T1546.003 Windows Management Instrumentation Event Subscription")
_MALWARE = ("Execution", "T1204 User Execution")
_DEFENDER_OFF = (_DE, "T1562.001 Disable or Modify Tools")
_HIGH: dict[str, Any] = {"alert": True, "severity": HIGH}
_FAILED: dict[str, Any] = {"outcome": "failure"}

#: (family, event id) -> meaning. Families: security, system, application, sysmon,
#: powershell (Operational and classic), defender. See :func:`family`.
TABLE: dict[tuple[str, int], WinEvent] = {
    # -- logons and failures (correlation signals: brute force, spraying, lateral logons)
    ("security", 4624): _row("logged-in", _AUTH, "start", outcome="success"),
    ("security", 4625): _row("logon-failed", _AUTH, "start", "auth_failure", _BRUTE, **_FAILED),
    ("security", 4634): _row("logged-out", _AUTH, "end", outcome="success"),
    ("security", 4648): _row("logged-in-explicit", _AUTH, "start", outcome="success"),
    ("security", 4768): _row("kerberos-authentication-ticket-requested", _AUTH, "start"),
    ("security", 4769): _row("kerberos-service-ticket-requested", _AUTH, "start"),
    ("security", 4771): _row(
        "kerberos-preauth-failed", _AUTH, "start", "auth_failure", _BRUTE, **_FAILED
    ),
    ("security", 4776): _row("credential-validated", _AUTH, "start"),
    # -- account and group management (signals; privileged groups and fake machine
    #    accounts are raised by the heuristics)
    ("security", 4720): _row(
        "added-user-account", _IAM, "user,creation", "account_change", _CREATE
    ),
    ("security", 4722): _row("enabled-user-account", _IAM, "user,change", "account_change", _MANIP),
    ("security", 4723): _row("changed-password", _IAM, "user,change", "account_change"),
    ("security", 4724): _row("reset-password", _IAM, "user,change", "account_change", _MANIP),
    ("security", 4725): _row("disabled-user-account", _IAM, "user,change", "account_change"),
    ("security", 4726): _row("deleted-user-account", _IAM, "user,deletion", "account_change"),
    ("security", 4728): _row(
        "added-member-to-group", _IAM, "group,change", "account_change", _MANIP
    ),
    ("security", 4732): _row(
        "added-member-to-group", _IAM, "group,change", "account_change", _MANIP
    ),
    ("security", 4756): _row(
        "added-member-to-group", _IAM, "group,change", "account_change", _MANIP
    ),
    ("security", 4738): _row("modified-user-account", _IAM, "user,change", "account_change"),
    ("security", 4741): _row("added-computer-account", _IAM, "host,creation", "account_change"),
    ("security", 4742): _row("changed-computer-account", _IAM, "host,change", "account_change"),
    ("security", 4781): _row("renamed-user-account", _IAM, "user,change", "account_change"),
    ("security", 4794): _row(
        "set-dsrm-password", _IAM, "user,change", "account_change", _MANIP, **_HIGH
    ),
    # -- privileges and tokens
    ("security", 4826): _row("loaded-boot-configuration", "configuration", "info"),
    ("security", 4672): _row("logged-in-special", _IAM, "admin"),
    ("security", 4673): _row("privileged-service-called", _IAM, "admin"),
    ("security", 4703): _row("token-right-adjusted", _IAM, "admin"),
    # -- processes, services and scheduled tasks
    ("security", 4688): _row("created-process", _PROC, "start"),
    ("security", 4697): _row(
        "service-installed", "iam,configuration", "admin,creation", attack=_SERVICE
    ),
    ("system", 7045): _row(
        "service-installed", "iam,configuration", "admin,creation", attack=_SERVICE
    ),
    ("security", 4698): _row(
        "scheduled-task-created", "iam,configuration", "admin,creation", attack=_TASK
    ),
    ("security", 4702): _row(
        "scheduled-task-updated", "iam,configuration", "admin,change", attack=_TASK
    ),
    ("system", 7036): _row("service-state-changed", "configuration", "change"),
    ("security", 4661): _row("requested-sam-handle", "iam", "access"),
    ("security", 4662): _row("directory-object-operation", "iam", "access"),
    ("security", 5136): _row("directory-object-modified", _IAM, "change"),
    ("security", 4719): _row("audit-policy-changed", "configuration", "change"),
    ("system", 7031): _row("service-crashed", "configuration", "change"),
    ("system", 7034): _row("service-crashed", "configuration", "change"),
    # -- object and share access (signals)
    ("security", 4656): _row("requested-handle", "file", "access"),
    ("security", 4663): _row("accessed-object", "file", "access"),
    ("security", 5140): _row("accessed-network-share", "network,file", "access"),
    ("security", 5145): _row("checked-network-share-access", "network,file", "access"),
    # -- log clearing and audit tampering: alert-worthy alone
    ("security", 1102): _row(
        "cleared-audit-log", "iam", "admin,deletion", "malware", _CLEAR, **_HIGH
    ),
    ("system", 104): _row("cleared-log", "iam", "admin,deletion", "malware", _CLEAR, **_HIGH),
    ("security", 1100): _row(
        "audit-service-stopped", "process", "end", "malware", _NO_AUDIT, alert=True, severity=MEDIUM
    ),
    # -- Sysmon (content heuristics decide alerts; remote threads are alerts alone)
    ("sysmon", 1): _row("created-process", _PROC, "start"),
    ("sysmon", 2): _row("file-creation-time-changed", "file", "change"),
    ("sysmon", 3): _row("network-connection", "network", "connection,start"),
    ("sysmon", 5): _row("process-terminated", _PROC, "end"),
    ("sysmon", 6): _row("driver-loaded", "driver", "start"),
    ("sysmon", 7): _row("image-loaded", _PROC, "change"),
    ("sysmon", 8): _row("created-remote-thread", _PROC, "change", attack=_INJECT),
    ("sysmon", 10): _row("process-accessed", _PROC, "access"),
    ("sysmon", 11): _row("file-created", "file", "creation"),
    ("sysmon", 12): _row("registry-object-added-or-deleted", "configuration", "change"),
    ("sysmon", 13): _row("registry-value-set", "configuration", "change"),
    ("sysmon", 14): _row("registry-object-renamed", "configuration", "change"),
    ("sysmon", 15): _row("file-stream-created", "file", "creation"),
    ("sysmon", 17): _row("pipe-created", "file", "creation"),
    ("sysmon", 18): _row("pipe-connected", "file", "access"),
    ("sysmon", 19): _row(
        "wmi-filter-registered", "configuration", "creation", "malware", _WMI, **_HIGH
    ),
    ("sysmon", 20): _row(
        "wmi-consumer-registered", "configuration", "creation", "malware", _WMI, **_HIGH
    ),
    ("sysmon", 21): _row(
        "wmi-consumer-bound", "configuration", "creation", "malware", _WMI, **_HIGH
    ),
    ("sysmon", 22): _row("dns-query", "network", "protocol,info"),
    ("sysmon", 23): _row("file-deleted", "file", "deletion"),
    # -- PowerShell (script content decides)
    ("powershell", 4103): _row("executed-pipeline", _PROC, "info"),
    ("powershell", 4104): _row("executed-script-block", _PROC, "info"),
    ("powershell", 400): _row("engine-started", _PROC, "start"),
    ("powershell", 800): _row("executed-pipeline", _PROC, "info"),
    # -- Defender: a detection is an alert
    ("defender", 1116): _row(
        "malware-detected",
        "malware,intrusion_detection",
        "info",
        "malware",
        ("Execution", "T1204 User Execution"),
        alert=True,
        severity=HIGH,
    ),
    ("defender", 1117): _row(
        "malware-action-taken",
        "malware,intrusion_detection",
        "info",
        "malware",
        ("Execution", "T1204 User Execution"),
        alert=True,
        severity=MEDIUM,
    ),
    ("defender", 5001): _row(
        "real-time-protection-disabled", "malware", "change", "malware", _DEFENDER_OFF, **_HIGH
    ),
    ("defender", 5010): _row(
        "antispyware-disabled", "malware", "change", "malware", _DEFENDER_OFF, **_HIGH
    ),
    ("defender", 5012): _row(
        "antivirus-disabled", "malware", "change", "malware", _DEFENDER_OFF, **_HIGH
    ),
    ("defender", 5013): _row(
        "tamper-protection-blocked-change",
        "malware",
        "change",
        "malware",
        _DEFENDER_OFF,
        alert=True,
        severity=MEDIUM,
    ),
    ("defender", 5007): _row("configuration-changed", "configuration", "change"),
    # -- WMI activity: permanent consumers (the heuristic decides)
    ("wmi", 5861): _row("wmi-consumer-registered", "configuration", "creation", attack=_WMI),
    # -- SQL Server (Application log): failed logons are signals
    ("application", 18456): _row("logon-failed", _AUTH, "start", "auth_failure", _BRUTE, **_FAILED),
    ("application", 15457): _row("changed-server-configuration", "configuration", "change"),
    ("application", 33205): _row("audited-statement", "database", "info"),
    ("application", 15281): _row("blocked-component-access", "database", "denied"),
    # -- BITS: a job's transfer (the URL decides, see the heuristics)
    ("bits", 59): _row("bits-transfer-started", "network", "start"),
}

#: Channel (lower case) -> family of :data:`TABLE`.
_FAMILIES = {
    "security": "security",
    "system": "system",
    "application": "application",
    "microsoft-windows-sysmon/operational": "sysmon",
    "microsoft-windows-powershell/operational": "powershell",
    "windows powershell": "powershell",
    "microsoft-windows-windows defender/operational": "defender",
    "microsoft-windows-bits-client/operational": "bits",
    "microsoft-windows-wmi-activity/operational": "wmi",
}

#: Channel (lower case) -> ``event.dataset`` as Elastic Agent's integrations name it.
DATASETS = {
    "security": "system.security",
    "system": "system.system",
    "application": "system.application",
    "microsoft-windows-sysmon/operational": "windows.sysmon_operational",
    "microsoft-windows-powershell/operational": "windows.powershell_operational",
    "windows powershell": "windows.powershell",
    "microsoft-windows-windows defender/operational": "windows.windows_defender",
}


def family(channel: str) -> str | None:
    """The table family of a channel name, ``None`` for channels the table does not cover."""
    return _FAMILIES.get(channel.lower())


def lookup(channel: str, code: int) -> WinEvent | None:
    """The row of an event id in a channel, or ``None``."""
    kind = family(channel)
    return None if kind is None else TABLE.get((kind, code))


__all__ = ["CRITICAL", "DATASETS", "HIGH", "LOW", "MEDIUM", "TABLE", "WinEvent", "family", "lookup"]
