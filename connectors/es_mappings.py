"""Flat views of Elasticsearch mappings and documents.

Both the asset checks (is every field a dashboard uses mapped?) and the Elasticsearch test
double (does this value fit its mapped type?) need the same two views: a mapping as a flat
``field -> type`` map and a document as flat ``field -> values`` pairs.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

OBJECT_TYPES = frozenset({"object", "nested"})
"""Mapping types whose children are separate fields."""


def flatten_properties(properties: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"event.kind": "keyword", "event": "object", "message.keyword": "keyword", ...}``.

    Objects appear with type ``object`` (or ``nested``) next to their children; multi-fields
    (``fields``) appear as ``parent.sub``; dotted property names are honoured.
    """
    flat: dict[str, str] = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        children = spec.get("properties")
        flat[path] = spec.get("type", "object")
        if children:
            flat.update(flatten_properties(children, f"{path}."))
        for sub_name, sub_spec in (spec.get("fields") or {}).items():
            flat[f"{path}.{sub_name}"] = sub_spec.get("type", "object")
    return flat


def flatten_document(source: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Leaf ``(field, value)`` pairs of a ``_source``; arrays yield one pair per element.

    Objects inside arrays are walked like plain objects, the way Elasticsearch flattens
    ``object`` fields. Empty objects yield nothing; ``None`` values are skipped (null is
    "no value" in Elasticsearch). One recursive pass into a list: the test double flattens
    every document written, and nested generators cost several times more.
    """
    pairs: list[tuple[str, Any]] = []
    _flatten_into(pairs, source, prefix)
    return pairs


def _flatten_into(pairs: list[tuple[str, Any]], source: Mapping[str, Any], prefix: str) -> None:
    for key, value in source.items():
        _flatten_value(pairs, f"{prefix}{key}", value)


def _flatten_value(pairs: list[tuple[str, Any]], path: str, value: Any) -> None:
    if isinstance(value, (str, int, float)):  # most values: checked before the Mapping ABC
        pairs.append((path, value))
    elif value is None:
        return
    elif isinstance(value, Mapping):
        _flatten_into(pairs, value, f"{path}.")
    elif isinstance(value, list):
        for element in value:
            _flatten_value(pairs, path, element)
    else:
        pairs.append((path, value))


def field_values(source: Mapping[str, Any], field: str) -> list[Any]:
    """All values of a dotted ``field`` in a ``_source``, nested or dotted keys alike.

    An object field yields ``{}`` once when it has any leaf, so ``exists`` works on objects.
    """
    values: list[Any] = []
    _collect(source, field, values)
    return values


def _collect(node: Any, path: str, values: list[Any]) -> None:
    if isinstance(node, list):
        for element in node:
            _collect(element, path, values)
        return
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        if key == path:
            _append_leaves(value, values)
        elif path.startswith(f"{key}."):
            _collect(value, path[len(key) + 1 :], values)


def _append_leaves(value: Any, values: list[Any]) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for element in value:
            _append_leaves(element, values)
    elif isinstance(value, Mapping):
        if any(True for _ in flatten_document(value)):
            values.append({})
    else:
        values.append(value)


def merge_mappings(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` laid over ``base`` property by property, like template composition."""
    merged = copy.deepcopy(dict(base))
    for key, value in extra.items():
        if key == "properties":
            props = merged.setdefault("properties", {})
            for name, spec in value.items():
                if name in props and "properties" in spec and "properties" in props[name]:
                    props[name] = merge_mappings(props[name], spec)
                else:
                    props[name] = copy.deepcopy(spec)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
