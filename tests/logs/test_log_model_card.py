"""The log model card is rewritten from given figures (``bench classifier --task logs --card``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from classifiers.logs.model import SHIPPED_LOG_MODEL
from classifiers.logs.model_card import write_log_model_card
from classifiers.runtime import ModelMetadata


def test_card_and_metadata_take_the_given_figures(tmp_path: Path) -> None:
    directory = tmp_path / "logs"
    shutil.copytree(SHIPPED_LOG_MODEL, directory)
    figures = json.loads((directory / "figures.json").read_text())
    figures["scoring_uncached"]["items_per_s"] = 1234.5
    figures["scoring_cached"]["cache_hit_rate"] = 0.4321

    card = write_log_model_card(directory, ModelMetadata.read(directory).metrics, figures)

    text = card.read_text()
    assert "1234.5 events/s without it" in text
    assert "0.4321" in text
    stored = ModelMetadata.read(directory).metrics["log_figures"]
    assert stored["scoring_uncached"]["items_per_s"] == 1234.5
    assert json.loads((directory / "figures.json").read_text()) == stored
