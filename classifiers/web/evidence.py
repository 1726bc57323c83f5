"""Find attack evidence in the request values of a parsed web event and pin its verdict.

Values inspected (ECS): ``url.path``; every ``url.query`` parameter; the string fields of a JSON
``http.request.body.content`` (or its form parameters); ``user_agent.original``; the query
parameters of ``http.request.referrer``. Each value is decoded (:mod:`classifiers.web.decode`)
and judged by the rule set (:mod:`classifiers.web.rules`) and by libinjection's SQLi and XSS
detectors. An event with evidence gets the parser-verdict contract: ``logwarden.parser.label``
``intrusion_attempt`` (the scorer never lowers it), ``rule.*`` naming the family, and
``threat.*`` ATT&CK T1190 / TA0001. One without gets ``logwarden.checked:
["intrusion_attempt"]``: the model alone then needs its validation-fitted 95%-precision
threshold for that label (on held-out normal requests, its unsure intrusion votes, 0.5-0.8 on
unfamiliar paths, parameter names and user agents, were the remaining false alarms).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import libinjection
import orjson

from classifiers.parsing.verdict import HIGH, Verdict
from classifiers.web.decode import decoded_forms
from classifiers.web.rules import SQLI, XSS, Family, is_ordinary, matching_rule, normalised

INTRUSION_LABEL = "intrusion_attempt"
_SHOWN_CHARS = 200


@dataclass(frozen=True)
class Finding:
    """Why a request is an attack: the family, the ECS field (``url.query.id``), the detector
    (``libinjection`` or a rule name) and the decoded value that matched."""

    family: Family
    field: str
    detector: str
    value: str


def query_values(query: str, prefix: str) -> Iterator[tuple[str, str, bool]]:
    """``(field, raw value, plus is space)`` per ``name=value`` of a query or form body."""
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        yield f"{prefix}.{name}", value, True


def _json_strings(node: Any, field: str) -> Iterator[tuple[str, str, bool]]:
    if isinstance(node, str):
        yield field, node, False
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _json_strings(value, f"{field}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _json_strings(value, field)


def _body_values(body: str) -> Iterator[tuple[str, str, bool]]:
    field = "http.request.body.content"
    if body.lstrip().startswith(("{", "[")):
        try:
            yield from _json_strings(orjson.loads(body), field)
            return
        except orjson.JSONDecodeError:
            pass
    if "=" in body:
        yield from query_values(body, field)
    else:
        yield field, body, False


def _section(event: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = event.get(name)
    return value if isinstance(value, Mapping) else {}


def request_values(event: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """Every inspected value of ``event`` as ``(field, raw value, plus is space)``."""
    url = _section(event, "url")
    path = url.get("path")
    if isinstance(path, str) and path:
        yield "url.path", path, False
    query = url.get("query")
    if isinstance(query, str) and query:
        yield from query_values(query, "url.query")
    request = _section(_section(event, "http"), "request")
    body = _section(request, "body").get("content")
    if isinstance(body, str) and body:
        yield from _body_values(body)
    agent = _section(event, "user_agent").get("original")
    if isinstance(agent, str) and agent:
        yield "user_agent.original", agent, False
    referrer = request.get("referrer")
    if isinstance(referrer, str) and "?" in referrer:
        yield from query_values(referrer.partition("?")[2], "http.request.referrer")


@functools.lru_cache(maxsize=16_384)
def judge(value: str, plus_is_space: bool = True) -> tuple[Family, str, str] | None:
    """``(family, detector, decoded form)`` of the first evidence in ``value``, or None.
    Memoised: user agents, paths and many parameter values repeat from request to request, and
    judging one costs a few microseconds (two libinjection calls among them)."""
    for form in decoded_forms(value, plus_is_space):
        text = normalised(form)
        rule = matching_rule(text)
        if rule is not None:
            return rule.family, rule.name, form
        if is_ordinary(form):
            continue
        if libinjection.is_sql_injection(form)["is_sqli"]:
            return SQLI, "libinjection", form
        if libinjection.is_xss(form)["is_xss"]:
            return XSS, "libinjection", form
    return None


def find(event: Mapping[str, Any]) -> Finding | None:
    """The first evidence of an attack in ``event``'s request values, or None."""
    for field, value, plus_is_space in request_values(event):
        verdict = judge(value, plus_is_space)
        if verdict is not None:
            family, detector, form = verdict
            return Finding(family, field, detector, form[:_SHOWN_CHARS])
    return None


def annotate(event: dict[str, Any]) -> Finding | None:
    """Pin ``intrusion_attempt`` on ``event`` (a parser verdict that alerts, severity high,
    ATT&CK T1190) when its request carries evidence, with ``rule.*`` naming the family (an
    existing ``rule`` of the source is kept); otherwise record that it was checked
    (``logwarden.checked``)."""
    finding = find(event)
    if finding is None:
        # Looked for and not found: the scorer then takes the model's intrusion vote only at its
        # validation-fitted precision threshold (see LogScorer).
        event.setdefault("logwarden", {})["checked"] = [INTRUSION_LABEL]
        return None
    Verdict(
        INTRUSION_LABEL,
        alert=True,
        severity=HIGH,
        reason=f"{finding.family.rule_name} ({finding.detector} in {finding.field})",
        tactic="Initial Access",
        technique="T1190 Exploit Public-Facing Application",
    ).apply(event)
    event["logwarden"]["web"] = {
        "family": finding.family.id,
        "field": finding.field,
        "detector": finding.detector,
        "value": finding.value,
    }
    event.setdefault(
        "rule",
        {
            "id": f"logwarden-web-{finding.family.id}",
            "name": finding.family.rule_name,
            "category": "web",
            "ruleset": "logwarden-web",
        },
    )
    return finding
