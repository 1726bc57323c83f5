"""IBM QRadar Log Event Extended Format (LEEF 1.0 and 2.0).

``LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...``, bare or after a syslog
header (see :mod:`.syslog`); LEEF 2.0 adds a
delimiter field after the event id (a character or its hex code, ``^`` or ``x09``). PAN-OS
writes its LEEF attributes separated by ``|``; that is accepted when a 1.0 record has no tab.
Predefined keys (``src``, ``dst``, ``srcPort``, ``dstPort``, ``proto``, ``usrName``, ``sev``
1-10, ``cat``, ``devTime``) map to ECS; ``action``/``act`` is the firewall verb (see
:mod:`.netsec`); every attribute is kept under ``logwarden.leef.attributes``.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

from classifiers.parsing.events import Context
from classifiers.parsing.fields import section, set_address, set_user
from classifiers.parsing.netsec import action_type, vendor_record, vendor_severity
from classifiers.parsing.timeparse import TimestampError, from_any

_HEADER = re.compile(r"LEEF:(1\.0|2\.0|1|2)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|")
_HEX_DELIMITER = re.compile(r"(?:0?x)([0-9a-fA-F]{2,4})\Z")
_ACTIONS = ("action", "act", "Action")
_SEVERITY_KEYS = ("severity", "Severity")


def _delimiter(field: str) -> str:
    hexed = _HEX_DELIMITER.match(field)
    return chr(int(hexed.group(1), 16)) if hexed is not None else field[:1] or "\t"


def _attributes(body: str, delimiter: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in body.split(delimiter):
        key, sep, value = pair.partition("=")
        if sep and key.strip():
            values[key.strip()] = value
    return values


def _severity(attributes: dict[str, str]) -> int | None:
    """``sev`` (1-10), else a ``severity`` word."""
    level = attributes.get("sev") or next(
        (attributes[k] for k in _SEVERITY_KEYS if k in attributes), ""
    )
    return vendor_severity(level)


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """A bare LEEF record, or ``None``."""
    event: dict[str, Any] = {}
    return event if apply(event, text, ctx) else None


def apply(event: dict[str, Any], text: str, ctx: Context) -> bool:
    """Fill ``event`` from a ``LEEF:`` record; False when the text is not valid LEEF."""
    header = _HEADER.match(text)
    if header is None:
        return False
    version, vendor, product, dev_version, event_id = header.groups()
    body = text[header.end() :]
    if version.startswith("2"):
        field, _, body = body.partition("|")
        delimiter = _delimiter(field)
    else:
        delimiter = "\t" if "\t" in body or "|" not in body else "|"
    attributes = _attributes(body, delimiter)
    event["observer"] = {"vendor": vendor, "product": product, "version": dev_version}
    section(event, "event").update({"code": event_id, "dataset": "leef", "kind": "event"})
    event["message"] = text
    if "src" in attributes:
        set_address(event, "source", attributes["src"], attributes.get("srcPort"))
    if "dst" in attributes:
        set_address(event, "destination", attributes["dst"], attributes.get("dstPort"))
    set_user(event, attributes.get("usrName"))
    if attributes.get("cat"):
        section(event, "rule")["category"] = attributes["cat"]
    for key in ("rule", "RuleName", "ruleName", "policy", "attack", "signature", "protection_name"):
        if attributes.get(key):
            section(event, "rule")["name"] = attributes[key]
            break
    verb = next((attributes[k] for k in _ACTIONS if attributes.get(k)), None)
    if verb is None and action_type(event_id) is not None:  # PAN-OS: the id is the action
        verb = event_id
    if attributes.get("devTime"):
        with suppress(TimestampError, ValueError):
            event["@timestamp"] = from_any(attributes["devTime"], ctx.tz)
    category = attributes.get("cat", "")
    threat = category.upper() == "THREAT"  # PAN-OS: the event id is the threat subtype
    vendor_record(
        event, proto=attributes.get("proto"), verb=verb,
        threat_names=(product, category, event_id) if threat else (product, category),
        severity=_severity(attributes),
    )  # fmt: skip
    section(event, "logwarden")["leef"] = {
        "version": version, "event_id": event_id, "attributes": attributes,
    }  # fmt: skip
    return True
