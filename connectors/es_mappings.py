"""Flat views of Elasticsearch mappings and documents.

Both the asset checks (is every field a dashboard uses mapped?) and the Elasticsearch test
double (does this value fit its mapped type?) need the same two views: a mapping as a flat
``field -> type`` map and a document as flat ``field -> values`` pairs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
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


def flatten_document(source: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf ``(field, value)`` pairs of a ``_source``; arrays yield one pair per element.

    Objects inside arrays are walked like plain objects, the way Elasticsearch flattens
    ``object`` fields. Empty objects yield nothing; ``None`` values are skipped (null is
    "no value" in Elasticsearch).
    """
    for key, value in source.items():
        path = f"{prefix}{key}"
        yield from _flatten_value(path, value)


def _flatten_value(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    if value is None:
        return
    if isinstance(value, Mapping):
        yield from flatten_document(value, f"{path}.")
    elif isinstance(value, list):
        for element in value:
            yield from _flatten_value(path, element)
    else:
        yield path, value


def field_values(source: Mapping[str, Any], field: str) -> list[Any]:
    """All values of a dotted ``field`` in a ``_source``, nested or dotted keys alike."""
    values: list[Any] = []
    prefix = f"{field}."
    for path, value in flatten_document(source):
        if path == field:
            values.append(value)
        elif path.startswith(prefix):
            # the field is an object: its presence counts, not its leaves
            continue
    if not values and _object_present(source, field):
        values.append({})
    return values


def _object_present(source: Mapping[str, Any], field: str) -> bool:
    prefix = f"{field}."
    return any(path.startswith(prefix) for path, _ in flatten_document(source))


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
