"""Query, sort and field-type rules of the Elasticsearch test double.

A small, exact interpreter of the Query DSL subset logwarden uses (``match_all``, ``term``,
``terms``, ``ids``, ``range`` with date math, ``exists``, ``match``, ``bool``) and of the value
checks Elasticsearch applies to mapped fields. Unsupported queries raise
:class:`UnsupportedQueryError` so a test never passes on a silently ignored clause.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.es_mappings import OBJECT_TYPES, field_values, flatten_document

NUMERIC_TYPES = frozenset(
    {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float"}
)
DATE_TYPES = frozenset({"date", "date_nanos"})
_DATE_MATH = re.compile(r"^now((?:[+-]\d+[smhdwMy])*)(?:/([smhdwMy]))?$")
_DATE_MATH_STEP = re.compile(r"([+-])(\d+)([smhdwMy])")
_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "M": timedelta(days=30),
    "y": timedelta(days=365),
}


class UnsupportedQueryError(ValueError):
    """The test double does not interpret this part of the Query DSL."""


class InvalidValueError(ValueError):
    """A document value does not fit the type its field is mapped to."""


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 string or epoch milliseconds as an aware datetime; ``None`` if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if not isinstance(value, str):
        return None
    math = _DATE_MATH.match(value)
    if math:
        return _date_math(math)
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date_math(match: re.Match[str]) -> datetime:
    moment = datetime.now(UTC)
    for sign, amount, unit in _DATE_MATH_STEP.findall(match.group(1)):
        step = _UNITS[unit] * int(amount)
        moment = moment + step if sign == "+" else moment - step
    if match.group(2) == "d":
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    elif match.group(2) == "h":
        moment = moment.replace(minute=0, second=0, microsecond=0)
    return moment


def epoch_millis(value: Any) -> int | None:
    """Epoch milliseconds of a date value, the form Elasticsearch returns in ``sort``."""
    parsed = parse_date(value)
    return None if parsed is None else int(parsed.timestamp() * 1000)


def check_value(field: str, field_type: str, value: Any) -> None:
    """Raise :class:`InvalidValueError` where Elasticsearch would reject ``value`` for the type."""
    if field_type in NUMERIC_TYPES:
        if isinstance(value, bool) or not _is_number(value):
            raise InvalidValueError(f"failed to parse field [{field}] of type [{field_type}]")
    elif field_type in DATE_TYPES:
        if parse_date(value) is None:
            raise InvalidValueError(
                f"failed to parse field [{field}] of type [{field_type}]: "
                f"failed to parse date field [{value}]"
            )
    elif field_type == "ip":
        try:
            ipaddress.ip_address(str(value))
        except ValueError as exc:
            raise InvalidValueError(
                f"failed to parse field [{field}] of type [ip]: '{value}' is not an IP string"
            ) from exc
    elif field_type == "boolean":
        if not isinstance(value, bool) and value not in ("true", "false", ""):
            raise InvalidValueError(
                f"failed to parse field [{field}] of type [boolean]: only [true] or [false] "
                f"are allowed, got [{value}]"
            )
    elif field_type in ("object", "nested"):
        raise InvalidValueError(
            f"object mapping for [{field}] tried to parse field [{field}] as object, "
            "but found a concrete value"
        )


def value_errors(document: Mapping[str, Any], types: Mapping[str, str]) -> list[str]:
    """Every reason Elasticsearch would reject one of ``document``'s mapped values."""
    errors = []
    for path, value in flatten_document(document):
        if path in types:
            try:
                check_value(path, types[path], value)
            except InvalidValueError as exc:
                errors.append(str(exc))
    return errors


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def dynamic_type(value: Any) -> str:
    """The type Elasticsearch's dynamic mapping picks for a first-seen value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str) and not value.isdigit() and parse_date(value) is not None:
        return "date"
    return "text"


def doc_values(source: Mapping[str, Any], field: str, types: Mapping[str, str]) -> list[Any]:
    """Values of ``field`` as Elasticsearch indexes them: a multi-field such as
    ``message.keyword`` reads its parent's values from ``_source``."""
    values = field_values(source, field)
    parent = field.rpartition(".")[0]
    if not values and field in types and types.get(parent, "object") not in OBJECT_TYPES:
        values = field_values(source, parent)
    return values


def compile_query(
    query: Mapping[str, Any] | None, types: Mapping[str, str]
) -> Callable[[str, Mapping[str, Any]], bool]:
    """A predicate ``(doc_id, source) -> bool`` for a Query DSL clause."""
    if not query:
        return lambda _id, _source: True
    if len(query) != 1:
        raise UnsupportedQueryError(f"a query clause has exactly one key, got {sorted(query)}")
    kind, spec = next(iter(query.items()))
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise UnsupportedQueryError(f"query [{kind}] is not interpreted by the test server")
    return builder(spec, types)


def _single_field(spec: Mapping[str, Any], kind: str) -> tuple[str, Any]:
    fields = {k: v for k, v in spec.items() if k not in ("boost", "_name")}
    if len(fields) != 1:
        raise UnsupportedQueryError(f"[{kind}] query takes exactly one field")
    return next(iter(fields.items()))


def _comparable(value: Any, field_type: str | None) -> Any:
    if field_type in DATE_TYPES:
        return epoch_millis(value)
    if field_type in NUMERIC_TYPES and _is_number(value):
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _term(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    field, wanted = _single_field(spec, "term")
    if isinstance(wanted, Mapping):
        wanted = wanted["value"]
    return _terms({field: [wanted]}, types)


def _terms(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    field, wanted = _single_field(spec, "terms")
    field_type = types.get(field)
    expected = {_comparable(v, field_type) for v in wanted}
    return lambda _id, source: any(
        _comparable(v, field_type) in expected for v in doc_values(source, field, types)
    )


def _ids(spec: Mapping[str, Any], _types: Mapping[str, str]) -> Callable[..., bool]:
    wanted = set(spec["values"])
    return lambda doc_id, _source: doc_id in wanted


def _exists(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    field = spec["field"]
    return lambda _id, source: bool(doc_values(source, field, types))


def _match(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    field, wanted = _single_field(spec, "match")
    if isinstance(wanted, Mapping):
        wanted = wanted["query"]
    if types.get(field, "text") != "text":
        return _terms({field: [wanted]}, types)
    tokens = set(str(wanted).lower().split())
    return lambda _id, source: any(
        tokens & set(str(v).lower().split()) for v in doc_values(source, field, types)
    )


def _range(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    field, bounds = _single_field(spec, "range")
    field_type = types.get(field)
    if field_type is None and any(parse_date(v) for k, v in bounds.items() if k != "format"):
        field_type = "date"
    checks: list[Callable[[Any], bool]] = []
    for op, raw in bounds.items():
        if op in ("format", "time_zone", "boost"):
            continue
        bound = _comparable(raw, field_type)
        checks.append(_range_check(op, bound))

    def matches(_id: str, source: Mapping[str, Any]) -> bool:
        for value in doc_values(source, field, types):
            comparable = _comparable(value, field_type)
            if comparable is not None and all(check(comparable) for check in checks):
                return True
        return False

    return matches


def _range_check(op: str, bound: Any) -> Callable[[Any], bool]:
    if op == "gte":
        return lambda v: v >= bound
    if op == "gt":
        return lambda v: v > bound
    if op == "lte":
        return lambda v: v <= bound
    if op == "lt":
        return lambda v: v < bound
    raise UnsupportedQueryError(f"range operator [{op}] is not interpreted by the test server")


def _bool(spec: Mapping[str, Any], types: Mapping[str, str]) -> Callable[..., bool]:
    def clauses(key: str) -> list[Callable[..., bool]]:
        raw = spec.get(key, [])
        items = raw if isinstance(raw, list) else [raw]
        return [compile_query(item, types) for item in items]

    must = clauses("must") + clauses("filter")
    should = clauses("should")
    must_not = clauses("must_not")
    minimum = int(spec.get("minimum_should_match", 0 if must else 1))

    def matches(doc_id: str, source: Mapping[str, Any]) -> bool:
        if not all(q(doc_id, source) for q in must):
            return False
        if any(q(doc_id, source) for q in must_not):
            return False
        return not should or sum(q(doc_id, source) for q in should) >= minimum

    return matches


_BUILDERS: dict[str, Callable[[Any, Mapping[str, str]], Callable[..., bool]]] = {
    "match_all": lambda _spec, _types: lambda _id, _source: True,
    "term": _term,
    "terms": _terms,
    "ids": _ids,
    "exists": _exists,
    "match": _match,
    "range": _range,
    "bool": _bool,
}


def sort_value(source: Mapping[str, Any], field: str, types: Mapping[str, str]) -> Any:
    """The value a hit reports in ``sort`` for ``field`` (dates as epoch millis)."""
    field_type = types.get(field)
    values = doc_values(source, field, types)
    if not values:
        return None
    first = min(values, key=lambda v: _comparable(v, field_type) if field_type else str(v))
    if field_type in DATE_TYPES:
        return epoch_millis(first)
    return first
