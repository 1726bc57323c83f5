"""Firewall and IDS meaning shared by the kernel, CEF, LEEF and Suricata/Snort parsers.

* :func:`set_action`: the vendor's verb lowercased in ``event.action``, ``event.category:
  ["network"]`` and ``event.type: ["denied"]`` or ``["allowed"]`` (what the alerting
  engine's port-scan and host-sweep rules count, with ``source.ip``, ``destination.ip``,
  ``destination.port`` and ``network.transport``).
* :func:`vendor_verdict`: a firewall's threat verdict (PAN-OS THREAT logs, FortiGate UTM
  IPS/antivirus, Check Point IPS/Anti-Bot/Anti-Virus) of medium or higher vendor severity is
  alert-worthy alone, at that severity; any other CEF/LEEF record keeps the vendor's
  severity as a floor (a severity-only verdict: the model still names the label, and a
  high vendor severity alerts). A plain block is a correlation signal (pinned
  ``intrusion_attempt``, no alert alone); an allow is pinned ``benign``.
"""

from __future__ import annotations

from typing import Any

from classifiers.parsing.fields import section
from classifiers.parsing.verdict import CRITICAL, HIGH, LOW, MEDIUM, Verdict, band

_DENIED = frozenset({
    "block", "blocked", "deny", "denied", "drop", "dropped", "reject", "rejected",
    "reset-both", "reset-client", "reset-server", "reset", "close-deny", "prevent",
    "detect-and-prevent", "sinkhole", "quarantine", "quarantined",
})  # fmt: skip
_ALLOWED = frozenset({
    "accept", "accepted", "allow", "allowed", "permit", "permitted", "pass", "passed",
    "close", "start", "end", "client-rst", "server-rst", "timeout", "detect", "alert", "audit",
})  # fmt: skip

_C2 = ("Command and Control", "T1071 Application Layer Protocol")
_EXPLOIT = ("Initial Access", "T1190 Exploit Public-Facing Application")
_MALWARE = ("Execution", "T1204 User Execution")
_SCAN = ("Discovery", "T1046 Network Service Discovery")
_FLOOD = ("Impact", "T1498 Network Denial of Service")

#: Threat kinds (PAN-OS subtypes, FortiGate UTM types, Check Point blades) -> label, ATT&CK.
_THREATS: dict[str, tuple[str, tuple[str, str]]] = {
    "spyware": ("malware", _C2), "anti-bot": ("malware", _C2), "botnet": ("malware", _C2),
    "virus": ("malware", _MALWARE), "wildfire-virus": ("malware", _MALWARE),
    "wildfire": ("malware", _MALWARE), "anti-virus": ("malware", _MALWARE),
    "threat emulation": ("malware", _MALWARE), "av": ("malware", _MALWARE),
    "vulnerability": ("intrusion_attempt", _EXPLOIT), "ips": ("intrusion_attempt", _EXPLOIT),
    "smartdefense": ("intrusion_attempt", _EXPLOIT), "waf": ("intrusion_attempt", _EXPLOIT),
    "scan": ("intrusion_attempt", _SCAN), "flood": ("intrusion_attempt", _FLOOD),
    "anomaly": ("intrusion_attempt", _FLOOD), "dos": ("intrusion_attempt", _FLOOD),
}  # fmt: skip


_IANA_PROTOCOLS = {"1": "icmp", "6": "tcp", "17": "udp", "47": "gre", "58": "ipv6-icmp"}


def transport(proto: str) -> str:
    """``network.transport`` of a protocol name or IANA number."""
    value = proto.strip().lower()
    return _IANA_PROTOCOLS.get(value, value)


def action_type(verb: str) -> str | None:
    """``denied``, ``allowed`` or ``None`` (not a verdict on a connection) for a vendor verb."""
    word = verb.strip().lower()
    if word in _DENIED:
        return "denied"
    if word in _ALLOWED:
        return "allowed"
    return None


def set_action(event: dict[str, Any], verb: str) -> None:
    """``event.action`` (the verb lowercased) and, for connection verdicts, category/type."""
    meta = section(event, "event")
    meta["action"] = verb.strip().lower()
    kind = action_type(verb)
    if kind is None:
        return
    category = meta.setdefault("category", [])
    if "network" not in category:
        category.append("network")
    types = meta.setdefault("type", [])
    if kind not in types:
        types.append(kind)


def threat_kind(*names: str) -> str | None:
    """The first of ``names`` (lowercased, ``utm:`` prefixes dropped) that names a threat."""
    for name in names:
        word = name.strip().lower().removeprefix("utm:").split(" ", 1)[0]
        if word in _THREATS:
            return word
        whole = name.strip().lower()
        if whole in _THREATS:
            return whole
    return None


def vendor_verdict(event: dict[str, Any], kind: str | None, severity: int | None) -> None:
    """The verdict of a CEF/LEEF record: a threat ``kind`` alerts (from medium vendor
    severity); a firewall allow/deny is a pinned signal that only a high vendor severity turns
    into an alert; anything else keeps the vendor severity as a severity-only floor."""
    types = section(event, "event").get("type") or []
    if kind is not None:
        label, (tactic, technique) = _THREATS[kind]
        level = severity or MEDIUM
        alert = level >= MEDIUM  # informational threat logs ("HTTP OPTIONS seen") stay signals
        Verdict(label, alert, level, f"{kind} verdict", tactic, technique).apply(event)
    elif "denied" in types or "allowed" in types:
        denied = "denied" in types
        label = "intrusion_attempt" if denied else "benign"
        level = severity or LOW
        reason = "firewall block" if denied else "firewall allow"
        Verdict(label, level >= HIGH, level, reason).apply(event)
    elif severity is not None:
        Verdict(None, severity >= HIGH, severity, "vendor severity").apply(event)


def vendor_record(
    event: dict[str, Any],
    *,
    proto: str | None,
    verb: str | None,
    threat_names: tuple[str, ...],
    severity: int | None,
) -> None:
    """What a CEF or LEEF record gets from here: transport, action, then its verdict."""
    if proto:
        section(event, "network")["transport"] = transport(proto)
    if verb:
        set_action(event, verb)
    vendor_verdict(event, threat_kind(*threat_names), severity)


def vendor_severity(raw: str) -> int | None:
    """Elastic severity of a vendor level: 0-10 (CEF, LEEF ``sev``) or a word."""
    raw = raw.strip()
    if raw.isdigit():
        return band(min(int(raw), 10))
    return SEVERITY_WORDS.get(raw.lower())


#: Vendor severity words (PAN-OS, Check Point, LEEF ``severity``) -> Elastic bands.
SEVERITY_WORDS = {
    "informational": LOW, "info": LOW, "low": LOW, "unknown": LOW, "medium": MEDIUM,
    "high": HIGH, "very-high": CRITICAL, "critical": CRITICAL,
}  # fmt: skip
