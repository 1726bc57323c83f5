"""docs/input-contract.md and docs/shippers/: the examples are records logwarden parses as
described, and the shipper configurations send JSON to the topic the worker reads."""

from __future__ import annotations

import configparser
import re
import textwrap
from pathlib import Path

import yaml

from classifiers.parsing import ParseFailure, ParseOptions, parse
from stream.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONTRACT = (DOCS / "input-contract.md").read_text(encoding="utf-8")
TOPIC = Settings.model_fields["topic_logs_raw"].default


def _blocks(language: str) -> list[str]:
    blocks = re.findall(rf"```{language}\n(.*?)```", CONTRACT, re.DOTALL)
    return [textwrap.dedent(block.rstrip(" ")).strip() for block in blocks]


def test_example_log_records_unwrap_and_parse() -> None:
    records = [block for block in _blocks("json") if '"subject"' not in block]
    records += _blocks("text")
    assert len(records) == 4
    for record in records:
        event = parse(record.encode())
        assert not isinstance(event, ParseFailure), event
        assert event["logwarden"]["parse"]["status"] == "parsed", record
        assert "envelope" in event["logwarden"], record


def test_example_formats_file_is_valid() -> None:
    from classifiers.parsing.declared import load

    declared = load(yaml.safe_load(_blocks("yaml")[0]))
    line = "2026-12-04T10:11:12Z [main] ERROR charge failed"
    event = parse(line, ParseOptions(source="logs.raw|/var/log/payments.log", formats=declared))
    assert not isinstance(event, ParseFailure)
    assert event["logwarden"]["parse"]["format"] == "declared:payments"
    assert event["log"]["level"] == "error"


def test_filebeat_example_sends_json_to_the_logs_topic() -> None:
    config = yaml.safe_load((DOCS / "shippers" / "filebeat.yml").read_text(encoding="utf-8"))
    assert config["output.kafka"]["topic"] == TOPIC
    assert "codec.json" in config["output.kafka"]


def test_vector_example_sends_json_to_the_logs_topic() -> None:
    config = yaml.safe_load((DOCS / "shippers" / "vector.yaml").read_text(encoding="utf-8"))
    sink = config["sinks"]["logwarden"]
    assert sink["type"] == "kafka" and sink["topic"] == TOPIC
    assert sink["encoding"]["codec"] == "json"
    assert set(sink["inputs"]) <= set(config["sources"])


def test_fluent_bit_example_sends_json_to_the_logs_topic() -> None:
    text = (DOCS / "shippers" / "fluent-bit.conf").read_text(encoding="utf-8")
    parser = configparser.ConfigParser(strict=False, delimiters=(" ",), comment_prefixes=("#",))
    # Fluent Bit repeats section names: read the [OUTPUT] block on its own.
    output = text[text.index("[OUTPUT]") :]
    parser.read_string(output)
    section = {key.lower(): value.strip() for key, value in parser["OUTPUT"].items()}
    assert section["name"] == "kafka"
    assert section["topics"] == TOPIC
    assert section["format"] == "json"
