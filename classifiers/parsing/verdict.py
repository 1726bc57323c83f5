"""Parser verdicts: what a parser that knows a record's meaning says about it.

A Windows event id, an IDS signature or a firewall's threat verdict carries its meaning in
the record itself; the model must not second-guess it. A verdict lands in the event as

* ``logwarden.parser.label``: a taxonomy label, pinned (the scorer never replaces it);
  absent in a severity-only verdict (a CEF record of an unknown vendor: the model names the
  label, the vendor severity stays a floor, and either may raise an alert),
* ``logwarden.parser.alert``: ``True`` when the record alone is worth an alert (a cleared
  audit log, an IDS alert); ``False`` for signals that matter only in correlation (one
  failed logon, one firewall block),
* ``logwarden.parser.reason``: why, in a few words (the rule or heuristic that fired),
* ``event.severity`` on Elastic's bands (21/47/73/99): a floor the scorer never lowers,
* ``threat.*``: the MITRE ATT&CK tactic and technique, when known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classifiers.parsing.fields import section

LOW, MEDIUM, HIGH, CRITICAL = 21, 47, 73, 99

#: ATT&CK tactic ids by name (Enterprise matrix).
TACTICS = {
    "Initial Access": "TA0001", "Execution": "TA0002", "Persistence": "TA0003",
    "Privilege Escalation": "TA0004", "Defense Evasion": "TA0005",
    "Credential Access": "TA0006", "Discovery": "TA0007", "Lateral Movement": "TA0008",
    "Collection": "TA0009", "Exfiltration": "TA0010", "Command and Control": "TA0011",
    "Impact": "TA0040",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Verdict:
    """One parser verdict; ``technique`` is ``"T1059.001 PowerShell"`` (id, space, name)."""

    label: str | None
    alert: bool
    severity: int
    reason: str
    tactic: str | None = None
    technique: str | None = None

    def apply(self, event: dict[str, Any]) -> None:
        """Write the verdict into ``event`` (an earlier, graver verdict is kept)."""
        own = section(event, "logwarden")
        previous = own.get("parser")
        if isinstance(previous, dict) and _rank(previous, event) >= (self.alert, self.severity):
            return
        verdict: dict[str, Any] = {"alert": self.alert, "reason": self.reason}
        if self.label is not None:
            verdict["label"] = self.label
        own["parser"] = verdict
        section(event, "event")["severity"] = self.severity
        if self.tactic is None:
            return
        threat: dict[str, Any] = {
            "framework": "MITRE ATT&CK",
            "tactic": {"id": [TACTICS[self.tactic]], "name": [self.tactic]},
        }
        if self.technique is not None:
            number, _, name = self.technique.partition(" ")
            threat["technique"] = {"id": [number], "name": [name]}
        event["threat"] = threat


def _rank(previous: dict[str, Any], event: dict[str, Any]) -> tuple[bool, int]:
    severity = section(event, "event").get("severity")
    return bool(previous.get("alert")), severity if isinstance(severity, int) else 0


def band(level: int, scale: int = 10) -> int:
    """Elastic severity of a vendor level on a 0..``scale`` scale (CEF 0-10, LEEF 1-10)."""
    share = level / scale
    return LOW if share <= 0.3 else MEDIUM if share <= 0.6 else HIGH if share <= 0.8 else CRITICAL
