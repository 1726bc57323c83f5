"""Every rendered object is valid for two pinned Kubernetes versions (strict schemas).

Built-in kinds validate against the schemas bundled in ``kubernetes-validate``; a kind
without a bundled schema fails, except the two custom resources (ServiceMonitor,
ScaledObject), which get the structural check in ``custom_resources.py`` instead.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.helm.custom_resources import STRUCTURAL_SCHEMAS, validate_custom_resource
from tests.helm.rendering import CHART_DIR, FULL_VALUES, KUBE_VERSIONS, kinds, render_all

VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "full": FULL_VALUES,
    "gpu": {"gpu": {"enabled": True, "runtimeClassName": "nvidia"}},
    "fixed-replicas": {
        "autoscaling": {"enabled": False},
        "replicaCount": 4,
        "podDisruptionBudget": {"maxUnavailable": "50%"},
        "networkPolicy": {"enabled": False},
        "serviceAccount": {"create": False},
        "stateVolume": {"medium": "Memory", "sizeLimit": "512Mi"},
        "extraEnv": [{"name": "OTEL_TRACES_SAMPLER", "value": "parentbased_traceidratio"}],
    },
}


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("values", VARIANTS.values(), ids=VARIANTS.keys())
def test_rendered_objects_validate_strictly(values: dict[str, Any], kube_version: str) -> None:
    documents = render_all(values)
    assert documents
    for document in documents:
        key = (document["apiVersion"], document["kind"])
        if key in STRUCTURAL_SCHEMAS:
            validate_custom_resource(document)
            continue
        # SchemaNotFoundError propagates: an unknown kind is a failure, not a skip.
        validated = kubernetes_validate.validate(document, kube_version, strict=True)
        assert validated == kube_version.rsplit(".", 1)[0]


def test_custom_resources_are_rendered_and_checked() -> None:
    assert {"ServiceMonitor", "ScaledObject"} <= kinds(render_all(FULL_VALUES))


def test_strict_validation_catches_a_typo() -> None:
    """The strict schemas reject unknown fields, so the check above has teeth."""
    (deployment,) = [doc for doc in render_all() if doc["kind"] == "Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[0], strict=True)


def test_unknown_kinds_fail() -> None:
    strange = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(strange, KUBE_VERSIONS[0], strict=True)
    with pytest.raises(LookupError):
        validate_custom_resource(strange)


def test_structural_check_rejects_a_broken_scaled_object() -> None:
    (scaled,) = [doc for doc in render_all(FULL_VALUES) if doc["kind"] == "ScaledObject"]
    scaled["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 1000
    with pytest.raises(jsonschema.ValidationError):
        validate_custom_resource(scaled)


def test_objects_validate_at_the_charts_kube_version_floor() -> None:
    """The lowest version `kubeVersion` admits gets the same strict validation."""
    constraint = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())["kubeVersion"]
    floor = re.search(r">=\s*(\d+\.\d+\.\d+)", constraint)
    assert floor, constraint
    for values in (VARIANTS["defaults"], VARIANTS["full"]):
        for document in render_all(values):
            if (document["apiVersion"], document["kind"]) not in STRUCTURAL_SCHEMAS:
                kubernetes_validate.validate(document, floor.group(1), strict=True)
