"""Template mining, novelty, snapshots, masking, and the risk/severity mapping."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.logs.risk import RiskPolicy
from classifiers.logs.taxonomy import LABELS, TAXONOMY, label_info
from classifiers.logs.templates import TemplateTracker, mask_for_model


def test_novelty_fires_on_new_template_and_fades_on_repeats() -> None:
    tracker = TemplateTracker()
    first = tracker.observe("Failed password for root from 203.0.113.9 port 4122 ssh2", "sshd|h")
    again = tracker.observe("Failed password for root from 198.51.100.2 port 51 ssh2", "sshd|h")
    third = tracker.observe("Failed password for root from 198.51.100.3 port 52 ssh2", "sshd|h")
    assert first.is_new and first.novelty == 1.0
    assert not again.is_new and again.id == third.id
    assert again.novelty < 0.5 and third.novelty < again.novelty
    other = tracker.observe("kernel: EXT4-fs error (device sda1): inode 12 corrupted", "sshd|h")
    assert other.is_new and other.novelty == 1.0


def test_known_template_is_novel_again_on_a_host_that_never_saw_it() -> None:
    tracker = TemplateTracker(rare_weight=0.8)
    for port in range(5):
        tracker.observe(f"Accepted publickey for deploy from 10.0.0.1 port {port} ssh2", "a|web")
    elsewhere = tracker.observe("Accepted publickey for deploy from 10.0.0.1 port 9 ssh2", "a|db")
    assert not elsewhere.is_new
    assert elsewhere.novelty == pytest.approx(0.8)


def test_windows_are_bounded_and_forget_old_events() -> None:
    tracker = TemplateTracker(window=3, max_keys=2)
    tracker.observe("job A finished", "k1")
    for i in range(3):
        tracker.observe(f"disk {i} mounted at /mnt/{i}/x", "k1")
    # "job A" fell out of the 3-event window of k1: rare again (but not a new template).
    again = tracker.observe("job A finished", "k1")
    assert not again.is_new and again.count_in_window == 0
    tracker.observe("x", "k2")
    tracker.observe("x", "k3")
    assert len(tracker._windows) == 2


def test_snapshot_restore_remembers_templates_and_windows() -> None:
    tracker = TemplateTracker()
    for port in range(3):
        tracker.observe(f"Failed password for admin from 1.2.3.4 port {port} ssh2", "sshd|h")
    restored = TemplateTracker()
    restored.restore(tracker.snapshot())
    match = restored.observe("Failed password for admin from 1.2.3.5 port 99 ssh2", "sshd|h")
    assert not match.is_new
    assert match.count_in_window == 3
    with pytest.raises(ValueError, match="snapshot"):
        restored.restore(b"not a snapshot")


def test_snapshot_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tracker = TemplateTracker()
    tracker.observe("service nginx restarted", "h")
    path = tmp_path / "state" / "templates.json"
    tracker.save(path)
    fresh = TemplateTracker()
    assert fresh.load(path)
    assert not fresh.observe("service nginx restarted", "h").is_new
    assert not TemplateTracker().load(tmp_path / "absent.json")


def test_mask_keeps_paths_and_payloads_but_masks_addresses_and_numbers() -> None:
    masked = mask_for_model(
        '203.0.113.9 - - [04/Apr/2024:00:26:09 +0000] "GET /../../etc/passwd?id=1 HTTP/1.1" 404 0'
    )
    assert masked.startswith("<IP> - - [<NUM>/Apr/<NUM> <NUM>]")
    assert "/../../etc/passwd?id=<NUM>" in masked
    assert mask_for_model("at 0xdeadbeef from fe80::1") == "at <HEX> from <IP>"


@pytest.mark.parametrize(
    "line",
    [
        "cafe:beef:dead and a:b",  # IPv6 with two colons and no digit
        "ab::1 then 1.2.3.4 exactly three dots",
        "v1.2.3 has two dots, 10.0.0.1:22 has three",
        "0x1F and 0X1F and x0x1",
        "build deadbeef1 and 12345678 and abcdefab",
        "no digits at all here",
        "",
        "-12 +3.5 1,000 12:30:45",
    ],
)
def test_mask_shortcuts_give_what_every_pattern_in_turn_gives(line: str) -> None:
    """The cheap may-match tests in front of each mask never skip a mask that would apply."""
    import re

    from classifiers.logs.templates import _MODEL_MASKS

    expected = line
    for pattern, name, _ in _MODEL_MASKS:
        expected = re.sub(pattern, f"<{name}>", expected)
    assert mask_for_model(line) == expected


def test_paths_share_a_template_and_text_without_slashes_is_left_alone() -> None:
    tracker = TemplateTracker()
    first = tracker.observe_masked("open /var/log/a failed", "h")
    second = tracker.observe_masked("open /srv/data/b failed", "h")
    assert first.text == "open <PATH> failed" and second.id == first.id
    assert tracker.observe_masked("a/b ratio ok", "h").text == "a/b ratio ok"


def _probabilities(label: str, p: float) -> np.ndarray:
    row = np.full(len(LABELS), (1 - p) / (len(LABELS) - 1))
    row[LABELS.index(label)] = p
    return row


def test_risk_and_severity_follow_elastic_bands() -> None:
    policy = RiskPolicy()
    assert [policy.severity(r) for r in (0, 21.9, 22, 47.9, 48, 73.9, 74, 100)] == [
        21,
        21,
        47,
        47,
        73,
        73,
        99,
        99,
    ]
    benign = policy.risk_score(_probabilities("benign", 0.99), LABELS, novelty=0.0)
    assert benign < 5 and not policy.is_alert(benign)
    malware = policy.risk_score(_probabilities("malware", 0.99), LABELS, novelty=0.0)
    assert malware >= 74 and policy.severity(malware) == 99 and policy.is_alert(malware)
    auth = policy.risk_score(_probabilities("auth_failure", 0.98), LABELS, novelty=0.0)
    assert 48 <= auth < 74 and policy.is_alert(auth)


def test_novelty_raises_risk_but_never_alerts_alone() -> None:
    policy = RiskPolicy()
    benign_new = policy.risk_score(_probabilities("benign", 0.99), LABELS, novelty=1.0)
    benign_old = policy.risk_score(_probabilities("benign", 0.99), LABELS, novelty=0.0)
    assert benign_new > benign_old
    assert not policy.is_alert(benign_new)
    confident = np.zeros(len(LABELS))
    confident[LABELS.index("benign")], confident[LABELS.index("network")] = 0.35, 0.65
    assert not policy.is_alert(policy.risk_score(confident, LABELS, novelty=0.0))
    assert policy.is_alert(policy.risk_score(confident, LABELS, novelty=1.0))


def test_weak_threat_probability_never_alerts_even_when_novel() -> None:
    policy = RiskPolicy()
    doubtful = np.zeros(len(LABELS))
    doubtful[LABELS.index("benign")] = doubtful[LABELS.index("network")] = 0.5
    risk = policy.risk_score(doubtful, LABELS, novelty=1.0)
    assert not policy.is_alert(risk)
    assert risk == policy.alert_min_risk - 0.01 and policy.severity(risk) == 47
    ungated = RiskPolicy(alert_min_probability=0.0)
    assert ungated.is_alert(ungated.risk_score(doubtful, LABELS, novelty=1.0))
    split = np.zeros(len(LABELS))  # surely a threat, unsure which: still an alert
    split[[LABELS.index(x) for x in ("malware", "intrusion_attempt")]] = 0.5
    assert policy.is_alert(policy.risk_score(split, LABELS, novelty=0.0))
    batch = np.stack([doubtful, _probabilities("malware", 0.99)])
    risks = policy.risk_scores(batch, LABELS, np.array([1.0, 0.0]))
    assert [policy.is_alert(r) for r in risks] == [False, True]


def test_thresholds_are_parameters() -> None:
    strict = RiskPolicy(alert_min_risk=80)
    auth = strict.risk_score(_probabilities("auth_failure", 0.98), LABELS, novelty=0.0)
    assert not strict.is_alert(auth)
    with pytest.raises(ValueError):
        RiskPolicy(alert_min_risk=10, novelty_weight=20)
    with pytest.raises(ValueError):
        RiskPolicy(medium_from=50, high_from=40)
    with pytest.raises(ValueError):
        RiskPolicy(alert_min_probability=1.5)


def test_taxonomy_is_complete_and_documented() -> None:
    assert LABELS[0] == "benign" and len(set(LABELS)) == len(LABELS) == 10
    for label in TAXONOMY:
        assert label.description and label.examples and label.ecs_category and label.ecs_type
    assert label_info("malware").risk_weight == 1.0
    with pytest.raises(KeyError, match="unknown log label"):
        label_info("nope")
