"""Windows events as Winlogbeat and Elastic Agent ship them: ``winlog.*`` to ECS + a verdict.

A Winlogbeat document (``winlog.channel``, ``winlog.event_id``, ``winlog.event_data``...) is
ECS already; :func:`enrich` adds what logwarden needs from the event id's meaning: the
``event.action``/``category``/``type``/``outcome`` of :data:`.winevents.TABLE`,
``user.*``, ``source.*``, ``destination.*``, ``process.*``, ``dns.*``, ``registry.*`` and
``file.*`` from the event data, and the parser verdict (:mod:`.verdict`): a row's own
verdict, raised to an alert by a content heuristic (:mod:`.winheuristics`) when one fires.
Events of ids the table does not know keep what they came with and get no verdict (the
model judges them). Raw ``.evtx`` records become the same document in :mod:`.evtx`.
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.parsing.fields import section, set_address, to_int, valid_ip
from classifiers.parsing.verdict import Verdict
from classifiers.parsing.winevents import BENIGN, DATASETS, family, lookup
from classifiers.parsing.winheuristics import HEURISTICS, basename

#: Logon type number -> Winlogbeat's ``winlog.logon.type`` name.
LOGON_TYPES = {
    "2": "Interactive", "3": "Network", "4": "Batch", "5": "Service", "7": "Unlock",
    "8": "NetworkCleartext", "9": "NewCredentials", "10": "RemoteInteractive",
    "11": "CachedInteractive",
}  # fmt: skip
_PLACEHOLDERS = frozenset({"", "-", "::1", "127.0.0.1"})
_MESSAGE_FIELDS = 12
_MESSAGE_VALUE = 240


def event_data(winlog: dict[str, Any]) -> dict[str, str]:
    """``winlog.event_data`` and ``winlog.user_data`` as one str -> str map."""
    merged: dict[str, str] = {}
    for key in ("user_data", "event_data"):
        part = winlog.get(key)
        if isinstance(part, dict):
            merged.update({k: str(v) for k, v in part.items() if v is not None})
    return merged


def summary(winlog: dict[str, Any], data: dict[str, str]) -> str:
    """A readable line in place of the rendered message (``.evtx`` files hold no message
    text, and a shipper may leave it out): provider, id and the first event data fields."""
    fields = "; ".join(
        f"{key}={value[:_MESSAGE_VALUE]}"
        for key, value in list(data.items())[:_MESSAGE_FIELDS]
        if value and value != "-"
    )
    source = winlog.get("provider_name") or winlog.get("channel")
    return f"{source} event {winlog.get('event_id')}: {fields}".rstrip(": ")


def enrich(event: dict[str, Any]) -> None:
    """Add ECS fields and the parser verdict to a document with a ``winlog`` object."""
    winlog = event["winlog"]
    meta = section(event, "event")
    channel = str(winlog.get("channel") or "")
    code = to_int(str(meta.get("code") or winlog.get("event_id") or ""))
    if code is None:
        return
    meta["code"] = str(code)
    if meta.get("dataset") in (None, "json"):
        meta["dataset"] = DATASETS.get(channel.lower(), "windows.eventlog")
    data = event_data(winlog)
    if not isinstance(event.get("message"), str) or not event["message"]:
        event["message"] = summary(winlog, data)
    kind = family(channel)
    row = lookup(channel, code)
    if row is not None:
        meta.setdefault("action", row.action)
        meta.setdefault("category", list(row.category))
        meta.setdefault("type", list(row.type))
        if row.outcome is not None:
            meta.setdefault("outcome", row.outcome)
    _identity(event, data, row is not None and "authentication" in row.category)
    if kind == "application" and code == 18456:
        _sql_logon(event, data)
    _activity(event, data)
    if code == 4776 and data.get("Status", "0x0").lower() != "0x0":
        meta["outcome"] = "failure"
    rule = HEURISTICS.get((kind, code)) if kind is not None else None
    found = rule(data) if rule is not None else None
    if found is not None:
        found.apply(event)
    elif row is not None:
        label = row.label
        if code == 4776 and meta.get("outcome") == "failure":
            label = "auth_failure"
        Verdict(label, row.alert, row.severity, row.action if label != BENIGN else "routine",
                row.tactic, row.technique).apply(event)  # fmt: skip


def _identity(event: dict[str, Any], data: dict[str, str], logon: bool) -> None:
    """``user.*``, ``group.name``, ``source.*`` and ``winlog.logon.type``."""
    winlog = event["winlog"]
    subject = data.get("SubjectUserName", "")
    target = data.get("TargetUserName", "")
    if logon and target:
        _user(event, target, data.get("TargetDomainName"))
    elif subject and subject != "-":
        _user(event, subject, data.get("SubjectDomainName"))
        if target and "MemberName" not in data and "MemberSid" not in data:
            section(section(event, "user"), "target")["name"] = target
    elif "\\" in data.get("User", ""):
        domain, _, name = data["User"].partition("\\")
        _user(event, name, domain)
    if "MemberSid" in data or "MemberName" in data:
        section(event, "group")["name"] = target
        member = data.get("MemberName") or data.get("MemberSid", "")
        section(section(event, "user"), "target")["name"] = member
    logon_type = data.get("LogonType")
    if logon_type is not None:
        section(winlog, "logon")["type"] = LOGON_TYPES.get(logon_type, logon_type)
    address = data.get("IpAddress", "").removeprefix("::ffff:")
    if address not in _PLACEHOLDERS and valid_ip(address) is not None:
        set_address(event, "source", address, data.get("IpPort"))
    workstation = data.get("WorkstationName", "")
    if workstation not in _PLACEHOLDERS:
        section(event, "source")["domain"] = workstation


_SQL_CLIENT = re.compile(r"CLIENT:\s*([0-9A-Fa-f.:]+)\]")


def _sql_logon(event: dict[str, Any], data: dict[str, str]) -> None:
    """SQL Server 18456 (login failed): ``param1`` is the login, ``param3`` reads
    ``[CLIENT: <address>]``; both feed the engine's brute-force rules."""
    if data.get("param1"):
        _user(event, data["param1"], None)
    found = _SQL_CLIENT.search(data.get("param3", ""))
    if found and found.group(1) not in _PLACEHOLDERS and valid_ip(found.group(1)) is not None:
        set_address(event, "source", found.group(1), None)


def _user(event: dict[str, Any], name: str, domain: str | None) -> None:
    user = section(event, "user")
    user["name"] = name
    if domain and domain != "-":
        user["domain"] = domain


def _activity(event: dict[str, Any], data: dict[str, str]) -> None:
    """``process.*``, network ends, ``dns``, ``registry`` and ``file`` from Sysmon-style data."""
    image = data.get("Image") or data.get("NewProcessName") or data.get("ProcessName")
    if image:
        process = section(event, "process")
        process["executable"] = image
        process["name"] = basename(image)
        pid = to_int(data.get("ProcessId") or data.get("NewProcessId"))
        if pid is not None:
            process["pid"] = pid
        if data.get("CommandLine"):
            process["command_line"] = data["CommandLine"]
        parent_image = data.get("ParentImage") or data.get("ParentProcessName")
        if parent_image:
            parent = section(process, "parent")
            parent["executable"] = parent_image
            parent["name"] = basename(parent_image)
            if data.get("ParentCommandLine"):
                parent["command_line"] = data["ParentCommandLine"]
    if data.get("DestinationIp"):
        set_address(event, "source", data.get("SourceIp", ""), data.get("SourcePort"))
        set_address(event, "destination", data["DestinationIp"], data.get("DestinationPort"))
        if data.get("DestinationHostname"):
            event["destination"]["domain"] = data["DestinationHostname"]
        if data.get("Protocol"):
            section(event, "network")["transport"] = data["Protocol"].lower()
    if data.get("QueryName"):
        section(section(event, "dns"), "question")["name"] = data["QueryName"]
    if data.get("TargetObject"):
        registry = section(event, "registry")
        registry["path"] = data["TargetObject"]
        if data.get("Details"):
            registry["data"] = {"strings": [data["Details"]]}
    if data.get("TargetFilename"):
        section(event, "file")["path"] = data["TargetFilename"]
