"""Fields of the Linux auth.log / secure programs, mapped like Filebeat's ``system.auth``.

The same ``system.auth.ssh.*``, ``system.auth.sudo.*``, ``system.auth.useradd.*``,
``user.name``/``user.effective.name``, ``source.*``, ``event.category``/``type``/``action``/
``outcome`` values as the Filebeat module and the Elastic ``system`` integration, so Kibana
dashboards and detection rules built for that data work on ours. A few extras they lack
(``event.outcome`` for sudo, su, systemd sessions and kernel firewall drops) are additive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from classifiers.parsing.fields import section, set_address, set_user
from classifiers.parsing.netsec import set_action, vendor_verdict

Event = dict[str, Any]

AUTH_PROGRAMS = frozenset({
    "sshd", "sshd-session", "sudo", "su", "login", "passwd", "chpasswd", "chage", "gpasswd",
    "useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "systemd-logind",
    "unix_chkpwd", "polkitd", "pkexec",
})  # fmt: skip
_IAM_TYPES = {
    "useradd": ("user", "creation"), "userdel": ("user", "deletion"),
    "usermod": ("user", "change"), "groupadd": ("group", "creation"),
    "groupdel": ("group", "deletion"), "groupmod": ("group", "change"),
}  # fmt: skip


def _categorize(event: Event, category: str, kind: str, outcome: str | None = None,
                action: str | None = None) -> None:  # fmt: skip
    """Append an ECS category/type pair (no duplicates) and set outcome/action if given."""
    meta = event.setdefault("event", {})  # the events here are ours: their objects are dicts
    categories = meta.setdefault("category", [])
    if category not in categories:
        categories.append(category)
    types = meta.setdefault("type", [])
    if kind not in types:
        types.append(kind)
    if outcome is not None:
        meta["outcome"] = outcome
    if action is not None:
        meta["action"] = action


def _auth_fields(event: Event) -> dict[str, Any]:
    return event.setdefault("system", {}).setdefault("auth", {})


# --- sshd ------------------------------------------------------------------------------
_SSH_REPEATED = re.compile(r"message repeated \d+ times: \[ ?(.*?) ?\]\Z")
_SSH_LOGIN = re.compile(
    r"(Accepted|Failed) (\S+) for (?:invalid user )?(\S*) from (\S+) port (\d+)"
    r"(?: ssh2)?(?:: (.*))?"
)
_SSH_INVALID = re.compile(r"(Invalid|Illegal) user (\S*) from (\S+)(?: port (\d+))?")
_SSH_NO_ID = re.compile(r"Did not receive identification string from (\S+)(?: port (\d+))?")
_SSH_BREAKIN = re.compile(
    r"(?:reverse mapping checking getaddrinfo for (\S+) \[([^\]]+)\] failed"
    r"|Address (\S+) maps to (\S+), but this does not map back to the address)"
    r" - POSSIBLE BREAK-IN ATTEMPT!"
)
_SSH_END = re.compile(
    r"(Received disconnect from|Disconnected from|Connection closed by|Connection reset by)"
    r" (?:(?:invalid |authenticating )?user (\S+) )?([^\s\[]+)(?: port (\d+))?"
)
_SSH_MAX_TRIES = re.compile(
    r"(?:error: maximum authentication attempts exceeded|Disconnecting: Too many authentication"
    r" failures) for (?:invalid user )?(\S+)(?: from (\S+) port (\d+))?"
)
_SSH_PREAUTH_USER = re.compile(r"input_userauth_request: invalid user (\S*)")


def _sshd(event: Event, message: str) -> None:
    # Each pattern starts with fixed words: the first character rules most of them out
    # without running them ("pam_unix(...)" lines, a third of sshd's, try none).
    if message.startswith("message repeated "):
        repeated = _SSH_REPEATED.match(message)
        if repeated is not None:
            message = repeated.group(1)
    first = message[:1]
    login = _SSH_LOGIN.match(message) if first in "AF" else None
    if login is not None:
        verdict, method, user, address, port, signature = login.groups()
        ssh: dict[str, Any] = {"event": verdict, "method": method}
        if signature:
            ssh["signature"] = signature
        _auth_fields(event)["ssh"] = ssh
        set_user(event, user)
        set_address(event, "source", address, port)
        if verdict == "Accepted":
            _categorize(event, "authentication", "info", "success", "ssh_login")
            _categorize(event, "session", "info")
        else:
            _categorize(event, "authentication", "info", "failure", "ssh_login")
        return
    invalid = _SSH_INVALID.match(message) if first == "I" else None
    if invalid is not None:
        _auth_fields(event)["ssh"] = {"event": "Invalid"}
        set_user(event, invalid.group(2))
        set_address(event, "source", invalid.group(3), invalid.group(4))
        _categorize(event, "authentication", "info", "failure", "ssh_login")
        return
    no_id = _SSH_NO_ID.match(message) if first == "D" else None
    if no_id is not None:
        _auth_fields(event)["ssh"] = {"dropped_ip": no_id.group(1)}
        set_address(event, "source", no_id.group(1), no_id.group(2))
        return
    breakin = _SSH_BREAKIN.match(message) if first in "rA" else None
    if breakin is not None:
        domain, ip, ip2, domain2 = breakin.groups()
        set_address(event, "source", ip or ip2)
        section(event, "source")["domain"] = domain or domain2
        _categorize(event, "intrusion_detection", "info", None, "ssh_possible_break_in")
        return
    ended = _SSH_END.match(message) if first in "RDC" else None
    if ended is not None:
        set_user(event, ended.group(2))
        set_address(event, "source", ended.group(3), ended.group(4))
        _categorize(event, "network", "end", None, "ssh_disconnect")
        return
    tries = _SSH_MAX_TRIES.match(message) if first in "eD" else None
    if tries is not None:
        set_user(event, tries.group(1))
        if tries.group(2):
            set_address(event, "source", tries.group(2), tries.group(3))
        _categorize(event, "authentication", "info", "failure", "ssh_login")
        return
    preauth = _SSH_PREAUTH_USER.match(message) if first == "i" else None
    if preauth is not None:
        set_user(event, preauth.group(1))


# --- sudo / su -------------------------------------------------------------------------
_SUDO = re.compile(
    r"\s*(\S+) : (?:(.*?) ; )?TTY=(.*?) ; PWD=(.*?) ; USER=(.*?) ; (?:.*? ; )?COMMAND=(.*)\Z",
    re.DOTALL,
)
_SU_RESULT = re.compile(r"(Successful|FAILED) su for (\S+) by (\S+)")
_SU_SWITCH = re.compile(r"(?:\(to (\S+)\) (\S+) on \S+|([+-]) \S+ (\S+):(\S+))\Z")


def _sudo(event: Event, message: str) -> None:
    match = _SUDO.match(message)
    if match is None:
        return
    user, error, tty, pwd, target, command = match.groups()
    sudo = {"tty": tty, "pwd": pwd, "user": target, "command": command}
    if error:
        sudo["error"] = error
    _auth_fields(event)["sudo"] = sudo
    set_user(event, user)
    section(section(event, "user"), "effective")["name"] = target
    _categorize(event, "process", "start", "failure" if error else "success")


def _su(event: Event, message: str) -> None:
    result = _SU_RESULT.match(message)
    if result is not None:
        verdict, target, user = result.groups()
        set_user(event, user)
        section(section(event, "user"), "effective")["name"] = target
        outcome = "success" if verdict == "Successful" else "failure"
        _categorize(event, "authentication", "info", outcome, "su")
        return
    switch = _SU_SWITCH.match(message)
    if switch is not None:
        target, user, sign, user2, target2 = switch.groups()
        set_user(event, user or user2)
        section(section(event, "user"), "effective")["name"] = target or target2
        outcome = "failure" if sign == "-" else "success"
        _categorize(event, "authentication", "info", outcome, "su")


# --- user and group management ---------------------------------------------------------
_NEW_USER = re.compile(r"new user: name=([^,]*), UID=(\d+), GID=(\d+), home=([^,]*), shell=([^,]*)")
_NEW_GROUP = re.compile(r"(?:new group|group added to \S+): name=([^,]*), GID=(\d+)")
_USERMOD_GROUP = re.compile(r"add '([^']+)' to (?:shadow )?group '([^']+)'")
_QUOTED_USER = re.compile(r"(?:delete|change|lock|unlock) user '([^']+)'")


def _iam(event: Event, program: str, message: str) -> None:
    new_user = _NEW_USER.match(message)
    new_group = _NEW_GROUP.match(message) if new_user is None else None
    if new_user is not None:
        name, uid, gid, home, shell = new_user.groups()
        set_user(event, name)
        section(event, "user")["id"] = uid
        event["group"] = {"id": gid}
        _auth_fields(event)["useradd"] = {"home": home, "shell": shell}
    elif new_group is not None:
        event["group"] = {"name": new_group.group(1), "id": new_group.group(2)}
    else:
        member = _USERMOD_GROUP.match(message)
        quoted = _QUOTED_USER.match(message) if member is None else None
        if member is not None:
            set_user(event, member.group(1))
            event["group"] = {"name": member.group(2)}
            section(event, "event")["action"] = "group-member-added"
        elif quoted is not None:
            set_user(event, quoted.group(1))
    name = (event.get("user") or {}).get("name")
    if name:
        section(section(event, "user"), "target")["name"] = name
    entity, change = _IAM_TYPES[program]
    outcome = "failure" if "fail" in message else "success"
    _categorize(event, "iam", entity, outcome)
    _categorize(event, "iam", change)


# --- cron, systemd, kernel -------------------------------------------------------------
_CRON_CMD = re.compile(r"\((\S+)\) CMD \((.*)\)\Z", re.DOTALL)
_SESSION_NEW = re.compile(
    r"(?:New session|Started [Ss]ession|Started session-\S+ - Session) (\S+?)"
    r" of [Uu]ser (\S+?)\.?\Z"
)
_SESSION_END = re.compile(r"(?:Removed session|Session) (\S+?)(?: logged out)?\.")
_SERVICE_FAILED = re.compile(r"Failed to start (.*?)\.?\Z")
# "[UFW BLOCK]", or an iptables/nftables log prefix naming the verdict ("iptables-drop: ",
# "nft DROP in: ", "FW-REJECT ") before the packet's "IN=" field.
_FIREWALL = re.compile(
    r"(?:\[UFW |\b)(BLOCK|ALLOW|AUDIT|DROP|REJECT|ACCEPT|DENY|DENIED)(?:P?ED)?\b[^=]*?\bIN=",
    re.I,
)
_TCP_FLAGS = re.compile(r"\b(CWR|ECE|URG|ACK|PSH|RST|SYN|FIN)\b")
_KV = re.compile(r"\b(SRC|DST|SPT|DPT|PROTO|IN|OUT)=(\S*)")


def _cron(event: Event, message: str) -> None:
    match = _CRON_CMD.match(message)
    if match is not None:
        set_user(event, match.group(1))
        section(event, "process")["command_line"] = match.group(2)


def _systemd(event: Event, message: str) -> None:
    started = _SESSION_NEW.match(message)
    if started is not None:
        set_user(event, started.group(2))
        _categorize(event, "session", "start", "success", "logged-on")
        return
    ended = _SESSION_END.match(message)
    if ended is not None:
        _categorize(event, "session", "end", "success", "logged-off")
        return
    failed = _SERVICE_FAILED.match(message)
    if failed is not None:
        _categorize(event, "process", "start", "failure", "service-start-failed")


def _kernel(event: Event, message: str) -> None:
    rule = _FIREWALL.search(message) if "SRC=" in message else None
    if rule is None:
        return
    values = dict(_KV.findall(message))
    set_address(event, "source", values.get("SRC", ""), values.get("SPT"))
    set_address(event, "destination", values.get("DST", ""), values.get("DPT"))
    if values.get("PROTO"):
        event["network"] = {"transport": values["PROTO"].lower()}
    if values.get("IN"):
        event["observer"] = {"ingress": {"interface": {"name": values["IN"]}}}
    _categorize(event, "network", "connection")
    set_action(event, rule.group(1))
    flags = (
        _TCP_FLAGS.findall(message[message.find("PROTO=TCP") :]) if "PROTO=TCP" in message else []
    )
    if flags:
        event["iptables"] = {"tcp": {"flags": flags}}
    vendor_verdict(event, None, None)


# --- PAM lines of any program ----------------------------------------------------------
_PAM_MODULE = re.compile(r"pam_unix\([^:)]*:(\w+)\)")
_PAM_BY = re.compile(r"for user ['\"]?(\S*?)['\"]? by ['\"]?(\S*?)['\"]?(?:\(uid=(\d+)\))?\Z")
_PAM_FOR = re.compile(r"for user ['\"]?(\S+?)['\"]?\Z")
_PAM_RHOST = re.compile(r"rhost=(\S*)\s*(?:user=(\S*))?")
_PAM_PASSWORD = re.compile(r"password changed for (\S+)")


def _pam(event: Event, message: str) -> bool:
    """PAM fields of any program (sessions, auth failures, password changes); True if any."""
    module = _PAM_MODULE.search(message)
    failure = "authentication failure" in message or "user unknown" in message
    if module is None and not failure and "session" not in message:
        return False
    if module is not None:
        kind = module.group(1)
    else:  # old-style "prog(pam_unix)[pid]:" tags name the module in the program
        kind = "session" if "session opened" in message or "session closed" in message else ""
    if failure:
        _categorize(event, "authentication", "info", "failure", "authentication_failure")
    elif kind == "auth":
        _categorize(event, "authentication", "info", "success")
    if kind == "session":
        opened = "session opened" in message
        _categorize(event, "session", "start" if opened else "end")
        if opened or "session closed" in message:
            section(event, "event")["action"] = "logged-on" if opened else "logged-off"
    elif kind == "chauthtok":
        changed = "password changed" in message
        _categorize(event, "iam", "change", "success" if changed else "failure",
                    "password-changed")  # fmt: skip
    by = _PAM_BY.search(message)
    if by is not None:
        for_user, by_user, uid = by.groups()
        if by_user:
            set_user(event, by_user)
            section(section(event, "user"), "effective")["name"] = for_user
        else:
            set_user(event, for_user)
        if uid:
            section(event, "user")["id"] = uid
    else:
        for_user_match = _PAM_FOR.search(message)
        if for_user_match is not None:
            set_user(event, for_user_match.group(1))
    rhost = _PAM_RHOST.search(message) if "rhost=" in message else None
    if rhost is not None:
        if rhost.group(1):
            set_address(event, "source", rhost.group(1))
        if rhost.group(2) and not (event.get("user") or {}).get("name"):
            set_user(event, rhost.group(2))
    changed_for = _PAM_PASSWORD.search(message) if kind == "chauthtok" else None
    if changed_for is not None:
        set_user(event, changed_for.group(1))
        section(section(event, "user"), "target")["name"] = changed_for.group(1)
    return True


_HANDLERS: dict[str, Callable[[Event, str], None]] = {
    "sshd": _sshd, "sshd-session": _sshd, "sudo": _sudo, "su": _su, "cron": _cron,
    "systemd": _systemd, "systemd-logind": _systemd, "kernel": _kernel,
}  # fmt: skip


def enrich(event: Event, program: str, message: str) -> str:
    """Add the program's auth fields to ``event``; the ``event.dataset`` it belongs to."""
    base = program.split("(", 1)[0].lower()
    handler = _HANDLERS.get(base)
    if handler is not None:
        handler(event, message)
    elif base in _IAM_TYPES:
        _iam(event, base, message)
    pam = (
        _pam(event, message)
        if "pam_" in message or "pam_" in program or "authentication failure" in message
        else False
    )
    return "system.auth" if pam or base in AUTH_PROGRAMS else "system.syslog"
