"""Small helpers that write ECS fields into nested event dicts."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Any

#: One-letter levels (glog/klog stamps, MongoDB, WebSphere, CUPS), spelled out in ``log.level``
#: so one query finds a level whatever the source wrote.
LETTER_LEVELS = {
    "V": "verbose", "D": "debug", "I": "info", "W": "warning", "E": "error", "F": "fatal",
    "A": "assert", "N": "notice", "C": "critical",
}  # fmt: skip
#: A severity a program writes first in its message: Postfix's "warning: ", sshd's "error: ",
#: HAProxy's and CoreDNS' "[NOTICE] ", NetworkManager's "<info>  [1796220475.1204] ...",
#: OpenSIPS' "NOTICE:core:main: ...". It may follow Pacemaker's "(function) \t" or
#: Pure-FTPd's "(user@address) ", ArubaOS' message id and pid ("<522008> <4123> <NOTI> ..."),
#: or Dovecot's component ("auth: Warning: ", "imap(user)<pid><session>: Error: "); XAPI's
#: "[ info||1482 ...]" on XCP-ng and XenServer; GLib's "WARNING **: " (debian-installer).
_LEADING_SEVERITY = re.compile(
    r"(?:\([^)\s]*\)\s+|(?:<\d+>\s+){1,2}(?=<)|[\w-]+(?:\([^)\s]*\))?(?:<[^>\s]*>)*:\s+(?=[A-Z]))?"
    r"[\[<]?\s?((?i:emerg|emergency|alert|crit|critical|err|error|warning|warn|notice|info|debug"
    r"|fatal|panic|emer|alrt|errs|noti|dbug))(?:[\]>]:?\s|:\s|:(?=[a-z_]+:)|\||\s\*\*:\s)"
)
#: Solaris' message ids: "[ID 435574 kern.notice] NOTICE: ixgbe0 link up": the level half.
_MESSAGE_ID_SEVERITY = re.compile(
    r"\[ID \d+ [a-z0-9]+\.(emerg|alert|crit|err|error|warning|notice|info|debug)\]"
)
#: The words a delimited record's severity field holds: the usual levels, and the ranks a
#: field on its own gives (SharePoint ULS ``Medium``/``High``/``Unexpected``/``Monitorable``,
#: Hayabusa's and Sigma's ``low``/``med``/``high``), which in prose are no levels.
_FIELD_SEVERITIES = frozenset({
    "trace", "debug", "verbose", "verboseex", "info", "information", "informational", "notice",
    "warn", "warning", "error", "err", "critical", "crit", "fatal", "alert", "emergency", "emerg",
    "low", "med", "medium", "high", "unexpected", "monitorable",
    "log", "panic",  # PostgreSQL's and Greenplum's csvlog
})  # fmt: skip

#: The severity key of a key=value record (NGINX App Protect's ``severity="Critical"``, Sophos'
#: ``log_type="Firewall" ... severity="Information"``), its value a severity word.
_KEYED_SEVERITY = re.compile(
    r'(?<![\w.])(?i:level|severity|loglevel|log\.level|lvl)="?([A-Za-z]+)"?(?=[,;\s]|\Z)'
)
_KEYED_RECORD = 3  # pairs a message has at least to be a record, not prose

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}\Z")


def field_severity(record: str) -> str | None:
    """The severity of a delimited record: the first field that is a severity word and nothing
    else (Papertrail's and Snare's tab-separated ``...\tInfo\t...``, EvtxECmd's CSV ``,Error,``,
    SAP's ``#INFO#``). A record has three tabs or four commas or hashes at least; a field of
    prose never is one word."""
    if record.count("\t") >= 3:
        fields = [value.strip() for value in record.split("\t")]
    elif record.count(",") >= 4:  # unpadded: prose's "debug, info, warn, error" is no record
        fields = record.split(",")
    elif record.count("#") >= 4:  # SAP's trace: "+0100#INFO#com.sap.scc.config#thread#..."
        fields = [value.strip() for value in record.split("#")]
    else:
        return None
    for value in fields:
        word = value.strip('"').lower()
        if word in _FIELD_SEVERITIES:
            return word
    return None


def keyed_severity(record: str) -> str | None:
    """The severity field of a key=value record (three pairs at least), lower-cased."""
    if record.count("=") < _KEYED_RECORD:
        return None
    found = _KEYED_SEVERITY.search(record)
    if found is None or found.group(1).lower() not in _FIELD_SEVERITIES:
        return None
    return found.group(1).lower()


def leading_severity(message: str) -> str | None:
    """The severity word opening ``message``, lower-cased, if it opens with one."""
    found = _LEADING_SEVERITY.match(message) or _MESSAGE_ID_SEVERITY.match(message)
    return None if found is None else found.group(1).lower()


def valid_ip(text: str) -> str | None:
    """The canonical form of an IPv4/IPv6 address (zone ids kept), ``None`` if not an IP."""
    if _IPV4.match(text) is not None:  # the common case, without the ipaddress module
        return text
    return _other_ip(text)


@lru_cache(maxsize=8192)
def _other_ip(text: str) -> str | None:
    candidate = text.strip("[]")
    if not candidate or len(candidate) > 64:
        return None
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def section(event: dict[str, Any], name: str) -> dict[str, Any]:
    """The sub-object ``event[name]``, created when missing."""
    found = event.get(name)
    if not isinstance(found, dict):
        found = event[name] = {}
    return found


def put_dotted(event: dict[str, Any], dotted: str, value: Any) -> None:
    """``event["a"]["b"] = value`` for ``"a.b"``, creating (or replacing non-dict) parents."""
    *parents, leaf = dotted.split(".")
    node = event
    for parent in parents:
        child = node.get(parent)
        if not isinstance(child, dict):
            child = node[parent] = {}
        node = child
    node[leaf] = value


def set_address(event: dict[str, Any], side: str, address: str, port: str | None = None) -> None:
    """Fill ``source``/``destination``: ``ip`` when the address is an IP, else ``domain``.

    Like :func:`set_user`, for events a parser builds (their objects are dicts).
    """
    target = event.setdefault(side, {})
    target["address"] = address
    ip = valid_ip(address)
    if ip is not None:
        target["ip"] = ip
    elif address and address != "-":
        target["domain"] = address
    if port and port.isdigit() and int(port) <= 65535:
        target["port"] = int(port)


def set_user(event: dict[str, Any], name: str | None) -> None:
    """``user.name`` unless the name is empty or a placeholder."""
    if name and name not in ("-", "(unknown)", "unknown"):
        event.setdefault("user", {})["name"] = name


def to_int(text: str | None) -> int | None:
    """An int from digits, ``None`` for anything else."""
    if text and text.isdigit():
        return int(text)
    return None


def add_related(event: dict[str, Any]) -> None:
    """``related.ip``/``related.user`` from the fields that hold addresses and user names."""
    ips: list[str] = []
    part: Any = event.get("source")
    if part.__class__ is dict:
        ip = part.get("ip")
        if ip.__class__ is str:
            ips.append(ip)
    part = event.get("destination")
    if part.__class__ is dict:
        ip = part.get("ip")
        if ip.__class__ is str and ip not in ips:
            ips.append(ip)
    users: list[str] = []
    user: Any = event.get("user")
    if user.__class__ is dict:
        name = user.get("name")
        if name.__class__ is str and name:
            users.append(name)
        for role in ("effective", "target"):
            part = user.get(role)
            if part.__class__ is dict:
                name = part.get("name")
                if name.__class__ is str and name and name not in users:
                    users.append(name)
    if ips or users:
        related = section(event, "related")
        if ips:
            related["ip"] = ips
        if users:
            related["user"] = users
