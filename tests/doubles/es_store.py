"""Cluster state of the Elasticsearch test double: templates, ILM, indices, data streams, writes.

Pure in-memory logic with Elasticsearch's rules and error shapes (:class:`EsError`); the HTTP
layer in :mod:`tests.doubles.es_server` authenticates, injects faults and calls in here.
Authorisation of index actions is a callback so the store never knows about users.
"""

from __future__ import annotations

import base64
import copy
import fnmatch
import functools
import itertools
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from connectors.es_mappings import (
    OBJECT_TYPES,
    flatten_document,
    flatten_properties,
    merge_mappings,
)
from tests.doubles.es_query import InvalidValueError, check_value, dynamic_type

ILM_PHASES = ("hot", "warm", "cold", "frozen", "delete")
_INVALID_INDEX_CHARS = frozenset('\\/*?"<>| ,#:')
_DATA_STREAM_WRITES = "only write ops with an op_type of create are allowed in data streams"

Authorize = Callable[[str, str, tuple[str, ...]], None]
"""``(index name, action, privileges any of which grants it)``; raises :class:`EsError`."""


class EsError(Exception):
    """An error answered the way Elasticsearch answers it (status, ``type``, ``reason``)."""

    def __init__(
        self,
        status: int,
        error_type: str,
        reason: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.error_type = error_type
        self.reason = reason
        self.headers = dict(headers or {})
        self.extra = extra

    def cause(self) -> dict[str, Any]:
        """The ``error`` object of a response or of a bulk item."""
        root = {"type": self.error_type, "reason": self.reason, **self.extra}
        return {"root_cause": [root], **root}

    def body(self) -> dict[str, Any]:
        """A whole error response body."""
        return {"error": self.cause(), "status": self.status}


@dataclass
class StoredDocument:
    """A document as stored in one index or data stream."""

    id: str
    source: dict[str, Any]
    version: int
    seq_no: int
    visible: bool


@dataclass
class IndexState:
    """A concrete index or a data stream (with one backing index)."""

    name: str
    mappings: dict[str, Any]
    settings: dict[str, Any]
    data_stream: bool = False
    template: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    docs: dict[str, StoredDocument] = field(default_factory=dict)
    dynamic_fields: dict[str, str] = field(default_factory=dict)
    unindexed_fields: set[str] = field(default_factory=set)
    """Fields kept only in ``_source`` because the mapping is ``dynamic: false``."""

    @functools.cached_property
    def backing_index(self) -> str:
        """The concrete index documents live in (``.ds-<stream>-<date>-000001`` for streams).

        Named in every write's answer; formatted once (name, kind and creation never change)."""
        if not self.data_stream:
            return self.name
        return f".ds-{self.name}-{self.created:%Y.%m.%d}-000001"

    _types_cache: tuple[tuple[int, int], dict[str, str]] | None = None

    def field_types(self) -> dict[str, str]:
        """Flat ``field -> type`` of explicit and dynamically added mappings (cached).

        ``mappings`` is only ever replaced and ``dynamic_fields`` only grows, so the pair
        (mappings identity, dynamic field count) tells when the cache is stale.
        """
        key = (id(self.mappings), len(self.dynamic_fields))
        if self._types_cache is None or self._types_cache[0] != key:
            types = flatten_properties(self.mappings.get("properties", {}))
            types.update(self.dynamic_fields)
            self._types_cache = (key, types)
        return self._types_cache[1]


def normalize_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings in the nested, string-valued, ``index.``-prefixed form Elasticsearch returns."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                walk(f"{prefix}.{key}" if prefix else key, child)
        else:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flat[prefix if prefix.startswith("index.") else f"index.{prefix}"] = text

    walk("", settings)
    nested: dict[str, Any] = {}
    for dotted, text in sorted(flat.items()):
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = text
    return nested


def deep_update(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``changes`` merged in recursively (partial document update)."""
    merged = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_update(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def as_list(value: Any) -> list[Any]:
    """``None`` -> ``[]``, a scalar -> ``[scalar]``, a list unchanged."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def validate_index_name(name: str) -> None:
    """Elasticsearch's index-name rules (lowercase, no reserved characters or prefixes)."""
    if (
        name != name.lower()
        or name.startswith(("_", "-", "+"))
        or name in (".", "..")
        or _INVALID_INDEX_CHARS & set(name)
    ):
        raise EsError(
            400,
            "invalid_index_name_exception",
            f"Invalid index name [{name}], must be lowercase and must not contain "
            "'\\', '/', '*', '?', '\"', '<', '>', '|', ' ', ',', '#' or ':'",
            index=name,
        )


class ClusterStore:
    """Templates, ILM policies, indices and data streams of one test cluster."""

    def __init__(self, *, serverless: bool, builtin_templates: bool) -> None:
        self.serverless = serverless
        self.indices: dict[str, IndexState] = {}
        self.index_templates: dict[str, dict[str, Any]] = {}
        self.component_templates: dict[str, dict[str, Any]] = {}
        self.ilm_policies: dict[str, dict[str, Any]] = {}
        self._seq = itertools.count(1)
        if builtin_templates:
            self._install_builtin_templates()

    def _install_builtin_templates(self) -> None:
        """The ``logs`` template every 8.x/9.x cluster ships (``logs-*-*``, priority 100)."""
        managed = {"managed": True, "description": "built-in template (test double)"}
        self.component_templates["logs@mappings"] = {
            "template": {"mappings": {"properties": {"@timestamp": {"type": "date"}}}},
            "_meta": managed,
        }
        self.component_templates["logs@settings"] = {
            "template": {"settings": normalize_settings({"lifecycle": {"name": "logs"}})},
            "_meta": managed,
        }
        self.index_templates["logs"] = {
            "index_patterns": ["logs-*-*"],
            "composed_of": ["logs@mappings", "logs@settings", "logs@custom"],
            "ignore_missing_component_templates": ["logs@custom"],
            "priority": 100,
            "data_stream": {"hidden": False, "allow_custom_routing": False},
            "allow_auto_create": True,
            "_meta": managed,
        }
        if not self.serverless:
            hot = {"min_age": "0ms", "actions": {"rollover": {"max_age": "30d"}}}
            self.ilm_policies["logs"] = {
                "version": 1,
                "modified_date": datetime.now(UTC).isoformat(),
                "policy": {"phases": {"hot": hot}, "_meta": managed},
            }

    # ------------------------------------------------------------------ templates
    def put_component_template(self, name: str, body: Mapping[str, Any], *, create: bool) -> None:
        """Store a component template (``create`` refuses to replace one)."""
        if "template" not in body:
            raise EsError(400, "x_content_parse_exception", "[template] is required")
        if create and name in self.component_templates:
            raise EsError(
                400, "illegal_argument_exception", f"component template [{name}] already exists"
            )
        stored = copy.deepcopy(dict(body))
        stored["template"] = self._checked_template_body(stored["template"])
        self.component_templates[name] = stored

    def put_index_template(self, name: str, body: Mapping[str, Any], *, create: bool) -> None:
        """Store a composable template, with Elasticsearch's checks."""
        stored = copy.deepcopy(dict(body))
        patterns = as_list(stored.get("index_patterns"))
        if not patterns:
            raise EsError(400, "action_request_validation_exception", "index patterns are missing")
        stored["index_patterns"] = patterns
        if create and name in self.index_templates:
            raise EsError(
                400, "illegal_argument_exception", f"index template [{name}] already exists"
            )
        ignored = set(stored.get("ignore_missing_component_templates", []))
        missing = [
            c
            for c in stored.get("composed_of", [])
            if c not in self.component_templates and c not in ignored
        ]
        if missing:
            raise EsError(
                400,
                "invalid_index_template_exception",
                f"index_template [{name}] invalid, cause [index template [{name}] specifies "
                f"component templates {missing} that do not exist]",
            )
        self._check_priority_overlap(name, patterns, int(stored.get("priority", 0)))
        if "template" in stored:
            stored["template"] = self._checked_template_body(stored["template"])
        self.index_templates[name] = stored

    def _checked_template_body(self, template: Mapping[str, Any]) -> dict[str, Any]:
        checked = copy.deepcopy(dict(template))
        if "settings" in checked:
            checked["settings"] = normalize_settings(checked["settings"])
            if self.serverless and checked["settings"].get("index", {}).get("lifecycle"):
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    "Settings [index.lifecycle.name] are not available when running in "
                    "serverless mode",
                )
        return checked

    def _check_priority_overlap(self, name: str, patterns: list[str], priority: int) -> None:
        for other_name, other in self.index_templates.items():
            if other_name == name or int(other.get("priority", 0)) != priority:
                continue
            overlapping = any(
                fnmatch.fnmatchcase(p, q) or fnmatch.fnmatchcase(q, p)
                for p in patterns
                for q in other["index_patterns"]
            )
            if overlapping:
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"index template [{name}] has index patterns {patterns} matching patterns "
                    f"from existing templates [{other_name}] with patterns ({other_name} => "
                    f"{other['index_patterns']}) that have the same priority [{priority}], "
                    "multiple index templates may not match during index creation, please use "
                    "a different priority",
                )

    @staticmethod
    def named(
        store: Mapping[str, dict[str, Any]], pattern: str | None, what: str
    ) -> list[tuple[str, dict[str, Any]]]:
        """Entries of ``store`` a name or wildcard selects; 404 for a missing exact name."""
        names = sorted(n for n in store if pattern is None or fnmatch.fnmatchcase(n, pattern))
        if not names and pattern is not None and "*" not in pattern:
            raise EsError(
                404, "resource_not_found_exception", f"{what} matching [{pattern}] not found"
            )
        return [(n, copy.deepcopy(store[n])) for n in names]

    # ------------------------------------------------------------------ ILM
    def put_ilm_policy(self, name: str, body: Mapping[str, Any] | None) -> None:
        """Store a lifecycle policy the way Elasticsearch normalises it (``min_age`` 0ms)."""
        policy = copy.deepcopy((body or {}).get("policy"))
        if not isinstance(policy, dict) or "phases" not in policy:
            raise EsError(
                400, "x_content_parse_exception", "[put_lifecycle_request] policy is required"
            )
        for phase_name, phase in policy["phases"].items():
            if phase_name not in ILM_PHASES:
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"Lifecycle does not support phase [{phase_name}]",
                )
            phase.setdefault("min_age", "0ms")
            phase.setdefault("actions", {})
        previous = self.ilm_policies.get(name)
        self.ilm_policies[name] = {
            "version": previous["version"] + 1 if previous else 1,
            "modified_date": datetime.now(UTC).isoformat(),
            "policy": policy,
        }

    def ilm_policy(self, name: str) -> dict[str, Any]:
        """One stored policy; 404 when absent."""
        if name not in self.ilm_policies:
            raise EsError(
                404, "resource_not_found_exception", f"Lifecycle policy not found: [{name}]"
            )
        return copy.deepcopy(self.ilm_policies[name])

    # ------------------------------------------------------------------ indices
    def matching_template(self, name: str) -> tuple[str, dict[str, Any]] | None:
        """The highest-priority composable template whose patterns match ``name``."""
        matches = [
            (template_name, template)
            for template_name, template in self.index_templates.items()
            if any(fnmatch.fnmatchcase(name, p) for p in template["index_patterns"])
        ]
        return max(matches, key=lambda m: int(m[1].get("priority", 0)), default=None)

    def _composed(self, template: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        mappings: dict[str, Any] = {}
        settings: dict[str, Any] = {}
        parts = [
            self.component_templates[c]["template"]
            for c in template.get("composed_of", [])
            if c in self.component_templates
        ]
        parts.append(template.get("template", {}))
        for part in parts:
            mappings = merge_mappings(mappings, part.get("mappings", {}))
            settings = deep_update(settings, part.get("settings", {}))
        return mappings, settings

    def create_index(
        self, name: str, body: Mapping[str, Any] | None, *, data_stream: bool
    ) -> IndexState:
        """Create an index or a data stream from the matching template plus ``body``."""
        validate_index_name(name)
        if name in self.indices:
            raise EsError(
                400,
                "resource_already_exists_exception",
                f"index [{name}] already exists",
                index=name,
            )
        mappings: dict[str, Any] = {}
        settings: dict[str, Any] = {}
        matched = self.matching_template(name)
        template_name = matched[0] if matched else None
        template_streams = matched is not None and "data_stream" in matched[1]
        if template_streams and not data_stream:
            raise EsError(
                400,
                "illegal_argument_exception",
                f"cannot create index with name [{name}], because it matches with template "
                f"[{template_name}] that creates data streams only, use create data stream "
                "api instead",
            )
        if data_stream and not template_streams:
            raise EsError(
                400,
                "illegal_argument_exception",
                f"no matching index template found for data stream [{name}]",
            )
        if matched is not None:
            mappings, settings = self._composed(matched[1])
        if body:
            mappings = merge_mappings(mappings, body.get("mappings", {}))
            settings = deep_update(settings, normalize_settings(body.get("settings", {})))
        if data_stream:
            mappings = merge_mappings(mappings, {"properties": {"@timestamp": {"type": "date"}}})
        state = IndexState(
            name, mappings, settings, data_stream=data_stream, template=template_name
        )
        self.indices[name] = state
        return state

    def put_mapping(self, index: IndexState, extra: Mapping[str, Any]) -> None:
        """Add fields to a mapping; changing a field's type is refused like in Elasticsearch."""
        current = index.field_types()
        for path, new_type in flatten_properties(extra.get("properties", {})).items():
            if path in current and current[path] != new_type:
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"mapper [{path}] cannot be changed from type [{current[path]}] "
                    f"to [{new_type}]",
                )
        index.mappings = merge_mappings(index.mappings, extra)

    def lookup(self, name: str) -> IndexState | None:
        """An index or data stream by its name or by its backing index name."""
        return self.indices.get(name) or next(
            (i for i in self.indices.values() if i.backing_index == name), None
        )

    def resolve(self, expression: str, *, allow_missing: bool = False) -> list[IndexState]:
        """Indices and data streams an index expression names (commas, wildcards, ``_all``)."""
        found: dict[str, IndexState] = {}
        for raw_token in expression.split(","):
            token = raw_token.strip()
            if token in ("_all", "*", ""):
                found.update((n, i) for n, i in self.indices.items() if not n.startswith("."))
            elif "*" in token or "?" in token:
                found.update(
                    (n, i)
                    for n, i in self.indices.items()
                    if fnmatch.fnmatchcase(n, token) or fnmatch.fnmatchcase(i.backing_index, token)
                )
            elif (match := self.lookup(token)) is not None:
                found[match.name] = match
            elif not allow_missing:
                raise EsError(
                    404,
                    "index_not_found_exception",
                    f"no such index [{token}]",
                    index=token,
                )
        return list(found.values())

    def refresh(self, indices: Iterable[IndexState]) -> None:
        """Make every stored document of ``indices`` visible to search."""
        for index in indices:
            for doc in index.docs.values():
                doc.visible = True

    # ------------------------------------------------------------------ writes
    def write_target(self, target: str, op: str, authorize: Authorize) -> IndexState:
        """The index a write goes to, auto-created from templates like Elasticsearch does."""
        existing = self.lookup(target)
        if existing is None:
            validate_index_name(target)
            matched = self.matching_template(target)
            stream = matched is not None and "data_stream" in matched[1]
            if stream and op != "create":
                raise EsError(400, "illegal_argument_exception", _DATA_STREAM_WRITES)
            authorize(target, "indices:admin/auto_create", ("create_index", "auto_configure"))
            return self.create_index(target, None, data_stream=stream)
        if existing.data_stream and op != "create":
            raise EsError(400, "illegal_argument_exception", _DATA_STREAM_WRITES)
        return existing

    def write(
        self,
        index: IndexState,
        op: str,
        doc_id: str | None,
        source: Any,
        *,
        visible: bool,
    ) -> dict[str, Any]:
        """Apply one index/create/update/delete; the bulk item result (with ``status``)."""
        if op == "delete":
            return self._delete(index, doc_id)
        if not isinstance(source, dict):
            raise EsError(
                400, "document_parsing_exception", "failed to parse: the document is not an object"
            )
        if op == "update":
            return self._update(index, doc_id, source, visible)
        if index.data_stream and "@timestamp" not in source:
            raise EsError(
                400,
                "document_parsing_exception",
                "[1:1] failed to parse: data stream timestamp field [@timestamp] is missing",
            )
        doc_id = doc_id or base64.urlsafe_b64encode(secrets.token_bytes(15)).decode()
        previous = index.docs.get(doc_id)
        if previous is not None and op == "create":
            raise EsError(
                409,
                "version_conflict_engine_exception",
                f"[{doc_id}]: version conflict, document already exists "
                f"(current version [{previous.version}])",
                index_uuid=index.backing_index,
                shard="0",
                index=index.backing_index,
            )
        self.check_mapping(index, source)
        return self._store(index, doc_id, source, previous, visible)

    def _store(
        self,
        index: IndexState,
        doc_id: str,
        source: dict[str, Any],
        previous: StoredDocument | None,
        visible: bool,
    ) -> dict[str, Any]:
        version = previous.version + 1 if previous else 1
        # A private copy (the request log keeps the parsed body): an orjson round trip is ~7x
        # cheaper than deepcopy, and a stored source holds only JSON values anyway.
        private = orjson.loads(orjson.dumps(source))
        stored = StoredDocument(doc_id, private, version, next(self._seq), visible)
        index.docs[doc_id] = stored
        return {
            "_index": index.backing_index,
            "_id": doc_id,
            "_version": version,
            "result": "updated" if previous else "created",
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "_seq_no": stored.seq_no,
            "_primary_term": 1,
            "status": 200 if previous else 201,
        }

    def _update(
        self, index: IndexState, doc_id: str | None, body: dict[str, Any], visible: bool
    ) -> dict[str, Any]:
        previous = index.docs.get(doc_id or "")
        if previous is None and not body.get("doc_as_upsert") and "upsert" not in body:
            raise EsError(
                404,
                "document_missing_exception",
                f"[{doc_id}]: document missing",
                index=index.backing_index,
            )
        if previous is not None:
            source = deep_update(previous.source, body.get("doc", {}))
        else:
            source = body["upsert"] if "upsert" in body else body.get("doc", {})
        self.check_mapping(index, source)
        return self._store(index, str(doc_id), source, previous, visible)

    @staticmethod
    def _delete(index: IndexState, doc_id: str | None) -> dict[str, Any]:
        doc = index.docs.pop(doc_id or "", None)
        return {
            "_index": index.backing_index,
            "_id": doc_id,
            "_version": doc.version + 1 if doc else 1,
            "result": "deleted" if doc else "not_found",
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "status": 200 if doc else 404,
        }

    def check_mapping(self, index: IndexState, source: Mapping[str, Any]) -> None:
        """Reject values that do not fit their mapped type; map new fields dynamically."""
        types = index.field_types()
        dynamic = str(index.mappings.get("dynamic", "true")).lower()
        new_fields: dict[str, str] = {}
        for path, value in flatten_document(source):
            if path in types:
                try:
                    check_value(path, types[path], value)
                except InvalidValueError as exc:
                    raise EsError(400, "document_parsing_exception", f"[1:1] {exc}") from exc
                continue
            parent = _concrete_parent(path, types)
            if parent is not None:
                if types[parent] == "flattened":
                    continue
                raise EsError(
                    400,
                    "document_parsing_exception",
                    f"[1:1] failed to parse field [{parent}] of type [{types[parent]}]: "
                    "found an object where a value was expected",
                )
            if dynamic == "strict":
                raise EsError(
                    400,
                    "strict_dynamic_mapping_exception",
                    f"[1:1] mapping set to strict, dynamic introduction of [{path}] is not allowed",
                )
            if dynamic == "true":
                new_fields.setdefault(path, dynamic_type(value))
            else:
                index.unindexed_fields.add(path)
        for path, field_type in new_fields.items():
            index.dynamic_fields[path] = field_type
            if field_type == "text":
                index.dynamic_fields[f"{path}.keyword"] = "keyword"


def _concrete_parent(path: str, types: Mapping[str, str]) -> str | None:
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:end])
        if parent in types and types[parent] not in OBJECT_TYPES:
            return parent
    return None
