"""The scorer never lowers a parser verdict: pinned labels, parser-decided alerts and vendor
severities survive a model that says otherwise (the issue's PAN-OS CEF example included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pytest

from classifiers.logs.model import SHIPPED_LOG_MODEL, load_log_model
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScore, LogScorer
from classifiers.logs.taxonomy import LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse

PAN_OS_THREAT = (
    "<14>Dec  4 10:11:12 pa-fw1 CEF:0|Palo Alto Networks|PAN-OS|10.1.0|spyware|THREAT|8|"
    "src=10.0.0.7 dst=198.51.100.9 spt=50123 dpt=443 proto=tcp act=reset-both cs1=C2 beacon"
)
FAILED_LOGON = {
    "@timestamp": "2024-03-03T10:00:00Z", "event": {"code": "4625"},
    "winlog": {"channel": "Security", "event_id": "4625", "event_data": {
        "TargetUserName": "administrator", "LogonType": "3", "IpAddress": "203.0.113.9"}},
}  # fmt: skip


class SureModel:
    """Says one label with probability 0.99 for every text."""

    name = "sure"
    version = "0"
    label_names: Sequence[str] = LABELS

    def __init__(self, label: str) -> None:
        self.row = np.full(len(LABELS), 0.01 / (len(LABELS) - 1), dtype=np.float32)
        self.row[LABELS.index(label)] = 0.99

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(self.row, (len(texts), 1))


def _event(raw: str | dict[str, Any]) -> dict[str, Any]:
    line = orjson.dumps(raw) if isinstance(raw, dict) else raw.encode()
    event = parse(line, ParseOptions(now=None))
    assert not isinstance(event, ParseFailure), event
    return event


def _score(model: Any, raw: str | dict[str, Any]) -> LogScore:
    return LogScorer(model, RiskPolicy(), explain=False).score_batch([_event(raw)])[0]


def test_vendor_threat_severity_is_not_lowered_by_a_benign_model() -> None:
    score = _score(SureModel("benign"), PAN_OS_THREAT)
    assert (score.label, score.alert, score.severity) == ("malware", True, 73)
    assert score.summary()["decided_by"] == "parser" and score.probability == 1.0
    assert score.top3[0] == {"label": "benign", "probability": 0.99}  # the model's view stays
    assert score.risk_score >= 73
    fields = score.ecs_fields()
    assert fields["event"]["kind"] == "alert" and fields["event"]["severity"] == 73
    assert "category" not in fields["event"]  # the parser's category and type stay


def test_a_signal_does_not_alert_however_sure_the_model_is() -> None:
    score = _score(SureModel("auth_failure"), FAILED_LOGON)
    assert (score.label, score.alert) == ("auth_failure", False)
    assert score.risk_score < RiskPolicy().alert_min_risk


def test_severity_only_verdict_keeps_the_model_label_and_the_floor() -> None:
    score = _score(SureModel("network"), "CEF:0|Acme|Sensor|1|42|Odd thing|9|src=10.0.0.1")
    assert (score.label, score.alert, score.severity) == ("network", True, 99)
    quiet = _score(SureModel("benign"), "CEF:0|Acme|Sensor|1|42|Odd thing|5|src=10.0.0.1")
    assert (quiet.label, quiet.alert, quiet.severity) == ("benign", False, 47)


def test_without_a_verdict_the_model_decides() -> None:
    score = _score(SureModel("malware"), "Mar  3 10:00:00 h1 app[1]: something odd happened")
    assert (score.label, score.alert, score.pinned) == ("malware", True, False)
    assert score.summary()["decided_by"] == "model"


@pytest.mark.skipif(not (SHIPPED_LOG_MODEL / "metadata.json").exists(), reason="no shipped model")
def test_shipped_model_end_to_end_on_the_issue_examples() -> None:
    scorer = LogScorer(load_log_model(), RiskPolicy(), explain=True)
    created = {**FAILED_LOGON, "event": {"code": "4720"}, "winlog": {
        "channel": "Security", "event_id": "4720",
        "event_data": {"TargetUserName": "backdoor$", "SubjectUserName": "eve"}}}  # fmt: skip
    added = {**FAILED_LOGON, "event": {"code": "4732"}, "winlog": {
        "channel": "Security", "event_id": "4732", "event_data": {
            "TargetUserName": "Administrators", "MemberSid": "S-1-5-21-1-2-3-1104"}}}  # fmt: skip
    encoded = {**FAILED_LOGON, "event": {"code": "1"}, "winlog": {
        "channel": "Microsoft-Windows-Sysmon/Operational", "event_id": "1", "event_data": {
            "Image": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
            "CommandLine": "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A"}}}  # fmt: skip
    raws: list[str | dict[str, Any]] = [PAN_OS_THREAT, FAILED_LOGON, created, added, encoded]
    scores = scorer.score_batch([_event(raw) for raw in raws])
    assert [(s.label, s.alert) for s in scores] == [
        ("malware", True), ("auth_failure", False), ("account_change", True),
        ("account_change", True), ("malware", True),
    ]  # fmt: skip
    assert scores[0].severity == 73
    assert all(s.explanation for s in scores if s.alert)
