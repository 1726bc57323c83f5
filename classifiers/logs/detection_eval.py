"""Per-family detection figures on data the detectors were not built from.

* **Windows attacks**: the shared EVTX recordings (one ATT&CK tactic per folder). Tactics in
  :data:`HELDOUT_TACTICS` were kept out of development (no rule was written or tuned while
  looking at them); the others were the development part. A recording *raises an alert* when
  one of its events alerts after scoring, or when the documented stand-in for the alerting
  engine's brute-force rule fires (:data:`BRUTE_FORCE_FAILURES` failed logons from one source
  within :data:`BRUTE_FORCE_WINDOW_S`); *right tactic* when an alert names the folder's tactic.
* **Windows false alarms**: alerts per 1,000 events of generated ordinary activity
  (:mod:`.winactivity`).
* **Firewalls and IDS**: hand-written lines after the vendors' documented formats
  (``netsec_eval.tsv``): recall on lines that must alert, false-positive rate on blocks
  (signals), allowed traffic and informational records.

Scoring goes through :class:`~classifiers.logs.scoring.LogScorer` when a model is given (the
serving path), else the parser verdicts alone decide. Evaluation-only code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer, ProbabilityModel
from classifiers.logs.winactivity import benign_windows_events
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.evtx import iter_evtx_documents
from classifiers.shared_data import shared_data_dir

HELDOUT_TACTICS = ("Lateral Movement", "Persistence", "Discovery", "Command and Control")
BRUTE_FORCE_FAILURES = 5
BRUTE_FORCE_WINDOW_S = 600.0
NETSEC_SET = Path(__file__).with_name("netsec_eval.tsv")
BENIGN_WINDOWS_EVENTS = 20_000
#: Recordings at the top of the EVTX folder, with the tactic their technique belongs to.
_LOOSE = {"UACME_59_Sysmon.evtx": "Privilege Escalation"}


def _alerts(events: Sequence[dict[str, Any]], model: ProbabilityModel | None) -> list[bool]:
    """Alert or not per event: the scorer's decision with a model, the parser's without."""
    if model is None:
        return [bool(e.get("logwarden", {}).get("parser", {}).get("alert")) for e in events]
    scorer = LogScorer(model, RiskPolicy(), explain=False)
    return [score.alert for score in scorer.score_batch(events)]


def _tactics(event: dict[str, Any]) -> list[str]:
    names = event.get("threat", {}).get("tactic", {}).get("name", [])
    return names if isinstance(names, list) else [names]


def brute_force(events: Iterable[dict[str, Any]]) -> bool:
    """The stand-in correlation: enough ``auth_failure`` verdicts from one source in a window."""
    times: dict[str, list[float]] = defaultdict(list)
    for event in events:
        if event.get("logwarden", {}).get("parser", {}).get("label") != "auth_failure":
            continue
        key = event.get("source", {}).get("ip") or event.get("host", {}).get("name") or "-"
        stamp = datetime.fromisoformat(event["@timestamp"].replace("Z", "+00:00")).timestamp()
        times[key].append(stamp)
    for stamps in times.values():
        stamps.sort()
        for first, last in zip(stamps, stamps[BRUTE_FORCE_FAILURES - 1 :], strict=False):
            if last - first <= BRUTE_FORCE_WINDOW_S:
                return True
    return False


def evtx_recordings(base: Path) -> list[tuple[str, Path]]:
    """(tactic, path) of every recording under ``base`` (the shared ``evtx`` folder)."""
    found = []
    for path in sorted(base.rglob("*.evtx")):
        top = path.relative_to(base).parts[0]
        found.append((_LOOSE.get(top, top), path))
    return found


def windows_attack_figures(model: ProbabilityModel | None = None) -> dict[str, Any]:
    """Per split and tactic: recordings, those raising an alert, those with the right tactic."""
    base = shared_data_dir()
    if base is None or not (base / "evtx").is_dir():
        return {"note": "shared EVTX recordings absent"}
    options = ParseOptions(max_bytes=4 * 1_048_576)
    table: dict[str, dict[str, dict[str, Any]]] = {"development": {}, "heldout": {}}
    events_seen = 0
    for tactic, path in evtx_recordings(base / "evtx"):
        events = [e for e in iter_evtx_documents(path, options) if not isinstance(e, ParseFailure)]
        events_seen += len(events)
        flags = _alerts(events, model)
        alerted = [e for e, flag in zip(events, flags, strict=True) if flag]
        raised = bool(alerted) or brute_force(events)
        split = "heldout" if tactic in HELDOUT_TACTICS else "development"
        row = table[split].setdefault(
            tactic, {"recordings": 0, "alerted": 0, "right_tactic": 0, "missed": []}
        )
        row["recordings"] += 1
        row["alerted"] += raised
        row["right_tactic"] += any(tactic in _tactics(e) for e in alerted)
        if not raised:
            row["missed"].append(path.name)
    return {"events": events_seen, **split_shares(table)}


def split_shares(table: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per split: recordings, the share raising an alert and the share naming the right
    tactic, with the per-tactic rows."""
    figures: dict[str, Any] = {}
    for split, rows in table.items():
        total = sum(r["recordings"] for r in rows.values())
        alerted = sum(r["alerted"] for r in rows.values())
        right = sum(r["right_tactic"] for r in rows.values())
        figures[split] = {
            "recordings": total,
            "alerted_share": round(alerted / total, 3) if total else None,
            "right_tactic_share": round(right / total, 3) if total else None,
            "tactics": rows,
        }
    return figures


def windows_benign_figures(
    model: ProbabilityModel | None = None, count: int = BENIGN_WINDOWS_EVENTS, seed: int = 7
) -> dict[str, Any]:
    """Alerts per 1,000 generated ordinary Windows events, and what alerted."""
    options = ParseOptions()
    events = [
        event
        for document in benign_windows_events(count, seed)
        if not isinstance(event := parse(orjson.dumps(document), options), ParseFailure)
    ]
    flags = _alerts(events, model)
    reasons: dict[str, int] = defaultdict(int)
    for event, flag in zip(events, flags, strict=True):
        if flag:
            code = event["event"].get("code")
            reasons[f"{code}: {event['logwarden'].get('parser', {}).get('reason', 'model')}"] += 1
    alerts = sum(flags)
    return {
        "events": len(events),
        "alerts": alerts,
        "alerts_per_1000": round(1000 * alerts / max(len(events), 1), 3),
        "brute_force_fired": brute_force(events),
        "alert_reasons": dict(reasons),
    }


def read_netsec_set(path: Path = NETSEC_SET) -> list[tuple[str, str, str]]:
    """(family, expected, line) rows of the hand-written firewall/IDS set."""
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            family, expected, line = raw.split("\t", 2)
            rows.append((family, expected, line))
    return rows


def netsec_figures(model: ProbabilityModel | None = None) -> dict[str, Any]:
    """Per family: recall on lines that must alert, false positives on the others, and the
    share of blocks that carry what the port-scan/host-sweep rules need."""
    rows = read_netsec_set()
    options = ParseOptions(now=datetime(2026, 11, 13).astimezone())
    events = []
    for _, _, line in rows:
        event = parse(line.encode(), options)
        if isinstance(event, ParseFailure):
            raise ValueError(f"evaluation line does not parse: {event.reason}: {line[:80]}")
        events.append(event)
    flags = _alerts(events, model)
    figures: dict[str, Any] = {}
    for family in sorted({row[0] for row in rows}):
        picked = [
            (expected, event, flag)
            for (fam, expected, _), event, flag in zip(rows, events, flags, strict=True)
            if fam == family
        ]
        positives = [flag for expected, _, flag in picked if expected == "alert"]
        negatives = [flag for expected, _, flag in picked if expected != "alert"]
        signals = [event for expected, event, _ in picked if expected == "signal"]
        figures[family] = {
            "alert_lines": len(positives),
            "recall": round(sum(positives) / len(positives), 3) if positives else None,
            "other_lines": len(negatives),
            "fp_rate": round(sum(negatives) / len(negatives), 3) if negatives else None,
            "signals_with_correlation_fields": sum(_correlatable(e) for e in signals),
            "signals": len(signals),
        }
    return figures


def _correlatable(event: dict[str, Any]) -> bool:
    """A block the port-scan and host-sweep rules can count."""
    return (
        "denied" in (event.get("event", {}).get("type") or [])
        and bool(event.get("source", {}).get("ip"))
        and bool(event.get("destination", {}).get("ip"))
        and event.get("destination", {}).get("port") is not None
        and bool(event.get("network", {}).get("transport"))
    )


def detection_figures(model: ProbabilityModel | None = None) -> dict[str, Any]:
    """Every family's figures (the ``detection_families`` row of ``bench classifier``)."""
    return {
        "windows_attacks": windows_attack_figures(model),
        "windows_benign": windows_benign_figures(model),
        "firewall_ids": netsec_figures(model),
    }
