"""Scan rendered manifests with checkov from its own virtual environment.

checkov pins an old ``packaging`` that conflicts with pytest, so it lives in
``.venv-checkov`` (created by ``tests/helm/ensure_checkov.sh``). Its Helm mode passes
silently without a helm binary, so we always scan what Helm actually rendered.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.helm.rendering import REPO_ROOT

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
INSTALL_HINT = "run tests/helm/ensure_checkov.sh to create .venv-checkov"

# Checks the chart knowingly fails, each with the reason. Keep this list short.
ALLOWED_FAILURES: dict[str, str] = {
    "CKV_K8S_43": "Image digest: unknown until an image is pushed; set image.digest in production.",
    "CKV_K8S_15": "Pull policy Always: pointless with a pinned tag; passes once a digest is set.",
    "CKV_K8S_35": (
        "Secrets as env vars: Settings reads credentials from LOGWARDEN_* variables only, "
        "so Secret values arrive through secretKeyRef."
    ),
}


@dataclass(frozen=True)
class Finding:
    """One failed checkov check on one resource."""

    check_id: str
    resource: str


def scan(documents: list[dict[str, Any]], workdir: Path) -> tuple[list[Finding], int]:
    """Failed checks and the number of passed checks for the given manifests."""
    assert CHECKOV.exists(), f"checkov is missing at {CHECKOV}: {INSTALL_HINT}"
    manifest = workdir / "rendered.yaml"
    manifest.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    completed = subprocess.run(
        [
            *(str(CHECKOV), "--framework", "kubernetes", "-f", str(manifest)),
            *("--skip-download", "-o", "json", "--quiet", "--compact"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    # Exit code 1 means "checks failed"; anything else than 0/1 is a broken run.
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    reports = report if isinstance(report, list) else [report]
    failed: list[Finding] = []
    passed = 0
    for one in reports:
        assert one["summary"]["parsing_errors"] == 0, one["summary"]
        passed += int(one["summary"]["passed"])
        checks = one["results"]["failed_checks"]
        failed.extend(Finding(check["check_id"], check["resource"]) for check in checks)
    return failed, passed
