"""Each rule fires at its threshold and not one below; what is not an alert stays silent."""

from __future__ import annotations

import pytest

from classifiers.alerting import AlertEngine, AlertingPolicy
from classifiers.alerting.rules import ALL_RULES
from tests.alerting.signals import failure, rule_ids, run, signal

POLICY = AlertingPolicy()
USERS = ["root", "admin", "oracle", "test", "guest"]


def _failures(n: int, ip: str = "203.0.113.9", users: list[str] = USERS, step: float = 2.0):
    return [failure(i * step, ip, users[i % len(users)]) for i in range(n)]


def test_every_rule_is_documented_and_security_rules_map_to_attack() -> None:
    for rule in ALL_RULES:
        assert rule.id.startswith("logwarden-") and rule.name and rule.description
        assert rule.severity in (21, 47, 73, 99)
    assert {r.id for r in ALL_RULES if r.technique is None} == {
        "logwarden-vendor-verdict",
        "logwarden-error-burst",
        "logwarden-entity-risk",
    }


@pytest.mark.parametrize(("ip", "severity"), [("203.0.113.9", 21), ("10.1.2.3", 47)])
def test_brute_force_per_source_at_threshold(ip: str, severity: int) -> None:
    n = POLICY.brute_force_failures
    assert "logwarden-brute-force-source" not in rule_ids(run(AlertEngine(), _failures(n - 1, ip)))
    alerts = [
        a
        for a in run(AlertEngine(), _failures(n, ip))
        if a["rule"]["id"] == "logwarden-brute-force-source"
    ]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["event"]["severity"] == severity and alert["source"]["ip"] == ip
    assert alert["logwarden"]["alert"]["count"] == n
    assert alert["message"] == f"{n} failed logins for 5 users from {ip} on web-1"
    assert alert["threat"]["technique"]["id"] == "T1110.001"
    assert alert["threat"]["tactic"] == {"id": "TA0006", "name": "Credential Access"}


def test_failures_spread_beyond_the_window_do_not_add_up() -> None:
    step = POLICY.brute_force_window_s / (POLICY.brute_force_failures - 1) + 0.1
    alerts = run(AlertEngine(), _failures(POLICY.brute_force_failures * 3, step=step))
    assert "logwarden-brute-force-source" not in rule_ids(alerts)


def test_brute_force_against_one_account_at_threshold() -> None:
    n = POLICY.brute_force_user_failures
    assert rule_ids(run(AlertEngine(), _failures(n - 1, users=["root"]))) == []
    alerts = run(AlertEngine(), [*_failures(n, users=["root"]), failure(99, user="other")])
    assert rule_ids(alerts) == ["logwarden-brute-force-source-user"]
    assert alerts[0]["logwarden"]["alert"]["count"] == n  # the other user's failure: not counted
    assert alerts[0]["message"] == f"{n} failed logins for root from 203.0.113.9 on web-1"


def _success(ts: float, ip: str = "203.0.113.9"):
    return signal(
        ts,
        source_ip=ip,
        user="oracle",
        host="web-1",
        category=("authentication",),
        outcome="success",
        action="ssh_login",
    )


def test_brute_force_then_success_at_threshold() -> None:
    n = POLICY.brute_force_success_failures
    quiet = run(AlertEngine(), [*_failures(n - 1), _success(60)])
    assert "logwarden-brute-force-success" not in rule_ids(quiet)
    alerts = [
        a
        for a in run(AlertEngine(), [*_failures(n), _success(60)])
        if a["rule"]["id"] == "logwarden-brute-force-success"
    ]
    assert [a["event"]["severity"] for a in alerts] == [73]
    assert (
        alerts[0]["message"]
        == f"oracle logged in from 203.0.113.9 on web-1 after {n} failed logins"
    )


def test_password_spraying_needs_both_users_and_failures() -> None:
    users = [f"user{i}" for i in range(POLICY.spray_min_users)]
    n = POLICY.spray_min_failures
    spray = "logwarden-password-spraying"
    assert spray not in rule_ids(run(AlertEngine(), _failures(n - 1, users=users, step=1)))
    assert spray not in rule_ids(run(AlertEngine(), _failures(n, users=users[:-1], step=1)))
    alerts = [
        a for a in run(AlertEngine(), _failures(n, users=users, step=1)) if a["rule"]["id"] == spray
    ]
    assert len(alerts) == 1 and alerts[0]["event"]["severity"] == 21
    assert alerts[0]["threat"]["technique"]["id"] == "T1110.003"


def _iam(ts: float, user: str, *, created: bool = False, group: str | None = None):
    return signal(
        ts,
        "account_change",
        host="db-1",
        user=user,
        category=("iam",),
        type=("user", "creation") if created else ("group", "change"),
        action=None if created else "added-member-to-group",
        group=group,
        risk=40.0,
    )


def test_account_created_then_added_to_a_privileged_group() -> None:
    rule = "logwarden-account-created-privileged"
    assert rule not in rule_ids(run(AlertEngine(), [_iam(0, "eve", group="sudo")]))
    assert rule not in rule_ids(
        run(AlertEngine(), [_iam(0, "eve", created=True), _iam(10, "eve", group="users")])
    )
    late = POLICY.account_privilege_window_s + 1
    assert rule not in rule_ids(
        run(AlertEngine(), [_iam(0, "eve", created=True), _iam(late, "eve", group="sudo")])
    )
    alerts = run(AlertEngine(), [_iam(0, "eve", created=True), _iam(10, "eve", group="wheel")])
    assert rule_ids(alerts) == [rule]
    assert alerts[0]["user"]["name"] == "eve"
    assert alerts[0]["message"] == "new account eve was added to privileged group wheel on db-1"


def _web(ts: float, ip: str = "198.51.100.4"):
    return signal(
        ts, "intrusion_attempt", source_ip=ip, host="www", web=True, probability=0.9, risk=80.0,
        template="GET /../../etc/passwd",
    )  # fmt: skip


def test_web_attacks_one_updated_alert_then_a_campaign_at_threshold() -> None:
    n = POLICY.web_burst_attempts
    single = run(AlertEngine(), [_web(0)])
    assert rule_ids(single) == ["logwarden-web-exploitation"]
    assert (
        single[0]["event"]["severity"] == 73 and single[0]["threat"]["technique"]["id"] == "T1190"
    )
    below = run(AlertEngine(), [_web(i) for i in range(n - 1)])
    assert rule_ids(below) == ["logwarden-web-exploitation"]
    assert below[0]["logwarden"]["alert"]["count"] == n - 1
    assert "logwarden-web-attack-burst" in rule_ids(run(AlertEngine(), [_web(i) for i in range(n)]))


def test_alert_worthy_events_alone() -> None:
    malware = signal(0, "malware", host="h", probability=0.95, risk=90.0)
    cleared = signal(0, "benign", host="dc-1", action="cleared-audit-log")
    ids = signal(
        0, "intrusion_attempt", source_ip="192.0.2.7", parser_alert=True, vendor_severity=99,
        vendor_rule="ET EXPLOIT Apache Struts RCE",
        technique={"id": "T1190", "name": "Exploit Public-Facing Application",
                   "tactic_id": "TA0001", "tactic_name": "Initial Access"},
    )  # fmt: skip
    assert rule_ids(run(AlertEngine(), [malware])) == ["logwarden-malicious-execution"]
    assert rule_ids(run(AlertEngine(), [cleared])) == ["logwarden-audit-log-cleared"]
    # Event 1102 comes with the Windows parser's own verdict: the specific rule still names it.
    cleared_1102 = signal(0, "benign", host="dc-1", action="cleared-audit-log", parser_alert=True)
    assert rule_ids(run(AlertEngine(), [cleared_1102])) == ["logwarden-audit-log-cleared"]
    verdict = run(AlertEngine(), [ids])
    assert rule_ids(verdict) == ["logwarden-vendor-verdict"]
    assert verdict[0]["event"]["severity"] == 99  # the vendor's severity is kept
    assert verdict[0]["kibana"]["alert"]["severity"] == "critical"
    assert "ET EXPLOIT Apache Struts RCE" in verdict[0]["message"]


def test_events_that_are_not_alerts_alone() -> None:
    quiet = [
        failure(0),
        signal(1, "hardware_fault", host="n1", template="EDAC MC0: 1 CE memory read error"),
        signal(2, "account_change", host="h", category=("iam",), type=("group", "creation"),
               template="new group: name=apache, GID=<NUM>", risk=40.0),
        signal(3, "intrusion_attempt", source_ip="203.0.113.50", host="LabSZ", probability=0.9,
               template="Did not receive identification string from <IP>"),
        signal(4, "malware", host="h", probability=0.5),  # unsure
    ]  # fmt: skip
    assert run(AlertEngine(), quiet) == []


def _errors(n: int, host: str = "app-1", start: float = 0.0):
    return [
        signal(start + i, "service_failure", host=host, template="OOM killed <*>") for i in range(n)
    ]


def test_error_burst_at_threshold_is_operational() -> None:
    n = POLICY.burst_min_count
    assert run(AlertEngine(), _errors(n - 1)) == []
    alerts = run(AlertEngine(), _errors(n))
    assert rule_ids(alerts) == ["logwarden-error-burst"]
    assert "threat" not in alerts[0] and alerts[0]["host"]["name"] == "app-1"


def _denied(ts: float, dst: str, port: int, ip: str = "203.0.113.66"):
    return signal(
        ts, source_ip=ip, destination_ip=dst, destination_port=port,
        category=("network",), type=("connection", "denied"), action="drop",
    )  # fmt: skip


def test_port_scan_and_host_sweep_at_threshold() -> None:
    ports, hosts = POLICY.scan_min_ports, POLICY.sweep_min_hosts
    scan = [_denied(i, "10.0.0.5", 1000 + i) for i in range(ports)]
    sweep = [_denied(i, f"10.0.1.{i}", 22, ip="203.0.113.77") for i in range(hosts)]
    assert run(AlertEngine(), scan[:-1] + sweep[:-1]) == []
    assert rule_ids(run(AlertEngine(), scan)) == ["logwarden-port-scan"]
    swept = run(AlertEngine(), sweep)
    assert rule_ids(swept) == ["logwarden-host-sweep"]
    assert swept[0]["event"]["severity"] == 21 and swept[0]["threat"]["technique"]["id"] == "T1046"


def _risky(ts: float, label: str, risk: float):
    return signal(ts, label, user="mallory", risk=risk, probability=0.9)


def test_entity_risk_crosses_its_threshold_with_capped_stacking() -> None:
    # Each label adds 25% of its risk, at most 40 per label: 40 + 40 + 20 = 100.
    capped = [_risky(i, "privilege_escalation", 100.0) for i in range(10)]
    capped += [_risky(20 + i, "account_change", 100.0) for i in range(10)]
    assert run(AlertEngine(), capped) == []  # 80 however many signals of two labels
    below = run(AlertEngine(), [*capped, _risky(40, "intrusion_attempt", 79.96)])
    assert below == []
    alerts = run(AlertEngine(), [*capped, _risky(40, "intrusion_attempt", 80.0)])
    assert rule_ids(alerts) == ["logwarden-entity-risk"]
    assert alerts[0]["user"]["name"] == "mallory"
    assert alerts[0]["logwarden"]["alert"]["risk_total"] == 100.0
    assert alerts[0]["event"]["severity"] == 73  # 100 * 100 / (100 + 100) = 50: high
    assert {"T1548", "T1098"} <= set(alerts[0]["threat"]["technique"]["id"])


def test_one_alert_per_rule_and_entity_per_suppression_window() -> None:
    n = POLICY.brute_force_failures
    first = _failures(n)
    again = [failure(POLICY.suppression_s + 100 + i, user=USERS[i % 5]) for i in range(n)]
    alerts = [
        a
        for a in run(AlertEngine(), [*first, *again])
        if a["rule"]["id"] == "logwarden-brute-force-source"
    ]
    assert len(alerts) == 2
    updated = [
        a
        for a in run(AlertEngine(), _failures(3 * n))
        if a["rule"]["id"] == "logwarden-brute-force-source"
    ]
    assert len(updated) == 1 and updated[0]["logwarden"]["alert"]["count"] == 3 * n


def test_alert_documents_are_ecs_alerts_and_deterministic() -> None:
    signals = [*_failures(40), _web(5), *_errors(60)]
    first, second = run(AlertEngine(), signals), run(AlertEngine(), signals)
    assert first == second
    for alert in first:
        assert alert["event"]["kind"] == "alert" and "label" not in alert.get("logwarden", {})
        assert alert["event"]["start"] <= alert["event"]["end"]
        assert {"id", "name", "description"} <= set(alert["rule"])
        assert len(alert["logwarden"]["alert"]["signals"]) <= POLICY.max_references
        assert alert["event"]["risk_score"] >= 0 and alert["message"]


def test_entity_state_stays_bounded_under_a_flood() -> None:
    engine, store = AlertEngine(), {}
    for i in range(5000):
        engine.process(failure(i * 0.1, user=f"u{i % 300}"), store)
    state = store["source.ip|203.0.113.9"]
    assert len(state["fail"]) <= POLICY.max_window_entries
    # Risk keeps only the newest contributions that reach each source's cap.
    assert len(state["risk"]) <= 2 * POLICY.risk_cap_per_rule / (55 * POLICY.signal_risk_factor) + 4
    assert engine.risk(state) == pytest.approx(40 + 21 + 21)  # failures capped + two alerts


def test_a_vendor_verdict_alert_names_every_technique_of_its_events() -> None:
    """Two parser verdicts on one host within the suppression window update one alert; the
    alert keeps both techniques (the first one is not overwritten by the second)."""

    def verdict(ts: float, technique: str, tactic: tuple[str, str]) -> object:
        return signal(
            ts, "malware", host="ws-1", parser_alert=True, vendor_severity=73,
            technique={"id": technique, "name": technique, "tactic_id": tactic[0],
                       "tactic_name": tactic[1]},
        )  # fmt: skip

    alerts = run(AlertEngine(), [
        verdict(0, "T1003.006", ("TA0006", "Credential Access")),
        verdict(5, "T1021.002", ("TA0008", "Lateral Movement")),
        verdict(9, "T1003.006", ("TA0006", "Credential Access")),
    ])  # fmt: skip
    vendor = [a for a in alerts if a["rule"]["id"] == "logwarden-vendor-verdict"]
    assert len(vendor) == 1 and vendor[0]["logwarden"]["alert"]["count"] == 3
    assert vendor[0]["threat"]["technique"]["id"] == ["T1003.006", "T1021.002"]
    assert vendor[0]["threat"]["tactic"]["name"] == ["Credential Access", "Lateral Movement"]
