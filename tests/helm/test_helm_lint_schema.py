"""Helm lint is clean and values.schema.json guards the settings contract."""

from __future__ import annotations

import json
import re
from typing import Any

import helm_python as helm
import jsonschema
import pytest
import yaml

from stream.config import Settings
from tests.helm.rendering import (
    CHART_DIR,
    FULL_VALUES,
    KUBE_VERSIONS,
    all_containers,
    chart_defaults,
    render_all,
    settings_env_names,
)

SCHEMA = json.loads((CHART_DIR / "values.schema.json").read_text())


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("values", [None, FULL_VALUES], ids=["defaults", "full"])
def test_strict_lint_has_no_messages(kube_version: str, values: dict[str, Any] | None) -> None:
    report = helm.lint(CHART_DIR, values, strict=True, kube_version=f"v{kube_version}")
    assert report["errors"] == []
    assert report["messages"] == []
    assert report["total_charts_linted"] == 1


def test_chart_declares_a_kube_version_constraint() -> None:
    metadata = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    assert metadata["apiVersion"] == "v2"
    assert re.fullmatch(r">=\s*1\.\d+\.\d+(-0)?", metadata["kubeVersion"])


def test_schema_is_self_contained() -> None:
    refs = re.findall(r'"\$ref":\s*"([^"]*)"', json.dumps(SCHEMA))
    assert refs, "expected local $defs references"
    assert all(ref.startswith("#/") for ref in refs), refs
    assert "$id" not in json.dumps(SCHEMA)


def test_defaults_pass_the_schema() -> None:
    with helm.Chart.load(CHART_DIR) as chart:
        chart.validate_schema({})
        chart.validate_schema(FULL_VALUES)


BAD_VALUES = {
    "secret in settings": {"settings": {"kafka_sasl_password": "hunter2"}},
    "api key in settings": {"settings": {"elasticsearch_api_key": "abc"}},
    "secret literal in extraEnv": {"extraEnv": [{"name": "ES_API_KEY", "value": "abc"}]},
    "unknown setting": {"settings": {"brokers_url": "kafka://x:9092"}},
    "port out of range": {"settings": {"web_port": 70000}},
    "partitions below one": {"settings": {"topic_partitions": 0}},
    "wrong enum": {"settings": {"kafka_security_protocol": "TLS"}},
    "relative state dir": {"settings": {"state_dir": "data"}},
    "grace not positive": {"settings": {"shutdown_grace_s": 0}},
    "privileged": {"securityContext": {"privileged": True}},
    "writable root": {"securityContext": {"readOnlyRootFilesystem": False}},
    "root allowed": {"podSecurityContext": {"runAsNonRoot": False}},
    "escalation": {"securityContext": {"allowPrivilegeEscalation": True}},
    "added capability": {"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
    "bad digest": {"image": {"digest": "latest"}},
    "bad pull policy": {"image": {"pullPolicy": "Sometimes"}},
    "unknown top-level": {"replicas": 3},
    "secret ref without key": {"secretRefs": {"kafkaSaslPassword": {"name": "x", "key": ""}}},
    "hpa utilisation > 100": {"autoscaling": {"targetCPUUtilizationPercentage": 150}},
    "string replicas": {"replicaCount": "three"},
}


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_schema_rejects_bad_values(bad: dict[str, Any]) -> None:
    with helm.Chart.load(CHART_DIR) as chart, pytest.raises(helm.HelmValuesError):
        chart.validate_schema(bad)


def test_schema_settings_are_settings_fields() -> None:
    """A renamed or removed Settings field breaks this test until the chart follows."""
    schema_settings = set(SCHEMA["properties"]["settings"]["properties"])
    unknown = schema_settings - set(Settings.model_fields)
    assert not unknown, f"values.schema.json settings not in stream.config.Settings: {unknown}"
    assert set(chart_defaults()["settings"]) <= schema_settings


def test_every_setting_is_reachable_from_the_chart() -> None:
    """Each Settings field is a settings.* value or rendered by the chart (secrets, CA, OTLP)."""
    rendered_names = set()
    for doc in render_all(FULL_VALUES):
        if doc["kind"] == "ConfigMap":
            rendered_names |= set(doc["data"])
        workloads = [doc] if doc["kind"] in ("Deployment", "Job") else []
        for container in (c for workload in workloads for c in all_containers(workload)):
            rendered_names |= {entry["name"] for entry in container.get("env", [])}
    env_to_field = settings_env_names()
    reachable = set(SCHEMA["properties"]["settings"]["properties"])
    reachable |= {env_to_field[name] for name in rendered_names if name in env_to_field}
    missing = set(Settings.model_fields) - reachable
    assert not missing, (
        f"Settings fields the chart cannot set: {missing}; add them to settings in "
        "helm/logwarden/values.schema.json and the chart README"
    )


def test_schema_settings_accept_the_workers_own_defaults() -> None:
    """Types and bounds in the schema agree with the pydantic field definitions."""
    properties = SCHEMA["properties"]["settings"]["properties"]
    defaults = Settings.model_construct().model_dump(mode="json")
    for name, fragment in properties.items():
        if defaults[name] is None:
            continue
        # The chart demands absolute paths (mount points) where the worker accepts relative.
        types_and_bounds = {key: value for key, value in fragment.items() if key != "pattern"}
        jsonschema.validate(defaults[name], types_and_bounds)


def test_structural_settings_default_to_the_workers_defaults() -> None:
    """Port, grace and partitions the chart derives objects from match the worker's defaults."""
    chart = chart_defaults()["settings"]
    fields = Settings.model_fields
    for name in ("web_port", "shutdown_grace_s", "topic_partitions", "app_id"):
        assert chart[name] == fields[name].default, name
