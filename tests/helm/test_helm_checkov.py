"""checkov finds nothing beyond the documented skip list, and does flag an unsafe pod."""

from __future__ import annotations

import copy
from pathlib import Path

from tests.helm.checkov_scan import ALLOWED_FAILURES, scan
from tests.helm.rendering import FULL_VALUES, render_all


def test_default_release_passes_checkov(tmp_path: Path) -> None:
    failed, passed = scan(render_all(), tmp_path)
    assert passed > 50
    unexpected = [finding for finding in failed if finding.check_id not in ALLOWED_FAILURES]
    assert not unexpected, unexpected


def test_production_release_passes_checkov(tmp_path: Path) -> None:
    """Every feature on; with a digest the image checks pass, only env secrets remain."""
    failed, passed = scan(render_all(FULL_VALUES), tmp_path)
    assert passed > 100
    assert {finding.check_id for finding in failed} <= {"CKV_K8S_35"}


def test_privileged_writable_pod_fails_checkov(tmp_path: Path) -> None:
    """The negative case: the scan really reads our objects and flags an unsafe worker."""
    documents = copy.deepcopy(render_all())
    (deployment,) = [doc for doc in documents if doc["kind"] == "Deployment"]
    context = deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    context.update(privileged=True, readOnlyRootFilesystem=False, allowPrivilegeEscalation=True)
    failed, _ = scan(documents, tmp_path)
    flagged = {finding.check_id for finding in failed if "Deployment" in finding.resource}
    # CKV_K8S_16: privileged; CKV_K8S_22: read-only root filesystem; CKV_K8S_20: escalation.
    assert {"CKV_K8S_16", "CKV_K8S_22", "CKV_K8S_20"} <= flagged
