"""ArcSight Common Event Format.

``CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension`` lines.

Header and extension follow the CEF spec escaping (``\\|`` and ``\\\\`` in the header,
``\\=``, ``\\\\``, ``\\n``, ``\\r`` in values). Well-known extension keys map to ECS the way
Filebeat's ``decode_cef`` does; every key is also kept under ``logwarden.cef.extensions``.
CEF severity (0-10 or Low/Medium/High/Very-High) becomes the ECS ``event.severity`` scale
used across logwarden (21 low, 47 medium, 73 high, 99 critical). ``act`` is the lowercased
``event.action`` with ``event.type`` denied/allowed; custom strings labelled as the rule
give ``rule.name``. The record's parser verdict (:mod:`.netsec`): PAN-OS THREAT logs,
FortiGate UTM and Check Point threat blades alert on their own; other records keep the
vendor severity as a floor the model cannot lower.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import tzinfo
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.fields import section, set_address, set_user
from classifiers.parsing.netsec import vendor_record, vendor_severity
from classifiers.parsing.timeparse import (
    MONTHS,
    Stamp,
    TimestampError,
    build,
    from_epoch,
    from_iso,
    micros,
)

_HEADER_SPLIT = re.compile(r"(?<!\\)\|")
_HEADER_UNESCAPE = re.compile(r"\\([|\\])")
_EXT_KEY = re.compile(r"(?:^|\s)([A-Za-z0-9_.\[\]-]+)=")
_EXT_UNESCAPE = re.compile(r"\\([=\\nr])")
_UNESCAPED = {"=": "=", "\\": "\\", "n": "\n", "r": "\r"}

_RT_TEXT = re.compile(r"(\w{3}) (\d{1,2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\Z")
_RULE_LABELS = frozenset({"rule", "rule name", "rulename", "policy", "policy name"})
_THREAT_LABELS = ("threat", "attack", "signature", "virus", "malware")

# extension key -> (ECS object, field)
_SIMPLE = {
    "outcome": ("event", "outcome"),
    "app": ("network", "protocol"), "request": ("url", "original"),
    "requestMethod": ("http", "request.method"),
    "requestClientApplication": ("user_agent", "original"),
    "fname": ("file", "name"), "filePath": ("file", "path"), "fsize": ("file", "size"),
    "smac": ("source", "mac"), "dmac": ("destination", "mac"),
    "dvchost": ("observer", "hostname"), "dvc": ("observer", "ip"),
    "in": ("source", "bytes"), "out": ("destination", "bytes"),
    "dproc": ("process", "name"), "dpid": ("process", "pid"),
}  # fmt: skip
_SIMPLE_ORDER = {key: index for index, key in enumerate(_SIMPLE)}
_INTEGERS = frozenset({"in", "out", "fsize", "dpid"})


def _rule(event: dict[str, Any], extensions: dict[str, str]) -> None:
    """``rule.name`` from a custom string labelled as the rule (else as the threat), and
    ``rule.category`` from ``cat``."""
    named: dict[str, str] = {}
    for index in range(1, 7):
        label = extensions.get(f"cs{index}Label", "").strip().lower()
        value = extensions.get(f"cs{index}")
        if label and value:
            named[label] = value
    rule = next((v for k, v in named.items() if k in _RULE_LABELS), None)
    rule = rule or next((v for k, v in named.items() if k.startswith(_THREAT_LABELS)), None)
    if rule:
        section(event, "rule")["name"] = rule
    if extensions.get("cat"):
        section(event, "rule")["category"] = extensions["cat"]


def _receipt_time(text: str, tz: tzinfo) -> Stamp:
    """``rt``: epoch milliseconds, ``MMM dd yyyy HH:mm:ss[.SSS]`` or ISO 8601."""
    if text.isdigit():
        return from_epoch(int(text) / 1000.0)
    spelled = _RT_TEXT.match(text)
    if spelled is not None and spelled.group(1) in MONTHS:
        month, day, year, hour, minute, second, fraction = spelled.groups()
        return build(
            int(year), MONTHS[month], int(day), int(hour), int(minute), int(second),
            micros(fraction), tz,
        )  # fmt: skip
    return from_iso(text, tz)


def _unescape_value(match: re.Match[str]) -> str:
    return _UNESCAPED[match.group(1)]


def _extensions(text: str) -> dict[str, str]:
    # split() with the key as a group: [text before the first key, key, value, key, value...]
    pieces = _EXT_KEY.split(text)
    if "\\" not in text:  # nothing escaped (the usual case): pair keys and values in C
        return dict(zip(pieces[1::2], pieces[2::2], strict=True))
    values: dict[str, str] = {}
    for index in range(1, len(pieces), 2):
        raw = pieces[index + 1]
        values[pieces[index]] = _EXT_UNESCAPE.sub(_unescape_value, raw) if "\\" in raw else raw
    return values


def _set(event: dict[str, Any], target: str, field: str, value: Any) -> None:
    part = section(event, target)
    *parents, leaf = field.split(".")
    for parent in parents:
        part = section(part, parent)
    part[leaf] = value


def apply(event: dict[str, Any], text: str, tz: tzinfo) -> bool:
    """Fill ``event`` from a ``CEF:`` record; False when the text is not valid CEF."""
    parts = _HEADER_SPLIT.split(text, 7)
    if len(parts) < 8 or not parts[0].startswith("CEF:"):
        return False
    header = parts[:7]
    if "\\" in text:
        header = [_HEADER_UNESCAPE.sub(r"\1", part) if "\\" in part else part for part in header]
    version, vendor, product, dev_version, signature, name, severity = header
    ext = parts[7]
    extensions = _extensions(ext)
    event["observer"] = {"vendor": vendor, "product": product, "version": dev_version}
    meta = section(event, "event")
    meta.update({"code": signature, "dataset": "cef", "kind": "event"})
    mapped = vendor_severity(severity)
    if mapped is not None:
        meta["severity"] = mapped
    if "src" in extensions:
        set_address(event, "source", extensions["src"], extensions.get("spt"))
    if "dst" in extensions:
        set_address(event, "destination", extensions["dst"], extensions.get("dpt"))
    if "shost" in extensions:
        section(event, "source")["domain"] = extensions["shost"]
    if "dhost" in extensions:
        section(event, "destination")["domain"] = extensions["dhost"]
    if "suser" in extensions:
        section(section(event, "source"), "user")["name"] = extensions["suser"]
        set_user(event, extensions["suser"])
    if "duser" in extensions:
        section(section(event, "destination"), "user")["name"] = extensions["duser"]
        section(section(event, "user"), "target")["name"] = extensions["duser"]
    for key in sorted(_SIMPLE.keys() & extensions.keys(), key=_SIMPLE_ORDER.__getitem__):
        value: Any = extensions[key]
        if key in _INTEGERS and value.isdigit():
            value = int(value)
        target, field = _SIMPLE[key]
        _set(event, target, field, value)
    if "Label=" in ext or "cat" in extensions:  # most records name no rule
        _rule(event, extensions)
    threat = name == "THREAT" and "palo alto" in vendor.lower()  # PAN-OS: subtype is the kind
    vendor_record(
        event, proto=extensions.get("proto"), verb=extensions.get("act"),
        threat_names=(product, name, signature) if threat else (product, name),
        severity=mapped,
    )  # fmt: skip
    if "rt" in extensions:
        with suppress(TimestampError):  # an unknown rt format: syslog header or ingest time
            event["@timestamp"] = _receipt_time(extensions["rt"].strip(), tz)
    event["message"] = extensions.get("msg") or name
    section(event, "logwarden")["cef"] = {
        "version": version.removeprefix("CEF:"), "name": name, "severity": severity,
        "extensions": extensions,
    }  # fmt: skip
    return True


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """A bare CEF line (no syslog header), or ``None``."""
    event: dict[str, Any] = {}
    return event if apply(event, text, ctx.tz) else None
