"""The chart README documents every value, and only values that exist."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tests.helm.rendering import CHART_DIR, chart_defaults

README = (CHART_DIR / "README.md").read_text()
SCHEMA = json.loads((CHART_DIR / "values.schema.json").read_text())


def leaf_paths(values: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of values.yaml down to scalars, lists and empty maps."""
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from leaf_paths(value, f"{path}.")
        else:
            yield path


def documented() -> set[str]:
    """First-column entries of the README tables that name a value."""
    top_level = set(chart_defaults())
    rows = re.findall(r"^\| `([^`]+)` \|", README, flags=re.MULTILINE)
    return {row for row in rows if row.split(".")[0] in top_level}


def test_every_value_is_documented() -> None:
    rows = documented()
    missing = []
    for path in leaf_paths(chart_defaults()):
        parts = path.split(".")
        ancestors = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
        if not ancestors & rows:
            missing.append(path)
    assert not missing, f"values missing from helm/logwarden/README.md: {missing}"


def test_every_allowed_setting_is_documented() -> None:
    allowed = {f"settings.{name}" for name in SCHEMA["properties"]["settings"]["properties"]}
    assert allowed <= documented(), allowed - documented()


def test_documented_values_exist() -> None:
    defaults = chart_defaults()
    allowed_settings = set(SCHEMA["properties"]["settings"]["properties"])
    stale = []
    for row in documented():
        parts = row.split(".")
        if parts[0] == "settings" and len(parts) == 2:
            if parts[1] not in allowed_settings:
                stale.append(row)
            continue
        node: Any = defaults
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                stale.append(row)
                break
            node = node[part]
    assert not stale, f"README documents values the chart does not have: {stale}"
