"""Signals: what the alerting engine knows about one classified event.

Every classified event is a signal (label, probability, risk, ATT&CK mapping, entity keys);
only signals reach the rules, never whole documents, so the stream can ship them compactly to
the partition that owns their entity and ``hunt`` can feed the same engine from files.

A parser's verdict wins over the model's: a pinned ``logwarden.parser.label``, a vendor
``event.severity`` and parser ``threat.*`` fields are read before the model's fields (the
scorer never lowers them, and neither does this module).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from classifiers.alerting import attack
from classifiers.alerting.attack import Technique
from classifiers.alerting.policy import AlertingPolicy
from classifiers.logs.taxonomy import BENIGN, OPERATIONAL_LABELS

#: The ATT&CK mapping of a security label when the parser gave none.
LABEL_TECHNIQUES: dict[str, Technique] = {
    "auth_failure": attack.BRUTE_FORCE,
    "privilege_escalation": attack.ELEVATION_CONTROL,
    "account_change": attack.ACCOUNT_MANIPULATION,
    "intrusion_attempt": attack.ACTIVE_SCANNING,
    "malware": attack.COMMAND_INTERPRETER,
}
#: Datasets of web server access logs: an intrusion attempt there is a web attack.
WEB_DATASETS = frozenset({"apache.access", "nginx.access", "iis.access", "http", "haproxy.log"})
#: Entity kinds, in the order that picks a signal's primary entity (where per-event rules run).
ENTITY_KINDS = ("source.ip", "host.name", "service.name", "user.name")


def _get(event: Mapping[str, Any], dotted: str) -> Any:
    value: Any = event
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def epoch_seconds(timestamp: Any) -> float | None:
    """Epoch seconds of an ISO 8601 ``@timestamp`` (naive ones are UTC); ``None`` if not one."""
    if not isinstance(timestamp, str):
        return None
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def iso(seconds: float) -> str:
    """ISO 8601 UTC with milliseconds, as the documents spell ``@timestamp``."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


#: Internal address space: RFC 1918, carrier-grade NAT, loopback, link-local, unique local.
INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128",
    )
)  # fmt: skip


@lru_cache(maxsize=4096)
def is_internal(ip: str) -> bool:
    """An internal source (Elastic's brute-force rules rate those higher than external ones);
    documentation and other reserved ranges count as external."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in INTERNAL_NETWORKS)


@dataclass(slots=True)
class Signal:
    """One classified event as the rules see it (JSON-able: it travels on the signals topic)."""

    id: str
    ts: float
    label: str
    probability: float = 1.0
    risk: float = 0.0
    severity: int = 21
    dataset: str | None = None
    host: str | None = None
    source_ip: str | None = None
    user: str | None = None
    action: str | None = None
    outcome: str | None = None
    category: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    destination_ip: str | None = None
    destination_port: int | None = None
    group: str | None = None
    template: str | None = None
    web: bool = False
    #: The parser marked the event alert-worthy alone (an IDS or firewall threat verdict...).
    parser_alert: bool = False
    #: A vendor's severity kept from the parser (21/47/73/99), never lowered by the model.
    vendor_severity: int | None = None
    vendor_rule: str | None = None
    technique: dict[str, str] | None = field(default=None)

    # --- what the rules ask --------------------------------------------------------------
    @property
    def security(self) -> bool:
        """A security signal: non-benign and not an IT-operations label."""
        return self.label != BENIGN and self.label not in OPERATIONAL_LABELS

    @property
    def operational(self) -> bool:
        return self.label in OPERATIONAL_LABELS

    @property
    def auth_failure(self) -> bool:
        """A failed logon (parsed outcome, else the model's label)."""
        if "authentication" in self.category and self.outcome:
            return self.outcome == "failure"
        return self.label == "auth_failure"

    @property
    def auth_success(self) -> bool:
        return (
            "authentication" in self.category
            and self.outcome == "success"
            and self.action in ("ssh_login", "logged-in", "logon")
        )

    @property
    def firewall_denied(self) -> bool:
        return (
            "network" in self.category
            and "denied" in self.type
            and bool(self.destination_ip or self.destination_port)
        )

    @property
    def user_created(self) -> bool:
        return self.action == "added-user-account" or (
            "iam" in self.category and "user" in self.type and "creation" in self.type
        )

    @property
    def group_member_added(self) -> bool:
        return self.action in ("added-member-to-group", "group-member-added")

    def threat(self) -> Technique | None:
        """The signal's ATT&CK technique: the parser's, else its label's (web attacks: T1190)."""
        if self.technique:
            return Technique(**self.technique)
        if self.label == "intrusion_attempt" and self.web:
            return attack.EXPLOIT_PUBLIC_APP
        return LABEL_TECHNIQUES.get(self.label) if self.security else None

    def entities(self) -> Iterator[tuple[str, str]]:
        """``(kind, value)`` of every entity the signal is about, primary first."""
        if self.source_ip:
            yield "source.ip", self.source_ip
        if self.host:
            yield "host.name", self.host
        elif self.dataset:
            yield "service.name", self.dataset
        if self.user:
            yield "user.name", self.user

    def document_fields(
        self, policy: AlertingPolicy, suppressed_by: str | None = None
    ) -> dict[str, Any]:
        """``logwarden.signal`` of the stored event: its entities, the risk it adds to each,
        and the allow-list entry that suppressed it, if one did."""
        fields: dict[str, Any] = {"entities": [f"{k}|{v}" for k, v in self.entities()]}
        if self.security:
            fields["risk"] = round(self.risk * policy.signal_risk_factor, 2)
        if suppressed_by is not None:
            fields["suppressed_by"] = suppressed_by
        return fields

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), False)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signal:
        values = dict(data)
        for name in ("category", "type"):
            values[name] = tuple(values.get(name, ()))
        return cls(**values)


def correlates(event: Mapping[str, Any]) -> bool:
    """Whether a *benign* event still matters to a correlation rule (a successful logon after
    failures, a firewall record, an account or group change)."""
    meta = event.get("event")
    if not isinstance(meta, Mapping):
        return False
    categories = _strings(meta.get("category"))
    return bool(
        {"authentication", "iam"} & set(categories)
        or ("network" in categories and "denied" in _strings(meta.get("type")))
        or meta.get("action") in ("added-member-to-group", "group-member-added")
    )


def signal_from_event(
    event: Mapping[str, Any],
    *,
    signal_id: str,
    label: str,
    probability: float,
    risk: float,
    severity: int,
    template: str | None = None,
    fallback_ts: float = 0.0,
) -> Signal:
    """The signal of one parsed event and the model's verdict on it (the parser's verdict,
    where there is one, wins: see the module docstring)."""
    meta = event.get("event") if isinstance(event.get("event"), Mapping) else {}
    assert isinstance(meta, Mapping)
    parser = _get(event, "logwarden.parser") or {}
    pinned = parser.get("label") if isinstance(parser, Mapping) else None
    vendor = meta.get("severity") if _is_vendor_severity(event, parser) else None
    ts = epoch_seconds(event.get("@timestamp"))
    threat = attack.from_ecs(event.get("threat"))
    port = _get(event, "destination.port")
    dataset = _text(meta.get("dataset"))
    return Signal(
        id=signal_id,
        ts=ts if ts is not None else fallback_ts,
        label=pinned if isinstance(pinned, str) and pinned else label,
        probability=1.0 if pinned else probability,
        risk=max(risk, float(vendor)) if isinstance(vendor, int) else risk,
        severity=max(severity, vendor) if isinstance(vendor, int) else severity,
        dataset=dataset,
        host=_text(_get(event, "host.name")) or _text(_get(event, "host.hostname")),
        source_ip=_text(_get(event, "source.ip")),
        user=_text(_get(event, "user.name")),
        action=_text(meta.get("action")),
        outcome=_text(meta.get("outcome")),
        category=_strings(meta.get("category")),
        type=_strings(meta.get("type")),
        destination_ip=_text(_get(event, "destination.ip")),
        destination_port=port if isinstance(port, int) else None,
        group=_text(_get(event, "group.name")),
        template=template,
        web=dataset in WEB_DATASETS or isinstance(event.get("url"), Mapping),
        parser_alert=bool(isinstance(parser, Mapping) and parser.get("alert") is True),
        vendor_severity=vendor if isinstance(vendor, int) else None,
        vendor_rule=_text(_get(event, "rule.name")) or _text(_get(event, "rule.id")),
        technique=_technique_dict(threat),
    )


def _is_vendor_severity(event: Mapping[str, Any], parser: Any) -> bool:
    """``event.severity`` came from the record itself (CEF, IDS, a parser's verdict), not the
    model: the event was not scored yet, or the parser says so."""
    if isinstance(parser, Mapping) and parser.get("severity") is not None:
        return True
    return _get(event, "logwarden.label") is None and _get(event, "event.severity") is not None


def _technique_dict(technique: Technique | None) -> dict[str, str] | None:
    return asdict(technique) if technique is not None else None
