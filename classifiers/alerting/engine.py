"""The alerting engine: signals in event-time order in, alert documents out.

State lives per entity (``source.ip``, ``user.name``, ``host.name``, or ``service.name`` when
an event names no host) as a plain JSON-able dict, so the stream keeps it in a Faust table
keyed by the entity (its changelog survives a restart; each entity stays on one partition)
and ``hunt`` keeps it in a dict. :meth:`AlertEngine.process_entity` is the one step both
call: (state, signals of that entity) -> (new state, alert documents to write).

Every rule keeps at most one open alert per entity for ``suppression_s``: later matches update
it (count, last event, contributing signals) instead of raising another. An update is
emitted when its count has doubled since the last emission and when the alert closes, so
writes stay logarithmic in the number of matching signals. All time is event time: a replay
raises the same alerts with the same ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, MutableMapping
from typing import Any

from classifiers.alerting import rules as r
from classifiers.alerting.allowlist import AllowList
from classifiers.alerting.attack import decode_technique, encode_technique
from classifiers.alerting.documents import alert_document, alert_id
from classifiers.alerting.policy import PRIVILEGED_GROUPS, AlertingPolicy
from classifiers.alerting.rules import Rule
from classifiers.alerting.signals import Signal, is_internal

State = dict[str, Any]
MAX_NAMES = 200


def entity_key(kind: str, value: str) -> str:
    return f"{kind}|{value}"


def split_key(key: str) -> tuple[str, str]:
    kind, value = key.split("|", 1)
    return kind, value


class AlertEngine:
    """The rules over per-entity state; counts what it raised and what it suppressed."""

    def __init__(self, policy: AlertingPolicy | None = None, allowlist: AllowList | None = None):
        self.policy = policy or AlertingPolicy()
        self.allowlist = allowlist or AllowList()
        self.raised: Counter[str] = Counter()

    # --- whole signals (hunt): fan out to every entity -----------------------------------
    def process(self, signal: Signal, store: MutableMapping[str, State]) -> list[dict[str, Any]]:
        """Feed one signal to each of its entities' state in ``store``; the documents to write.

        A signal an allow-list entry covers is counted there and reaches no rule.
        """
        if self.allowlist.signal_exception(signal) is not None:
            return []
        documents: list[dict[str, Any]] = []
        for kind, value in signal.entities():
            key = entity_key(kind, value)
            state, emitted = self.process_entity(key, store.get(key), [signal])
            _store(store, key, state)
            documents.extend(emitted)
        return documents

    def flush(self, store: MutableMapping[str, State]) -> list[dict[str, Any]]:
        """Close every open alert (end of a hunt): the final version of each changed one."""
        documents: list[dict[str, Any]] = []
        for key in list(store):
            state, emitted = self.sweep(key, store[key], float("inf"))
            _store(store, key, state)
            documents.extend(emitted)
        return documents

    # --- one entity (the stream's agent calls these) -------------------------------------
    def process_entity(
        self, key: str, state: State | None, signals: Iterable[Signal]
    ) -> tuple[State | None, list[dict[str, Any]]]:
        """Apply ``signals`` (all about entity ``key``, in event-time order) to its state."""
        kind, value = split_key(key)
        state = state if state is not None else {}
        out: list[dict[str, Any]] = []
        for signal in signals:
            state["last"] = max(float(state.get("last", signal.ts)), signal.ts)
            out.extend(self._close_expired(kind, value, state, signal.ts))
            primary = next(signal.entities(), None) == (kind, value)
            step = _Step(self, kind=kind, value=value, state=state, signal=signal, out=out)
            if primary:
                step.event_rules()
            if kind == "source.ip":
                step.source_rules()
            elif kind == "user.name":
                step.user_rules()
            else:
                step.host_rules()
            step.risk()
            self._prune(state, signal.ts)
        return (state or None), out

    def risk(self, state: State) -> float:
        """An entity's current risk: its contributions within the risk window of its last
        event, stacking per rule capped."""
        cut = float(state.get("last", 0.0)) - self.policy.risk_window_s
        return _risk_total(_since(state.get("risk", []), cut), self.policy.risk_cap_per_rule)[0]

    def sweep(
        self, key: str, state: State, now: float
    ) -> tuple[State | None, list[dict[str, Any]]]:
        """Close expired alerts and forget state older than the horizon (``now``: the
        latest event time seen). ``None`` when nothing of the entity is left."""
        kind, value = split_key(key)
        out = self._close_expired(kind, value, state, now)
        self._prune(state, now)
        if not state.get("open") and float(state.get("last", 0)) < now - self.policy.horizon_s:
            return None, out
        return state, out

    def _close_expired(
        self, kind: str, value: str, state: State, now: float
    ) -> list[dict[str, Any]]:
        opened = state.get("open") or {}
        out = []
        expired = [k for k, a in opened.items() if now - a["opened"] >= self._suppression(k)]
        for rule_id in expired:
            alert = opened.pop(rule_id)
            if alert["count"] > alert["emitted"]:
                out.append(_emit(kind, value, alert))
        return out

    def _suppression(self, rule_id: str) -> float:
        """How long a rule's alert stays open on one entity: the risk window for entity risk
        (one risk notable per entity per window, as Splunk throttles them), else the
        suppression window."""
        if rule_id == r.ENTITY_RISK.id:
            return max(self.policy.suppression_s, self.policy.risk_window_s)
        return self.policy.suppression_s

    def _prune(self, state: State, now: float) -> None:
        policy = self.policy
        horizons = {
            "fail": max(policy.brute_force_window_s, policy.spray_window_s),
            "web": policy.web_burst_window_s,
            "deny": policy.scan_window_s,
            "created": policy.account_privilege_window_s,
            "risk": policy.risk_window_s,
        }
        base = state.get("base")
        if base is not None and base["w"] < now - 2 * policy.burst_window_s:
            del state["base"]  # a quiet host's baseline decays to nothing anyway
        for name, horizon in horizons.items():
            entries = state.get(name)
            if entries is None:
                continue
            cut = now - horizon
            kept = [e for e in entries if e[0] > cut][-policy.max_window_entries :]
            if kept:
                state[name] = kept
            else:
                del state[name]
        if "open" in state and not state["open"]:
            del state["open"]


def _store(store: MutableMapping[str, State], key: str, state: State | None) -> None:
    if state is None:
        store.pop(key, None)
    else:
        store[key] = state


class _Step:
    """The rules applied for one signal on one entity (a short-lived helper)."""

    def __init__(
        self,
        engine: AlertEngine,
        *,
        kind: str,
        value: str,
        state: State,
        signal: Signal,
        out: list[dict[str, Any]],
    ) -> None:
        self.engine, self.policy = engine, engine.policy
        self.kind, self.value, self.state, self.signal, self.out = kind, value, state, signal, out

    # --- per-event rules -------------------------------------------------------------------
    def event_rules(self) -> None:
        s = self.signal
        rule = next((x for x in r.EVENT_RULES if x.matches is not None and x.matches(s)), None)
        if rule is not None:  # the first matching rule of the table: one story per event
            technique = s.threat() if rule.technique is None else rule.technique
            severity = s.vendor_severity or rule.severity
            name = s.vendor_rule or s.template or s.label
            self.fire(
                rule,
                [(s.ts, s.id)],
                severity=severity,
                threats=[technique.ecs()] if technique else [],
                message=lambda a, name=name, rule=rule: (
                    f"{_times(a['count'])}{rule.name}: {name}{_from(self.kind, self.value, a)}"
                ),
            )

    # --- source.ip --------------------------------------------------------------------------
    def source_rules(self) -> None:
        s, p, state = self.signal, self.policy, self.state
        if s.auth_failure:
            self.failures()
        elif s.auth_success:
            failures = _since(state.get("fail", []), s.ts - p.brute_force_window_s)
            if len(failures) >= p.brute_force_success_failures:
                count = len(failures)
                self.fire(
                    r.BRUTE_FORCE_SUCCESS,
                    [(s.ts, s.id)],
                    users=[s.user or ""],
                    facts={"failures_before": count},
                    message=lambda a: (
                        f"{_users(a)} logged in from {self.value}{_on(a)} after "
                        f"{a['facts']['failures_before']} failed logins"
                    ),
                )
        if s.label == "intrusion_attempt" and s.web:
            state.setdefault("web", []).append([s.ts, s.id])
            attempts = _since(state["web"], s.ts - p.web_burst_window_s)
            if self.is_open(r.WEB_ATTACK_BURST) or len(attempts) >= p.web_burst_attempts:
                self.fire(
                    r.WEB_ATTACK_BURST,
                    [(e[0], e[1]) for e in attempts],
                    message=lambda a: (
                        f"{a['count']} web attack attempts from {self.value}{_on(a, 'against')}"
                    ),
                )
        if s.firewall_denied:
            self.scans()

    def failures(self) -> None:
        """Brute force (per source, per source + user) and spraying, on a failed logon."""
        s, p, state = self.signal, self.policy, self.state
        state.setdefault("fail", []).append([s.ts, s.user or "", s.id])
        failures = _since(state["fail"], s.ts - p.brute_force_window_s)
        internal = is_internal(self.value)
        severity = r.MEDIUM if internal else r.LOW

        def failed(a: dict[str, Any]) -> str:
            return f"{a['count']} failed logins for {_users(a)} from {self.value}{_on(a)}"

        if self.is_open(r.BRUTE_FORCE) or len(failures) >= p.brute_force_failures:
            contributing = [(e[0], e[2]) for e in failures]
            users = [e[1] for e in failures]
            self.fire(r.BRUTE_FORCE, contributing, users=users, severity=severity, message=failed)
        elif s.user:
            # One account per alert: failures for other users do not update it.
            target = state.get("open", {}).get(r.BRUTE_FORCE_USER.id)
            mine = [(e[0], e[2]) for e in failures if e[1] == s.user]
            if (target is not None and s.user in target["users"]) or (
                target is None and len(mine) >= p.brute_force_user_failures
            ):
                self.fire(
                    r.BRUTE_FORCE_USER, mine, users=[s.user], severity=severity, message=failed
                )
        spray = _since(state["fail"], s.ts - p.spray_window_s)
        sprayed = {e[1] for e in spray if e[1]}
        if self.is_open(r.PASSWORD_SPRAYING) or (
            len(sprayed) >= p.spray_min_users and len(spray) >= p.spray_min_failures
        ):
            self.fire(
                r.PASSWORD_SPRAYING,
                [(e[0], e[2]) for e in spray],
                users=sorted(sprayed),
                message=lambda a: (
                    f"{self.value} tried {_users(a)} with {a['count']} failed logins{_on(a)}"
                ),
            )

    def scans(self) -> None:
        s, p, state = self.signal, self.policy, self.state
        state.setdefault("deny", []).append(
            [s.ts, s.destination_ip or "", s.destination_port, s.id]
        )
        recent = _since(state["deny"], s.ts - p.scan_window_s)
        ports = {e[2] for e in recent if e[1] == (s.destination_ip or "") and e[2] is not None}
        target = s.destination_ip or "one host"
        hosts = {e[1] for e in recent if e[1]}
        for rule, distinct, minimum, what in (
            (r.PORT_SCAN, ports, p.scan_min_ports, f"ports of {target}"),
            (r.HOST_SWEEP, hosts, p.sweep_min_hosts, "addresses"),
        ):
            if self.is_open(rule) or len(distinct) >= minimum:
                self.fire(
                    rule,
                    [(e[0], e[3]) for e in recent],
                    facts={"distinct": len(distinct)},
                    message=lambda a, what=what: (
                        f"{self.value} probed {a['facts']['distinct']} {what} "
                        f"({a['count']} denied connections)"
                    ),
                )

    # --- user.name --------------------------------------------------------------------------
    def user_rules(self) -> None:
        s, p, state = self.signal, self.policy, self.state
        if s.user_created:
            state.setdefault("created", []).append([s.ts, s.id])
        elif s.group_member_added and (s.group or "").lower() in PRIVILEGED_GROUPS:
            created = _since(state.get("created", []), s.ts - p.account_privilege_window_s)
            if created:
                self.fire(
                    r.PRIVILEGED_ACCOUNT,
                    [(e[0], e[1]) for e in created] + [(s.ts, s.id)],
                    facts={"group": s.group},
                    message=lambda a: (
                        f"new account {self.value} was added to privileged group "
                        f"{a['facts']['group']}{_on(a)}"
                    ),
                )

    # --- host.name / service.name -----------------------------------------------------------
    def host_rules(self) -> None:
        s, p, state = self.signal, self.policy, self.state
        if not s.operational:
            return
        window = (s.ts // p.burst_window_s) * p.burst_window_s
        base = state.setdefault("base", {"w": window, "n": 0, "mean": 0.0})
        if window > base["w"]:
            alpha = p.burst_baseline_alpha
            skipped = int((window - base["w"]) / p.burst_window_s) - 1
            decay = (1 - alpha) ** max(0, skipped)
            base["mean"] = ((1 - alpha) * base["mean"] + alpha * base["n"]) * decay
            base["w"], base["n"] = window, 0
        base["n"] += 1
        threshold = max(p.burst_min_count, p.burst_factor * base["mean"])
        if self.is_open(r.ERROR_BURST) or base["n"] >= threshold:
            self.fire(
                r.ERROR_BURST,
                [(s.ts, s.id)],
                count=base["n"],
                facts={"baseline_per_window": round(base["mean"], 2), "window_s": p.burst_window_s},
                message=lambda a: (
                    f"{a['count']} errors on {self.value} (usual "
                    f"{a['facts']['baseline_per_window']:g} per {p.burst_window_s:g} s)"
                    + (f"; most: {_top(a)}" if a.get("templates") else "")
                ),
            )

    # --- entity risk ------------------------------------------------------------------------
    def risk(self) -> None:
        s = self.signal
        if s.security and s.risk > 0:
            technique = s.threat()
            self.add_risk(s.label, s.risk * self.policy.signal_risk_factor, s.id, technique)

    def add_risk(self, source: str, points: float, ref: str, technique: Any) -> None:
        p, state = self.policy, self.state
        tech = encode_technique(technique)
        state.setdefault("risk", []).append([self.signal.ts, source, round(points, 2), ref, tech])
        state["risk"] = entries = _compact_risk(
            _since(state["risk"], self.signal.ts - p.risk_window_s), p.risk_cap_per_rule
        )
        total, by_source = _risk_total(entries, p.risk_cap_per_rule)
        if self.is_open(r.ENTITY_RISK) or (
            total >= p.risk_threshold and len(by_source) >= p.risk_min_sources
        ):
            score = round(100 * total / (total + p.risk_threshold), 1)
            threats = _risk_threats(entries)
            top = ", ".join(
                f"{k} {v:.0f}" for k, v in sorted(by_source.items(), key=lambda kv: -kv[1])[:4]
            )
            self.fire(
                r.ENTITY_RISK,
                [(self.signal.ts, ref)],
                severity=r.severity_of(score),
                risk=score,
                threats=threats,
                facts={
                    "risk_total": round(total, 1),
                    "risk_sources": {k: round(v, 1) for k, v in by_source.items()},
                },
                contributes=False,
                message=lambda a: (
                    f"{self.kind} {self.value} reached risk "
                    f"{a['facts']['risk_total']:g} (threshold {p.risk_threshold:g}) from {top}"
                ),
            )

    # --- raising and updating alerts ----------------------------------------------------------
    def update(
        self,
        alert: dict[str, Any],
        *,
        severity: int | None,
        risk: float | None,
        threats: list[dict[str, Any]] | None,
    ) -> None:
        """Add the current signal to an open alert (severity only ever rises)."""
        s = self.signal
        alert["count"] += 1
        alert["end"] = max(alert["end"], s.ts)
        alert["signals"] = [*alert["signals"], s.id][-self.policy.max_references :]
        if severity is not None:
            alert["severity"] = max(alert["severity"], severity)
        if risk is not None:
            alert["risk"], alert["severity"] = risk, max(alert["severity"], r.severity_of(risk))
        if threats:
            alert["threats"] = _merge_threats(alert.get("threats") or [], threats)

    def is_open(self, rule: Rule) -> bool:
        return rule.id in self.state.get("open", {})

    def fire(
        self,
        rule: Rule,
        contributing: list[tuple[float, str]],
        *,
        message: Any,
        severity: int | None = None,
        risk: float | None = None,
        users: Iterable[str] = (),
        threats: list[dict[str, Any]] | None = None,
        facts: dict[str, Any] | None = None,
        contributes: bool = True,
        count: int | None = None,
    ) -> None:
        """Open ``rule``'s alert on this entity, or add the current signal to the open one."""
        s, p = self.signal, self.policy
        opened = self.state.setdefault("open", {})
        alert = opened.get(rule.id)
        if alert is None:
            if self.engine.allowlist.alert_exception(
                rule.id, s.ts, kind=self.kind, value=self.value, template=s.template
            ):
                return
            refs = sorted(contributing)
            alert = {
                "rule": rule.id,
                "id": alert_id(rule.id, entity_key(self.kind, self.value), s.ts),
                "opened": s.ts,
                "start": refs[0][0] if refs else s.ts,
                "end": s.ts,
                "count": count if count is not None else len(refs),
                "signals": [ref for _, ref in refs][-p.max_references :],
                "templates": {},
                "users": [],
                "hosts": [],
                "emitted": 0,
                "revision": 0,
                "severity": severity if severity is not None else rule.severity,
                "risk": risk if risk is not None else float(severity or rule.severity),
            }
            if threats is not None:
                alert["threats"] = threats
            opened[rule.id] = alert
            self.engine.raised[rule.id] += 1
            if contributes:
                self.add_risk(rule.id, alert["risk"], alert["id"], rule.technique)
        else:
            self.update(alert, severity=severity, risk=risk, threats=threats)
        if facts:
            alert["facts"] = {**alert.get("facts", {}), **facts}
        _add_names(alert, "users", users)
        _add_names(alert, "hosts", [s.host] if s.host else [])
        if s.template:
            templates = alert["templates"]
            if s.template in templates or len(templates) < 20:
                templates[s.template] = templates.get(s.template, 0) + 1
        alert["message"] = message(alert)
        if alert["count"] >= max(1, 2 * alert["emitted"]):
            self.out.append(_emit(self.kind, self.value, alert))


MAX_THREATS = 8


def _merge_threats(kept: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An open alert's techniques plus those of the signal added to it (first seen first, at
    most :data:`MAX_THREATS`): an alert grouping several events names every technique."""
    merged = list(kept)
    seen = {_threat_key(t) for t in merged}
    for threat in new:
        key = _threat_key(threat)
        if key not in seen and len(merged) < MAX_THREATS:
            merged.append(threat)
            seen.add(key)
    return merged


def _threat_key(threat: dict[str, Any]) -> tuple[Any, Any]:
    """(technique id, tactic name): one ``threat`` entry per pair."""
    return threat.get("technique", {}).get("id"), threat.get("tactic", {}).get("name")


def _emit(kind: str, value: str, alert: dict[str, Any]) -> dict[str, Any]:
    """The next revision of an alert's document (each emission is one revision)."""
    alert["emitted"] = alert["count"]
    alert["revision"] += 1
    return alert_document(kind, value, alert)


def _since(entries: list[list[Any]], cut: float) -> list[list[Any]]:
    return [e for e in entries if e[0] > cut]


def _add_names(alert: dict[str, Any], field: str, names: Iterable[str]) -> None:
    known = alert[field]
    for name in names:
        if name and name not in known and len(known) < MAX_NAMES:
            known.append(name)


def _risk_total(entries: list[list[Any]], cap: float) -> tuple[float, dict[str, float]]:
    """Risk per source with stacking capped (a single contribution above the cap counts
    whole), and the total."""
    sums: dict[str, float] = {}
    largest: dict[str, float] = {}
    for _, source, points, *_ in entries:
        sums[source] = sums.get(source, 0.0) + points
        largest[source] = max(largest.get(source, 0.0), points)
    capped = {k: min(v, max(cap, largest[k])) for k, v in sums.items()}
    return sum(capped.values()), capped


def _compact_risk(entries: list[list[Any]], cap: float) -> list[list[Any]]:
    """Per source, only the newest contributions that already reach its cap (and every one
    above the cap, e.g. an alert's, which counts whole): older ones can never count again
    (they expire first), so the capped totals stay exact and the state stays small under a
    flood of one signal kind."""
    kept: list[list[Any]] = []
    reached: dict[str, float] = {}
    for entry in reversed(entries):
        source, points = entry[1], entry[2]
        total = reached.get(source, 0.0)
        if total >= cap and points <= cap:
            continue
        reached[source] = total + points
        kept.append(entry)
    kept.reverse()
    return kept


def _risk_threats(entries: list[list[Any]]) -> list[dict[str, Any]]:
    """The distinct techniques of the risk contributions, in order of first appearance."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        technique = decode_technique(entry[4])
        if technique is not None and technique.id not in seen:
            seen[technique.id] = technique.ecs()
    return list(seen.values())


def _users(alert: dict[str, Any]) -> str:
    users = alert["users"]
    if len(users) == 1:
        return str(users[0])
    more = "+" if len(users) >= MAX_NAMES else ""
    return f"{len(users)}{more} users" if users else "unknown users"


def _on(alert: dict[str, Any], word: str = "on") -> str:
    hosts = alert["hosts"]
    if not hosts:
        return ""
    return f" {word} {hosts[0]}" if len(hosts) == 1 else f" {word} {len(hosts)} hosts"


def _from(kind: str, value: str, alert: dict[str, Any]) -> str:
    where = f" from {value}" if kind == "source.ip" else f" ({kind} {value})"
    return where + (_on(alert) if kind != "host.name" else "")


def _times(count: int) -> str:
    return f"{count} × " if count > 1 else ""


def _top(alert: dict[str, Any]) -> str:
    text, count = max(alert["templates"].items(), key=lambda kv: kv[1])
    return f"{text[:120]} ({count})"
