"""Windows detection through the alerting engine, as ``logwarden hunt`` runs it.

The scorer-path figures live in :mod:`classifiers.logs.detection_eval` (pure, no stream
layer); these go through :func:`stream.hunt.run_hunt`, so they belong with the harnesses:
per tactic, the shared EVTX recordings that raise at least one alert and those whose alerts
name the folder's tactic, and the alerts the engine raises over generated ordinary activity.

``python -m benches.windows_hunt [OUT.json]`` prints the model card's tables (and the rules
and tactics per recording), writing the figures as JSON when a path is given.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from classifiers.alerting import AlertEngine, AlertingPolicy
from classifiers.logs.detection_card import hunt_text
from classifiers.logs.detection_eval import (
    BENIGN_WINDOWS_EVENTS,
    HELDOUT_TACTICS,
    evtx_recordings,
    split_shares,
)
from classifiers.logs.model import load_log_model
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer, ProbabilityModel
from classifiers.logs.winactivity import benign_windows_events
from classifiers.parsing import ParseOptions
from classifiers.paths import SHIPPED_LOG_MODEL
from classifiers.shared_data import shared_data_dir
from stream.hunt import HuntResult, run_hunt


def _hunt(files: list[Path], model: ProbabilityModel, options: ParseOptions) -> HuntResult:
    """``logwarden hunt FILES`` with a fresh engine (default policy, no allow-list)."""
    scorer = LogScorer(model, RiskPolicy(), explain=False)
    return run_hunt(files, scorer, AlertEngine(AlertingPolicy()), options)


def _alert_tactics(document: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    threats = document.get("threat") or []
    for threat in threats if isinstance(threats, list) else [threats]:
        tactic = threat.get("tactic", {}).get("name", [])
        names.update(tactic if isinstance(tactic, list) else [tactic])
    return names


def windows_hunt_figures(model: ProbabilityModel) -> dict[str, Any]:
    """Per split and tactic: recordings, those raising an alert, those with an alert naming
    the folder's tactic; per recording the rules and tactics raised."""
    base = shared_data_dir()
    if base is None or not (base / "evtx").is_dir():
        return {"note": "shared EVTX recordings absent"}
    options = ParseOptions(max_bytes=4 * 1_048_576)
    table: dict[str, dict[str, dict[str, Any]]] = {"development": {}, "heldout": {}}
    recordings: dict[str, dict[str, Any]] = {}
    for tactic, path in evtx_recordings(base / "evtx"):
        alerts = _hunt([path], model, options).sorted_alerts()
        tactics = set().union(*(_alert_tactics(a) for a in alerts)) if alerts else set()
        split = "heldout" if tactic in HELDOUT_TACTICS else "development"
        row = table[split].setdefault(
            tactic, {"recordings": 0, "alerted": 0, "right_tactic": 0, "missed": []}
        )
        row["recordings"] += 1
        row["alerted"] += bool(alerts)
        row["right_tactic"] += tactic in tactics
        if not alerts:
            row["missed"].append(path.name)
        recordings[str(path.relative_to(base / "evtx"))] = {
            "tactic": tactic,
            "rules": sorted({a["rule"]["id"] for a in alerts}),
            "tactics": sorted(tactics),
        }
    return {**split_shares(table), "recordings": recordings}


def windows_benign_hunt_figures(
    model: ProbabilityModel, count: int = BENIGN_WINDOWS_EVENTS, seed: int = 7
) -> dict[str, Any]:
    """Alerts the engine raises over generated ordinary Windows activity, per 1,000 events."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "winactivity.jsonl"
        path.write_bytes(b"\n".join(orjson.dumps(d) for d in benign_windows_events(count, seed)))
        result = _hunt([path], model, ParseOptions())
    alerts = result.sorted_alerts()
    rules: dict[str, int] = defaultdict(int)
    for alert in alerts:
        rules[f"{alert['rule']['id']}: {alert['message'][:100]}"] += 1
    return {
        "events": result.events,
        "alerts": len(alerts),
        "alerts_per_1000": round(1000 * len(alerts) / max(result.events, 1), 3),
        "alert_rules": dict(rules),
    }


def hunt_figures(model: ProbabilityModel) -> dict[str, Any]:
    """Both hunt figures, under the keys the model card reads."""
    return {
        "windows_hunt": windows_hunt_figures(model),
        "windows_benign_hunt": windows_benign_hunt_figures(model),
    }


def main() -> None:
    figures = hunt_figures(load_log_model(SHIPPED_LOG_MODEL, threads=1))
    for name, row in figures["windows_hunt"].get("recordings", {}).items():
        print(f"{name}\t{','.join(row['rules']) or '-'}\t{','.join(row['tactics']) or '-'}")
    print(hunt_text(figures))
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
