"""Every alerting rule in one table: id, name, description, severity, risk and ATT&CK.

Severities and risk scores follow Elastic's bands (low 21, medium 47, high 73, critical 99)
and its prebuilt rules where one exists (SSH brute force low/21 from outside and medium/47
from inside, brute force then success high/73, password spraying low/21, a web exploitation
pattern high/73, a port scan low/21). An event matches at most one per-event rule, the
first in table order (a vendor's verdict before the model's label). Operational rules (error
bursts) carry no ATT&CK mapping. The per-event rules are the few events alert-worthy alone;
their conditions are the ``matches`` predicates below. Thresholds and windows live in
:class:`AlertingPolicy`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from classifiers.alerting import attack
from classifiers.alerting.attack import Technique
from classifiers.alerting.signals import Signal

LOW, MEDIUM, HIGH, CRITICAL = 21, 47, 73, 99
#: ``kibana.alert.severity`` words of the Elastic severity numbers.
SEVERITY_NAMES = {LOW: "low", MEDIUM: "medium", HIGH: "high", CRITICAL: "critical"}


def severity_of(risk: float) -> int:
    """Elastic severity band of a 0..100 risk score."""
    if risk >= 74:
        return CRITICAL
    if risk >= 48:
        return HIGH
    if risk >= 22:
        return MEDIUM
    return LOW


@dataclass(frozen=True)
class Rule:
    """One alerting rule as an analyst reads it (the README table is built from these)."""

    id: str
    name: str
    description: str
    severity: int
    technique: Technique | None
    kind: str  # "event", "correlation" or "risk"
    #: Per-event rules only: the condition on one signal.
    matches: Callable[[Signal], bool] | None = None

    @property
    def risk(self) -> int:
        return self.severity


def _confident(signal: Signal) -> bool:
    return signal.probability >= 0.6


EVENT_RULES: tuple[Rule, ...] = (
    Rule(
        "logwarden-audit-log-cleared",
        "Audit log cleared",
        "A security or audit log was cleared: attackers do this to hide their tracks.",
        MEDIUM,
        attack.CLEAR_EVENT_LOGS,
        "event",
        lambda s: s.action == "cleared-audit-log",
    ),
    Rule(
        "logwarden-vendor-verdict",
        "IDS, firewall or parser threat verdict",
        "A record its producer (an IDS, a firewall, a CEF source) or the parser marked as a "
        "threat; the vendor's severity is kept.",
        MEDIUM,
        None,
        "event",
        lambda s: s.parser_alert,
    ),
    Rule(
        "logwarden-web-exploitation",
        "Web exploitation attempt",
        "A request carrying an exploitation pattern (SQL injection, path traversal, command "
        "injection, XSS) against a web server.",
        HIGH,
        attack.EXPLOIT_PUBLIC_APP,
        "event",
        lambda s: (
            s.label == "intrusion_attempt"
            and _confident(s)
            and (s.web or (s.technique or {}).get("id") == attack.EXPLOIT_PUBLIC_APP.id)
        ),
    ),
    Rule(
        "logwarden-malicious-execution",
        "Download-and-execute or malicious command",
        "A command that downloads and runs code, opens a reverse shell or starts a miner.",
        HIGH,
        attack.COMMAND_INTERPRETER,
        "event",
        lambda s: s.label == "malware" and _confident(s),
    ),
)

BRUTE_FORCE = Rule(
    "logwarden-brute-force-source",
    "Brute force from one source",
    "Many failed logons from one source address in a short window (low from an external "
    "source, medium from an internal one).",
    LOW,
    attack.PASSWORD_GUESSING,
    "correlation",
)
BRUTE_FORCE_USER = Rule(
    "logwarden-brute-force-source-user",
    "Brute force against one account",
    "Repeated failed logons for the same user from one source address.",
    LOW,
    attack.PASSWORD_GUESSING,
    "correlation",
)
BRUTE_FORCE_SUCCESS = Rule(
    "logwarden-brute-force-success",
    "Successful logon after brute force",
    "A source that just failed many logons logged on successfully: the password may be guessed.",
    HIGH,
    attack.VALID_ACCOUNTS,
    "correlation",
)
PASSWORD_SPRAYING = Rule(
    "logwarden-password-spraying",
    "Password spraying",
    "One source failing logons against many different users in a short window.",
    LOW,
    attack.PASSWORD_SPRAYING,
    "correlation",
)
PRIVILEGED_ACCOUNT = Rule(
    "logwarden-account-created-privileged",
    "New account added to a privileged group",
    "A user account was created and then added to an administrative group.",
    MEDIUM,
    attack.CREATE_LOCAL_ACCOUNT,
    "correlation",
)
WEB_ATTACK_BURST = Rule(
    "logwarden-web-attack-burst",
    "Web attack campaign from one source",
    "Many web attack attempts from one source address: a scanner or an exploitation run.",
    MEDIUM,
    attack.VULNERABILITY_SCANNING,
    "correlation",
)
ERROR_BURST = Rule(
    "logwarden-error-burst",
    "Error burst",
    "A host's or service's failures far above its usual rate (an operational incident).",
    MEDIUM,
    None,
    "correlation",
)
PORT_SCAN = Rule(
    "logwarden-port-scan",
    "Port scan",
    "Firewall-denied connections from one source to many ports of one destination.",
    LOW,
    attack.NETWORK_SERVICE_DISCOVERY,
    "correlation",
)
HOST_SWEEP = Rule(
    "logwarden-host-sweep",
    "Host sweep",
    "Firewall-denied connections from one source to many destination addresses.",
    LOW,
    attack.NETWORK_SERVICE_DISCOVERY,
    "correlation",
)
ENTITY_RISK = Rule(
    "logwarden-entity-risk",
    "High-risk entity",
    "An address, user or host whose signals and alerts summed to more risk than the threshold "
    "over the risk window (stacking per rule capped): several weak signs together.",
    HIGH,
    None,
    "risk",
)

CORRELATION_RULES: tuple[Rule, ...] = (
    BRUTE_FORCE,
    BRUTE_FORCE_USER,
    BRUTE_FORCE_SUCCESS,
    PASSWORD_SPRAYING,
    PRIVILEGED_ACCOUNT,
    WEB_ATTACK_BURST,
    ERROR_BURST,
    PORT_SCAN,
    HOST_SWEEP,
)
ALL_RULES: tuple[Rule, ...] = (*EVENT_RULES, *CORRELATION_RULES, ENTITY_RISK)
RULES_BY_ID = {rule.id: rule for rule in ALL_RULES}
