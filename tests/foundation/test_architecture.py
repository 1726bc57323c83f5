"""The design card's layering, checked on the source: transforms stay pure, edges stay edges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETWORK_MODULES = {
    "socket",
    "http",
    "urllib",
    "aiohttp",
    "requests",
    "httpx",
    "kafka",
    "aiokafka",
    "faust",
    "elasticsearch",
    "elastic_transport",
}


def imported_roots(package: str) -> dict[str, set[str]]:
    """Top-level module names imported by each file of a package."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        roots: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = roots
    return found


@pytest.mark.parametrize("package", ["classifiers", "connectors"])
def test_only_stream_imports_stream(package: str) -> None:
    offenders = {f for f, roots in imported_roots(package).items() if "stream" in roots}
    assert offenders == set()


def test_classifiers_never_touch_the_network() -> None:
    offenders = {
        f: sorted(roots & (NETWORK_MODULES | {"connectors"}))
        for f, roots in imported_roots("classifiers").items()
        if roots & (NETWORK_MODULES | {"connectors"})
    }
    assert offenders == {}
