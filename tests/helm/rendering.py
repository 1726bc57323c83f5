"""Render the logwarden chart offline and read the settings contract it must honour.

Helm itself (``helm-python-sdk``, Helm 4 compiled in) renders the chart: a client-side
dry-run install gives the release manifest (no hooks), ``Chart.render`` gives every
template including hooks. Both are parsed into plain dicts here so the tests assert on
Kubernetes objects, not on text.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml
from pydantic import AliasChoices, SecretStr

from stream.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "helm" / "logwarden"
NAMESPACE = "logwarden"
RELEASE = "lw"
FULLNAME = f"{RELEASE}-logwarden"
# Two pinned Kubernetes minor versions every manifest must validate against.
KUBE_VERSIONS = ("1.30.0", "1.33.0")

Manifest = dict[str, Any]

# Every optional feature on, as a platform team would run it next to Strimzi and ECK.
FULL_VALUES: dict[str, Any] = {
    "image": {"digest": "sha256:" + "0" * 64},
    "settings": {
        "broker_url": "kafka://prod-kafka-bootstrap.kafka:9093",
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_username": "logwarden",
        "elasticsearch_url": "https://prod-es-http.elastic:9200",
        "kibana_url": "https://prod-kb-http.elastic:5601",
        "topic_partitions": 12,
        "max_event_bytes": 2_097_152,
        "batch_max_wait_s": 0.5,
        "events_sample_rate": 0.05,
        "elasticsearch_ilm_enabled": False,
        "log_level": "WARNING",
    },
    "secretRefs": {
        "kafkaSaslPassword": {"name": "logwarden-kafka-user", "key": "password"},
        "kafkaCaBundle": {"name": "prod-cluster-ca-cert", "key": "ca.crt"},
        "kafkaClientCertificate": {
            "name": "logwarden-kafka-user",
            "certKey": "user.crt",
            "keyKey": "user.key",
        },
        "elasticsearchApiKey": {"name": "logwarden-es-api-key", "key": "api-key"},
        "elasticsearchPassword": {"name": "prod-es-elastic-user", "key": "elastic"},
        "elasticsearchCaBundle": {"name": "prod-es-http-certs-public", "key": "ca.crt"},
    },
    "otel": {
        "endpoint": "http://otel-collector.observability:4317",
        "resourceAttributes": {"deployment.environment": "prod"},
    },
    "autoscaling": {"enabled": False},
    "keda": {"enabled": True, "authenticationRef": "logwarden-kafka-auth"},
    "serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
    "setupJob": {"enabled": True},
    "metrics": {"scrapeAnnotations": True},
}


def install_manifests(values: dict[str, Any] | None = None) -> list[Manifest]:
    """Objects of a client-side dry-run install (what `helm install` applies, hooks aside)."""
    with helm.Config(namespace=NAMESPACE, storage_driver="memory") as config:
        release = config.install(str(CHART_DIR), RELEASE, values or {}, dry_run="client")
    return parse_documents(release["manifest"])


def install_notes(values: dict[str, Any] | None = None) -> str:
    """The NOTES.txt text a user sees after installing."""
    with helm.Config(namespace=NAMESPACE, storage_driver="memory") as config:
        release = config.install(str(CHART_DIR), RELEASE, values or {}, dry_run="client")
    return str(release["notes"])


def render_all(values: dict[str, Any] | None = None) -> list[Manifest]:
    """Every rendered object, hooks included (``Chart.render`` leaves YAML parsing to us)."""
    with helm.Chart.load(CHART_DIR) as chart:
        rendered = chart.render(values or {}, name=RELEASE, namespace=NAMESPACE, is_install=True)
    documents: list[Manifest] = []
    for template, text in sorted(rendered.items()):
        if template.endswith(".txt"):
            continue
        documents.extend(parse_documents(text))
    return documents


def parse_documents(text: str) -> list[Manifest]:
    """Non-empty YAML documents of a multi-document manifest."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def only(documents: list[Manifest], kind: str) -> Manifest:
    """The single object of ``kind``; fails loudly when there are none or several."""
    found = [doc for doc in documents if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


def kinds(documents: list[Manifest]) -> set[str]:
    """Kinds present in a rendering."""
    return {doc["kind"] for doc in documents}


def pod_spec(workload: Manifest) -> Manifest:
    """The pod template spec of a Deployment or Job."""
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec


def all_containers(workload: Manifest) -> list[Manifest]:
    """Init and regular containers of a workload's pod template."""
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def settings_env_names() -> dict[str, str]:
    """Environment variable name -> Settings field, exactly as pydantic-settings reads them."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names: dict[str, str] = {}
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            for choice in alias.choices:
                names[str(choice).upper()] = field_name
        elif isinstance(alias, str):
            names[alias.upper()] = field_name
        else:
            names[f"{prefix}{field_name}".upper()] = field_name
    return names


def secret_fields() -> set[str]:
    """Settings fields holding credentials (``SecretStr``): only ever from Secrets."""
    return {
        name
        for name, field in Settings.model_fields.items()
        if field.annotation is SecretStr or SecretStr in typing.get_args(field.annotation)
    }


def chart_defaults() -> dict[str, Any]:
    """The chart's values.yaml as Helm loads it."""
    with helm.Chart.load(CHART_DIR) as chart:
        return chart.values
