"""Suricata and Snort alerts: the ``fast.log`` line and Suricata's EVE JSON.

``12/04/2026-10:11:12.123456  [**] [1:2010935:3] ET SCAN MSSQL probe [**] [Classification:
Attempted Information Leak] [Priority: 2] {TCP} 203.0.113.9:53422 -> 10.0.0.5:1433`` (Snort
writes ``12/04-10:11:12.123456``, without the year, and ``[Drop]`` inline). EVE records are
JSON objects with ``event_type``; ``alert`` records map like Filebeat's Suricata module:
``rule.id`` (gid:sid:rev's sid), ``rule.name`` (the signature), ``rule.category`` (the
classification), ``source.*``/``destination.*``/``network.transport``.

The verdict: priority (EVE ``alert.severity``) 1 and 2 are alerts on their own (severity 73
and 47), 3 and above are signals at 21 (``misc-activity``, ``not-suspicious``: the noisy
informational rules). The classification names the ATT&CK tactic where it can.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.fields import section, set_address, valid_ip
from classifiers.parsing.netsec import set_action, transport
from classifiers.parsing.timeparse import TimestampError, build, from_any, infer_year, micros
from classifiers.parsing.verdict import HIGH, LOW, MEDIUM, Verdict

_FAST = re.compile(
    r"(\d\d)/(\d\d)(?:/(\d{2,4}))?-(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s+"
    r"(?:\[(Drop|wDrop)\]\s+)?\[\*\*\]\s+\[(\d+):(\d+):(\d+)\]\s+(.*?)\s+\[\*\*\]\s+"
    r"(?:\[Classification:\s*([^\]]*)\]\s+)?\[Priority:\s*(\d+)\]\s*"
    r"(?:\{([^}]+)\}\s+(\S+)\s+->\s+(\S+))?\s*\Z"
)
_C2 = ("Command and Control", "T1071 Application Layer Protocol")
_EXPLOIT = ("Initial Access", "T1190 Exploit Public-Facing Application")
_BRUTE = ("Credential Access", "T1110 Brute Force")
_SCAN = ("Discovery", "T1046 Network Service Discovery")
_DOS = ("Impact", "T1498 Network Denial of Service")
#: Classification (and signature) keywords -> (label, ATT&CK); first match wins.
_CLASSES = (
    (("trojan", "command and control", "c2", "malware"), "malware", _C2),
    (("web application attack", "privilege gain", "exploit", "executable code", "shellcode"),
     "intrusion_attempt", _EXPLOIT),
    (("login", "credential", "password"), "intrusion_attempt", _BRUTE),
    (("network scan", " scan ", "information leak", "recon"), "intrusion_attempt", _SCAN),
    (("denial of service",), "intrusion_attempt", _DOS),
)  # fmt: skip


def _meaning(text: str) -> tuple[str, tuple[str | None, str | None]]:
    for words, label, attack in _CLASSES:
        if any(word in text for word in words):
            return label, attack
    return "intrusion_attempt", (None, None)


def verdict(event: dict[str, Any], priority: int, classification: str, signature: str) -> None:
    """The IDS alert's verdict from its priority and classification (see the module doc)."""
    severity = HIGH if priority <= 1 else MEDIUM if priority == 2 else LOW
    label, (tactic, technique) = _meaning(f"{classification} {signature}".lower())
    reason = f"IDS: {classification or signature}"[:120]
    Verdict(label, priority <= 2, severity, reason, tactic, technique).apply(event)
    meta = section(event, "event")
    category = meta.setdefault("category", [])
    if "intrusion_detection" not in category:
        category.insert(0, "intrusion_detection")


def _endpoint(event: dict[str, Any], side: str, text: str) -> None:
    """``1.2.3.4:80``, ``[2001:db8::1]:80``, a bare address or a bare IPv6 address."""
    if text.startswith("["):
        address, _, port = text[1:].partition("]:")
        set_address(event, side, address, port)
        return
    address, sep, port = text.rpartition(":")
    if sep and port.isdigit() and valid_ip(address) is not None:
        set_address(event, side, address, port)
    else:
        set_address(event, side, text)


def parse_fast(text: str, ctx: Context) -> dict[str, Any] | None:
    """A Suricata or Snort ``fast.log`` alert line, or ``None``."""
    match = _FAST.match(text)
    if match is None:
        return None
    month, day, year, hour, minute, second, fraction = match.groups()[:7]
    mark, gid, sid, rev, signature, classification, priority, proto, src, dst = match.groups()[7:]
    event: dict[str, Any] = {"message": text, "event": {"dataset": "ids.fast", "kind": "event"}}
    clock = (int(hour), int(minute), int(second), micros(fraction), ctx.tz)
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        event["@timestamp"] = build(full, int(month), int(day), *clock)
    else:
        event["@timestamp"] = infer_year(int(month), int(day), *clock, ctx.now, ctx.max_future_s)
    event["rule"] = {"id": sid, "name": signature, "version": rev, "ruleset": f"gid {gid}"}
    if classification:
        event["rule"]["category"] = classification
    if proto is not None:
        section(event, "network")["transport"] = transport(proto)
        _endpoint(event, "source", src)
        _endpoint(event, "destination", dst)
    if mark is not None:  # inline mode dropped the packet
        set_action(event, "drop")
    verdict(event, int(priority), classification or "", signature)
    return event


def is_eve(document: dict[str, Any]) -> bool:
    """A Suricata EVE record: ``event_type`` with a flow's addresses."""
    return isinstance(document.get("event_type"), str) and (
        "src_ip" in document or "dest_ip" in document
    )


def from_eve(document: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The ECS event of an EVE record (the record itself is kept under ``suricata.eve``)."""
    kind = document["event_type"]
    event: dict[str, Any] = {
        "event": {"dataset": "suricata.eve", "kind": "event", "module": "suricata"},
        "suricata": {"eve": document},
    }
    if document.get("timestamp") is not None:
        with suppress(TimestampError):
            event["@timestamp"] = from_any(document["timestamp"], ctx.tz)
    if document.get("src_ip"):
        set_address(event, "source", str(document["src_ip"]), str(document.get("src_port", "")))
    if document.get("dest_ip"):
        set_address(
            event, "destination", str(document["dest_ip"]), str(document.get("dest_port", ""))
        )
    if isinstance(document.get("proto"), str):
        section(event, "network")["transport"] = transport(document["proto"])
    if isinstance(document.get("app_proto"), str):
        section(event, "network")["protocol"] = document["app_proto"]
    alert = document.get("alert")
    if kind == "alert" and isinstance(alert, dict):
        signature = str(alert.get("signature", ""))
        classification = str(alert.get("category", ""))
        event["rule"] = {
            "id": str(alert.get("signature_id", "")), "name": signature,
            "category": classification, "version": str(alert.get("rev", "")),
        }  # fmt: skip
        if isinstance(alert.get("action"), str):
            set_action(event, alert["action"])
        severity = alert.get("severity")
        verdict(event, severity if isinstance(severity, int) else 3, classification, signature)
        event["message"] = signature
    else:
        event["message"] = f"suricata {kind}"
    return event
