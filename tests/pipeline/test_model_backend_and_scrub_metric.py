"""Worker settings reach the model runtime, and scrubbed secrets are counted for Prometheus."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from connectors.bulk_sinks import NdjsonBulkSink
from stream.components import ComponentError, load_classifier, load_components, model_dir
from stream.config import Settings
from stream.records import RawRecord
from tests.pipeline.in_process import process_in_process


def test_onnx_backend_loads_the_shipped_model(models: None) -> None:
    settings = Settings(model_backend="onnx")
    classifier = load_classifier(model_dir(None, "tickets"), settings)
    assert classifier.probabilities(["printer jammed on floor 2"]).shape[0] == 1


def test_torch_backend_without_fp32_weights_says_what_is_missing(models: None) -> None:
    pytest.importorskip("torch")
    settings = Settings(model_backend="torch", model_device="cpu")
    with pytest.raises(
        ComponentError, match=r"model_backend=torch needs the fp32 weights.*model\.pt"
    ):
        load_classifier(model_dir(None, "tickets"), settings)


def _scrubbed_total() -> float:
    return REGISTRY.get_sample_value("logwarden_scrubbed_secrets_total") or 0.0


async def test_scrubbed_secrets_are_counted(models: None, tmp_path: Path) -> None:
    settings = Settings(output_file=tmp_path / "out.ndjson")
    components = load_components(settings)
    lines = [
        b"Mar  3 10:00:00 web-1 app[7]: login ok password=hunter2 token=abcdef0123456789",
        b"Mar  3 10:00:01 web-1 app[7]: login ok for ops",
    ]
    records = [RawRecord("logs.raw", 0, n, line) for n, line in enumerate(lines)]
    expected = sum(
        event["logwarden"]["scrubbed"]["count"]
        for event in (components.parser(line) for line in lines)
        if isinstance(event, dict)
    )
    assert expected >= 1
    before = _scrubbed_total()
    sink = NdjsonBulkSink(settings.output_file)
    report = await process_in_process(settings, components, sink, logs=records)
    await sink.close()
    assert report.scrubbed == expected
    assert _scrubbed_total() - before == expected
