"""Exceptions: a YAML allow-list of entities, CIDRs, users, hosts, rule ids and templates.

An entry matches when every field it names matches (so ``rule`` + ``host`` excepts one rule on
one host); ``expires`` (a date or ISO time, compared with event time) ends it. Entries without
``rule`` suppress *signals* (they reach no rule); entries with ``rule`` suppress that rule's
*alerts*. Nothing is dropped silently: every suppression is counted per entry, the stream
exports the counts as a metric and marks suppressed signal documents.

Format::

    entries:
      - name: vuln-scanner          # shown in counts; defaults to the entry's position
        cidr: 10.20.0.0/16          # or ip: 10.20.0.5
        reason: weekly Nessus scan
        expires: 2027-01-31
      - user: backup
        rule: logwarden-brute-force-source-user
      - template: "mod_jk child workerEnv in error state <*>"
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from classifiers.alerting.signals import Signal

_FIELDS = frozenset({"name", "ip", "cidr", "user", "host", "rule", "template", "reason", "expires"})


class AllowListError(ValueError):
    """The allow-list file is not valid: the message says which entry and why."""


@dataclass(frozen=True)
class AllowEntry:
    """One allow-list entry."""

    name: str
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    user: str | None = None
    host: str | None = None
    rule: str | None = None
    template: str | None = None
    expires: float | None = None

    def matches(
        self,
        ts: float,
        *,
        ip: str | None,
        user: str | None,
        host: str | None,
        template: str | None,
        rule: str | None = None,
    ) -> bool:
        if self.expires is not None and ts >= self.expires:
            return False
        if self.rule is not None and self.rule != rule:
            return False
        if self.network is not None and not _in(ip, self.network):
            return False
        return all(
            wanted is None or wanted == got
            for wanted, got in ((self.user, user), (self.host, host), (self.template, template))
        )


def _in(ip: str | None, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    if not ip:
        return False
    try:
        return ipaddress.ip_address(ip) in network
    except ValueError:
        return False


def _expiry(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AllowListError(f"entry {name!r}: expires {value!r} is not a date") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _entry(raw: Any, position: int) -> AllowEntry:
    if not isinstance(raw, Mapping):
        raise AllowListError(f"entry {position}: must be a mapping, got {type(raw).__name__}")
    name = str(raw.get("name") or f"entry-{position}")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise AllowListError(f"entry {name!r}: unknown fields {sorted(unknown)}")
    cidr = raw.get("cidr") or raw.get("ip")
    try:
        network = ipaddress.ip_network(str(cidr), strict=False) if cidr else None
    except ValueError:
        raise AllowListError(f"entry {name!r}: {cidr!r} is not an address or CIDR") from None
    entry = AllowEntry(
        name=name,
        network=network,
        user=_optional(raw.get("user")),
        host=_optional(raw.get("host")),
        rule=_optional(raw.get("rule")),
        template=_optional(raw.get("template")),
        expires=_expiry(raw.get("expires"), name),
    )
    if (entry.network, entry.user, entry.host, entry.rule, entry.template) == (None,) * 5:
        raise AllowListError(f"entry {name!r}: names nothing to allow")
    return entry


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


class AllowList:
    """The loaded entries and how often each suppressed something."""

    def __init__(self, entries: Iterable[AllowEntry] = ()) -> None:
        entries = list(entries)
        self._signal_entries = [e for e in entries if e.rule is None]
        self._alert_entries = [e for e in entries if e.rule is not None]
        self.suppressed: Counter[tuple[str, str]] = Counter()

    @classmethod
    def load(cls, path: Path | None) -> AllowList:
        """Entries of the YAML file at ``path`` (none when ``path`` is ``None``)."""
        if path is None:
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise AllowListError(f"{path}: {error}") from error
        raw = data.get("entries", []) if isinstance(data, Mapping) else None
        if not isinstance(raw, list):
            raise AllowListError(f"{path}: expected a mapping with an 'entries' list")
        return cls(_entry(item, position) for position, item in enumerate(raw, 1))

    def __len__(self) -> int:
        return len(self._signal_entries) + len(self._alert_entries)

    def signal_exception(self, signal: Signal) -> str | None:
        """The name of the entry that suppresses ``signal``, counted; ``None`` if none does."""
        for entry in self._signal_entries:
            if entry.matches(
                signal.ts,
                ip=signal.source_ip,
                user=signal.user,
                host=signal.host,
                template=signal.template,
            ):
                self.suppressed["signal", entry.name] += 1
                return entry.name
        return None

    def alert_exception(
        self, rule: str, ts: float, *, kind: str, value: str, template: str | None
    ) -> str | None:
        """The name of the entry that suppresses an alert of ``rule`` on an entity, counted."""
        for entry in self._alert_entries:
            if entry.matches(
                ts,
                rule=rule,
                ip=value if kind == "source.ip" else None,
                user=value if kind == "user.name" else None,
                host=value if kind == "host.name" else None,
                template=template,
            ):
                self.suppressed["alert", entry.name] += 1
                return entry.name
        return None
