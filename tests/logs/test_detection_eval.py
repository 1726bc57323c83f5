"""The detection evaluation's parts: the brute-force stand-in, the benign generator, the
hand-written firewall/IDS set and the EVTX split."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from classifiers.logs.detection_eval import (
    HELDOUT_TACTICS,
    brute_force,
    evtx_recordings,
    netsec_figures,
    read_netsec_set,
)
from classifiers.logs.winactivity import benign_windows_events
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.winevents import lookup
from classifiers.shared_data import shared_data_dir


def _failure(second: int, source: str = "203.0.113.9") -> dict[str, Any]:
    return {
        "@timestamp": f"2026-12-04T10:{second // 60:02d}:{second % 60:02d}.000Z",
        "source": {"ip": source},
        "logwarden": {"parser": {"label": "auth_failure", "alert": False}},
    }


def test_brute_force_needs_enough_failures_from_one_source_in_the_window() -> None:
    assert brute_force([_failure(s) for s in (0, 60, 120, 180, 240)])
    assert not brute_force([_failure(s) for s in (0, 60, 120, 180)])
    assert not brute_force([_failure(s) for s in (0, 60, 120, 180, 900)])
    mixed = [_failure(s, f"198.51.100.{s}") for s in (0, 1, 2, 3, 4)]
    assert not brute_force(mixed)


def test_benign_generator_is_deterministic_and_speaks_the_table() -> None:
    first = list(benign_windows_events(500, seed=3))
    assert first == list(benign_windows_events(500, seed=3))
    assert first != list(benign_windows_events(500, seed=4))
    options = ParseOptions()
    for document in first:
        event = parse(orjson.dumps(document), options)
        assert not isinstance(event, ParseFailure), event
        winlog = document["winlog"]
        assert lookup(winlog["channel"], int(winlog["event_id"])) is not None, winlog
        assert "parser" in event["logwarden"]


def test_netsec_set_parses_and_covers_every_family_and_outcome() -> None:
    rows = read_netsec_set()
    assert {family for family, _, _ in rows} == {"firewall", "cef_leef", "ids"}
    assert {expected for _, expected, _ in rows} == {"alert", "signal", "benign"}
    figures = netsec_figures()
    assert set(figures) == {"firewall", "cef_leef", "ids"}
    assert figures["cef_leef"]["alert_lines"] > 0 and figures["ids"]["alert_lines"] > 0


def test_evtx_split_keeps_heldout_tactics_apart() -> None:
    base = shared_data_dir()
    if base is None or not (base / "evtx").is_dir():
        pytest.skip("shared EVTX recordings absent: set LOGWARDEN_SHARED_DATA")
    recordings = evtx_recordings(base / "evtx")
    tactics = {tactic for tactic, _ in recordings}
    assert set(HELDOUT_TACTICS) <= tactics
    assert "UACME_59_Sysmon.evtx" not in tactics  # a loose file gets its technique's tactic
    assert len(recordings) > 60
