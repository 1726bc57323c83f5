"""The MITRE ATT&CK techniques logwarden's signals and alerts name, with their tactics.

ECS spells a mapping as ``threat.framework``, ``threat.tactic.{id,name}`` and
``threat.technique.{id,name}``; :meth:`Technique.ecs` gives exactly that object, so every
alert and signal maps the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FRAMEWORK = "MITRE ATT&CK"


@dataclass(frozen=True)
class Technique:
    """One ATT&CK technique (or sub-technique) under the tactic it serves here."""

    id: str
    name: str
    tactic_id: str
    tactic_name: str

    def ecs(self) -> dict[str, Any]:
        """The ECS ``threat`` object of this technique."""
        return {
            "framework": FRAMEWORK,
            "tactic": {"id": self.tactic_id, "name": self.tactic_name},
            "technique": {"id": self.id, "name": self.name},
        }


BRUTE_FORCE = Technique("T1110", "Brute Force", "TA0006", "Credential Access")
PASSWORD_GUESSING = Technique("T1110.001", "Password Guessing", "TA0006", "Credential Access")
PASSWORD_SPRAYING = Technique("T1110.003", "Password Spraying", "TA0006", "Credential Access")
VALID_ACCOUNTS = Technique("T1078", "Valid Accounts", "TA0001", "Initial Access")
EXPLOIT_PUBLIC_APP = Technique(
    "T1190", "Exploit Public-Facing Application", "TA0001", "Initial Access"
)
VULNERABILITY_SCANNING = Technique(
    "T1595.002", "Vulnerability Scanning", "TA0043", "Reconnaissance"
)
ACTIVE_SCANNING = Technique("T1595", "Active Scanning", "TA0043", "Reconnaissance")
NETWORK_SERVICE_DISCOVERY = Technique("T1046", "Network Service Discovery", "TA0007", "Discovery")
COMMAND_INTERPRETER = Technique("T1059", "Command and Scripting Interpreter", "TA0002", "Execution")
ELEVATION_CONTROL = Technique(
    "T1548", "Abuse Elevation Control Mechanism", "TA0004", "Privilege Escalation"
)
ACCOUNT_MANIPULATION = Technique("T1098", "Account Manipulation", "TA0003", "Persistence")
CREATE_LOCAL_ACCOUNT = Technique("T1136.001", "Local Account", "TA0003", "Persistence")
CLEAR_EVENT_LOGS = Technique("T1070.001", "Clear Windows Event Logs", "TA0005", "Defense Evasion")


def from_ecs(threat: Any) -> Technique | None:
    """The technique of a parser's ``threat`` object (first one if it lists several)."""
    if not isinstance(threat, dict):
        return None
    technique, tactic = threat.get("technique"), threat.get("tactic")
    if not isinstance(technique, dict) or not isinstance(tactic, dict):
        return None
    ids = [_first(technique.get("id")), _first(technique.get("name"))]
    tactics = [_first(tactic.get("id")), _first(tactic.get("name"))]
    if not all(ids) or not all(tactics):
        return None
    return Technique(ids[0], ids[1], tactics[0], tactics[1])


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def encode_technique(technique: Technique | None) -> str:
    """A technique as one compact string (entity state stores many of them)."""
    if technique is None:
        return ""
    return "|".join((technique.id, technique.name, technique.tactic_id, technique.tactic_name))


def decode_technique(text: str) -> Technique | None:
    parts = text.split("|") if text else []
    return Technique(*parts) if len(parts) == 4 else None
