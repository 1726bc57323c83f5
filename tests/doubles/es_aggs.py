"""Aggregations of the Elasticsearch test double: the few a dashboard-like test asks for.

``terms``, ``date_histogram`` (fixed or calendar interval, empty buckets filled like
Elasticsearch does), ``filter``, and the metrics ``value_count``, ``cardinality``, ``min``,
``max``, ``sum``, ``avg``; bucket aggregations nest. Anything else raises
:class:`UnsupportedQueryError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from tests.doubles.es_query import (
    DATE_TYPES,
    NUMERIC_TYPES,
    UnsupportedQueryError,
    compile_query,
    doc_values,
    epoch_millis,
)
from tests.doubles.es_store import EsError

Doc = tuple[str, Mapping[str, Any], Mapping[str, str]]
"""``(_id, _source, field types of its index)``."""

TEXT_TYPES = frozenset({"text", "match_only_text"})
_INTERVAL = re.compile(r"^(\d+)(ms|s|m|h|d)$")
_UNIT_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_CALENDAR_MS = {
    "minute": 60_000,
    "1m": 60_000,
    "hour": 3_600_000,
    "1h": 3_600_000,
    "day": 86_400_000,
    "1d": 86_400_000,
    "week": 604_800_000,
    "1w": 604_800_000,
}


def aggregate(specs: Mapping[str, Any], docs: list[Doc]) -> dict[str, Any]:
    """The ``aggregations`` object of a search response."""
    results: dict[str, Any] = {}
    for name, spec in specs.items():
        kinds = [k for k in spec if k not in ("aggs", "aggregations", "meta")]
        if len(kinds) != 1:
            raise UnsupportedQueryError(f"aggregation [{name}] needs exactly one type")
        kind = kinds[0]
        handler = _AGGREGATIONS.get(kind)
        if handler is None:
            raise UnsupportedQueryError(f"aggregation type [{kind}] is not interpreted")
        sub = spec.get("aggs") or spec.get("aggregations") or {}
        results[name] = handler(spec[kind], docs, sub)
    return results


def _values(docs: list[Doc], field: str) -> list[tuple[Any, str | None]]:
    return [
        (v, types.get(field)) for _, source, types in docs for v in doc_values(source, field, types)
    ]


def _numeric(value: Any, field_type: str | None) -> float | None:
    if field_type in DATE_TYPES:
        millis = epoch_millis(value)
        return None if millis is None else float(millis)
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _metric(reduce: Callable[[list[float]], float | None]) -> Callable[..., dict[str, Any]]:
    def compute(
        spec: Mapping[str, Any], docs: list[Doc], _sub: Mapping[str, Any]
    ) -> dict[str, Any]:
        pairs = _values(docs, spec["field"])
        numbers = [n for v, t in pairs if (n := _numeric(v, t)) is not None]
        value = reduce(numbers) if numbers else None
        answer: dict[str, Any] = {"value": value}
        if value is not None and pairs and pairs[0][1] in DATE_TYPES:
            answer["value_as_string"] = _iso(int(value))
        return answer

    return compute


def _value_count(
    spec: Mapping[str, Any], docs: list[Doc], _sub: Mapping[str, Any]
) -> dict[str, Any]:
    return {"value": len(_values(docs, spec["field"]))}


def _cardinality(
    spec: Mapping[str, Any], docs: list[Doc], _sub: Mapping[str, Any]
) -> dict[str, Any]:
    return {"value": len({str(v) for v, _ in _values(docs, spec["field"])})}


def _bucket_key(value: Any, field_type: str | None) -> tuple[Any, str | None]:
    if field_type in DATE_TYPES:
        millis = epoch_millis(value)
        return millis, None if millis is None else _iso(millis)
    if field_type == "boolean" or isinstance(value, bool):
        truth = value in (True, "true")
        return int(truth), "true" if truth else "false"
    if field_type in NUMERIC_TYPES:
        number = float(value)
        return (int(number) if number.is_integer() else number), None
    return value, None


def _terms(spec: Mapping[str, Any], docs: list[Doc], sub: Mapping[str, Any]) -> dict[str, Any]:
    field, size = spec["field"], int(spec.get("size", 10))
    _require_aggregatable(field, docs)
    groups: dict[Any, tuple[str | None, list[Doc]]] = {}
    for doc in docs:
        keys = {_bucket_key(v, doc[2].get(field)) for v in doc_values(doc[1], field, doc[2])}
        for key, text in keys:
            groups.setdefault(key, (text, []))[1].append(doc)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1][1]), str(item[0])))
    buckets = [_bucket(key, text, members, sub) for key, (text, members) in ordered[:size]]
    shown = sum(b["doc_count"] for b in buckets)
    total = sum(len(members) for _, members in groups.values())
    return {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": total - shown,
        "buckets": buckets,
    }


def _require_aggregatable(field: str, docs: list[Doc]) -> None:
    """Elasticsearch refuses to bucket analysed text (no doc values, fielddata off)."""
    for _, _, types in docs[:1]:
        if types.get(field) in TEXT_TYPES:
            raise EsError(
                400,
                "illegal_argument_exception",
                f"Fielddata is disabled on [{field}]. Text fields are not optimised for "
                "operations that require per-document field data like aggregations and "
                "sorting, so these operations are disabled by default. Please use a keyword "
                "field instead.",
            )


def _bucket(
    key: Any, text: str | None, members: list[Doc], sub: Mapping[str, Any]
) -> dict[str, Any]:
    bucket: dict[str, Any] = {"key": key, "doc_count": len(members)}
    if text is not None:
        bucket["key_as_string"] = text
    bucket.update(aggregate(sub, members))
    return bucket


def _interval_ms(spec: Mapping[str, Any]) -> int:
    calendar = spec.get("calendar_interval")
    if calendar is not None:
        if calendar not in _CALENDAR_MS:
            raise UnsupportedQueryError(f"calendar_interval [{calendar}] is not interpreted")
        return _CALENDAR_MS[calendar]
    fixed = spec.get("fixed_interval") or spec.get("interval")
    match = _INTERVAL.match(str(fixed))
    if not match:
        raise UnsupportedQueryError(f"date_histogram interval [{fixed}] is not interpreted")
    return int(match.group(1)) * _UNIT_MS[match.group(2)]


def _date_histogram(
    spec: Mapping[str, Any], docs: list[Doc], sub: Mapping[str, Any]
) -> dict[str, Any]:
    field, step = spec["field"], _interval_ms(spec)
    groups: dict[int, list[Doc]] = {}
    for doc in docs:
        starts = {
            m // step * step
            for v in doc_values(doc[1], field, doc[2])
            if (m := epoch_millis(v)) is not None
        }
        for start in starts:
            groups.setdefault(start, []).append(doc)
    minimum = int(spec.get("min_doc_count", 0))
    keys = range(min(groups), max(groups) + step, step) if groups else range(0)
    buckets = [
        _bucket(key, _iso(key), groups.get(key, []), sub)
        for key in keys
        if len(groups.get(key, [])) >= minimum
    ]
    return {"buckets": buckets}


def _filter(spec: Mapping[str, Any], docs: list[Doc], sub: Mapping[str, Any]) -> dict[str, Any]:
    kept = [doc for doc in docs if compile_query(spec, doc[2])(doc[0], doc[1])]
    return {"doc_count": len(kept), **aggregate(sub, kept)}


def _iso(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_AGGREGATIONS: dict[str, Callable[[Any, list[Doc], Mapping[str, Any]], dict[str, Any]]] = {
    "terms": _terms,
    "date_histogram": _date_histogram,
    "filter": _filter,
    "value_count": _value_count,
    "cardinality": _cardinality,
    "min": _metric(min),
    "max": _metric(max),
    "sum": _metric(sum),
    "avg": _metric(lambda numbers: sum(numbers) / len(numbers)),
}
