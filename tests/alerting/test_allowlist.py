"""The allow-list suppresses what it names, counts every suppression, and honours expiry."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.alerting import AlertEngine, AllowList, AllowListError
from tests.alerting.signals import BASE_TS, failure, rule_ids, run

ATTACKER, SCANNER = "203.0.113.9", "10.20.0.5"


def _engine(tmp_path: Path, text: str) -> AlertEngine:
    path = tmp_path / "allow.yaml"
    path.write_text(text, encoding="utf-8")
    return AlertEngine(allowlist=AllowList.load(path))


def _attack(ip: str, n: int = 25, start: float = 0.0):
    return [failure(start + i, ip, f"u{i % 5}") for i in range(n)]


def test_a_cidr_entry_suppresses_its_signals_and_counts_them(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "entries:\n  - name: scanner\n    cidr: 10.20.0.0/16\n")
    alerts = run(engine, _attack(SCANNER) + _attack(ATTACKER))
    assert {a["source"]["ip"] for a in alerts} == {ATTACKER}
    assert engine.allowlist.suppressed == {("signal", "scanner"): 25}


def test_a_rule_entry_suppresses_only_that_rule_on_that_entity(tmp_path: Path) -> None:
    engine = _engine(
        tmp_path,
        f"entries:\n  - rule: logwarden-brute-force-source\n    ip: {ATTACKER}\n"
        "    reason: pen test\n",
    )
    alerts = run(engine, _attack(ATTACKER) + _attack("198.51.100.1"))
    assert [a["source"]["ip"] for a in alerts] == ["198.51.100.1"]
    # Each suppressed opening is counted (the rule stays closed, so every later match asks).
    assert engine.allowlist.suppressed["alert", "entry-1"] == 25 - 20 + 1


def test_an_expired_entry_no_longer_applies(tmp_path: Path) -> None:
    engine = _engine(
        tmp_path, f"entries:\n  - cidr: {ATTACKER}/32\n    expires: 2023-11-14T22:13:40Z\n"
    )
    assert BASE_TS == 1_700_000_000.0  # 2023-11-14T22:13:20Z
    early = run(engine, _attack(ATTACKER, 20))  # the first 20 s fall before expiry
    assert early == []
    late = run(engine, _attack(ATTACKER, 20, start=3600))
    assert rule_ids(late) == ["logwarden-brute-force-source"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entries:\n  - cidr: 10.0.0.0/33\n", "not an address or CIDR"),
        ("entries:\n  - name: x\n", "names nothing"),
        ("entries:\n  - users: bob\n", "unknown fields"),
        ("entries:\n  - user: bob\n    expires: soon\n", "not a date"),
        ("- user: bob\n", "'entries' list"),
    ],
)
def test_a_bad_allowlist_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "allow.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AllowListError, match=message):
        AllowList.load(path)
