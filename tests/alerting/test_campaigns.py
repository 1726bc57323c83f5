"""The demo feed through the shipped model and the engine: every campaign raises its rule's
alert (recall 1 per campaign) while alerts stay at most 5% of events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from classifiers.alerting import AlertEngine
from classifiers.logs.campaigns import Campaign, campaigns, demo_lines
from classifiers.logs.model import SHIPPED_LOG_MODEL, load_log_model
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer
from classifiers.parsing import ParseOptions
from stream.demo import DEMO_SEED
from stream.hunt import run_hunt

LINES = 3000
Hunted = tuple[list[dict[str, Any]], dict[str, str], int]


@pytest.fixture(scope="module")
def hunted(tmp_path_factory: pytest.TempPathFactory) -> Hunted:
    feed = demo_lines(LINES, DEMO_SEED)
    path = tmp_path_factory.mktemp("demo") / "feed.log"
    path.write_text("\n".join(line.text for line in feed) + "\n", encoding="utf-8")
    scorer = LogScorer(load_log_model(SHIPPED_LOG_MODEL, threads=1), RiskPolicy())
    result = run_hunt([path], scorer, AlertEngine(), ParseOptions())
    source_of = {f"{path.name}:{i}": line.source for i, line in enumerate(feed, 1)}
    return result.sorted_alerts(), source_of, result.events


@pytest.mark.parametrize(
    "campaign", campaigns(datetime(2024, 4, 1, tzinfo=UTC), DEMO_SEED), ids=lambda c: c.name
)
def test_every_campaign_raises_its_alert(hunted: Hunted, campaign: Campaign) -> None:
    alerts, source_of, _ = hunted
    naming = [
        a
        for a in alerts
        if any(source_of.get(s) == campaign.name for s in a["logwarden"]["alert"]["signals"])
    ]
    assert campaign.rule in {a["rule"]["id"] for a in naming}, [a["message"] for a in naming]


def test_alerts_are_at_most_five_percent_of_events(hunted: Hunted) -> None:
    alerts, _, events = hunted
    assert events > LINES and 0 < len(alerts) <= 0.05 * events
