"""Install the Elasticsearch assets idempotently and report what changed.

Each body carries ``_meta.checksum``, a hash of its own content. Elasticsearch returns
stored templates and policies normalised (string settings, default ``min_age``...), so
comparing bodies would report false changes; comparing our checksum does not. A second run
with the same assets changes nothing and says so.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from connectors.elasticsearch import (
    ClusterInfo,
    check_cluster,
    explained_errors,
    require_privileges,
)
from connectors.es_assets.templates import (
    DEFAULT_NAMESPACE,
    MANAGED_BY,
    EsAssets,
    LifecycleOptions,
    build_assets,
    composed_mappings,
)

Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Change:
    """One asset and what the install did to it."""

    kind: str
    name: str
    action: Action


@dataclass
class SetupReport:
    """What ``setup elasticsearch`` found and did."""

    cluster: ClusterInfo
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.action != "unchanged" for c in self.changes)


def checksum(body: Mapping[str, Any]) -> str:
    """A stable hash of a body, ignoring any checksum already in its ``_meta``."""
    clean = copy.deepcopy(dict(body))
    meta = clean.get("_meta")
    if isinstance(meta, dict):
        meta.pop("checksum", None)
    return hashlib.sha256(orjson.dumps(clean, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def stamped(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with ``_meta.checksum`` set."""
    result = copy.deepcopy(dict(body))
    result.setdefault("_meta", {})["checksum"] = checksum(result)
    return result


def _stored_checksum(body: Mapping[str, Any] | None) -> str | None:
    meta = (body or {}).get("_meta")
    return meta.get("checksum") if isinstance(meta, Mapping) else None


def _action(existing: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> Action:
    if existing is None:
        return "created"
    return "unchanged" if _stored_checksum(existing) == _stored_checksum(wanted) else "updated"


def required_privileges(assets: EsAssets) -> tuple[list[str], dict[str, list[str]]]:
    """Cluster and index privileges installing ``assets`` needs."""
    cluster = ["manage_index_templates"]
    if assets.ilm_policies:
        cluster.append("manage_ilm")
    return cluster, {name: ["create_index", "manage"] for name in assets.indices}


def setup_elasticsearch(
    client: Elasticsearch,
    url: str,
    options: LifecycleOptions,
    namespace: str = DEFAULT_NAMESPACE,
) -> SetupReport:
    """Check the cluster and privileges, then install every asset (the tickets index of
    ``namespace``); the report of changes."""
    report = SetupReport(cluster=check_cluster(client, url))
    if report.cluster.serverless and options.ilm_enabled:
        options = LifecycleOptions(
            retention_days=options.retention_days,
            ilm_enabled=False,
            rollover_max_age=options.rollover_max_age,
            rollover_max_primary_shard_size=options.rollover_max_primary_shard_size,
        )
        report.notes.append(
            "serverless project: ILM is not available, data stream lifecycle keeps "
            f"{options.retention_days} days instead"
        )
    assets = build_assets(options, namespace)
    cluster, index = required_privileges(assets)
    try:
        require_privileges(client, url, cluster=cluster, index=index)
    except ApiError as exc:
        if "security" not in str(exc).lower():
            raise
        report.notes.append("security is disabled on this cluster: privileges not checked")
    report.changes = install_assets(client, url, assets)
    return report


def prepared(assets: EsAssets) -> EsAssets:
    """The assets exactly as installed: every policy and template stamped with its checksum."""
    return EsAssets(
        ilm_policies={n: {"policy": stamped(b["policy"])} for n, b in assets.ilm_policies.items()},
        component_templates={n: stamped(b) for n, b in assets.component_templates.items()},
        index_templates={n: stamped(b) for n, b in assets.index_templates.items()},
        indices=dict(assets.indices),
    )


def install_assets(client: Elasticsearch, url: str, assets: EsAssets) -> list[Change]:
    """Put policies, component templates, index templates and indices; the changes made."""
    wanted = prepared(assets)
    changes: list[Change] = []
    with explained_errors(url):
        for name, body in wanted.ilm_policies.items():
            action = _action(_get_policy(client, name), body["policy"])
            if action != "unchanged":
                client.ilm.put_lifecycle(name=name, policy=body["policy"])
            changes.append(Change("ilm_policy", name, action))
        for name, body in wanted.component_templates.items():
            action = _action(_get_component_template(client, name), body)
            if action != "unchanged":
                client.cluster.put_component_template(name=name, **body)
            changes.append(Change("component_template", name, action))
        for name, body in wanted.index_templates.items():
            action = _action(_get_index_template(client, name), body)
            if action != "unchanged":
                client.indices.put_index_template(name=name, **body)
            changes.append(Change("index_template", name, action))
        for name, template in wanted.indices.items():
            mappings = composed_mappings(wanted, template)
            changes.append(Change("index", name, _ensure_index(client, name, mappings)))
    return changes


def _ensure_index(client: Elasticsearch, name: str, mappings: Mapping[str, Any]) -> Action:
    """Create the index (its template shapes it), or add new fields to an existing one."""
    properties = mappings.get("properties", {})
    meta = {"managed_by": MANAGED_BY, "checksum": checksum({"properties": properties})}
    if not client.indices.exists(index=name):
        client.indices.create(index=name, mappings={"_meta": meta})
        return "created"
    current = next(iter(client.indices.get_mapping(index=name).values()))["mappings"]
    if _stored_checksum(current) == meta["checksum"]:
        return "unchanged"
    client.indices.put_mapping(index=name, properties=properties, meta=meta)
    return "updated"


def _get_policy(client: Elasticsearch, name: str) -> Mapping[str, Any] | None:
    try:
        return dict(client.ilm.get_lifecycle(name=name)[name]["policy"])
    except NotFoundError:
        return None


def _get_component_template(client: Elasticsearch, name: str) -> Mapping[str, Any] | None:
    try:
        answer = client.cluster.get_component_template(name=name)
    except NotFoundError:
        return None
    return _first(answer["component_templates"], "component_template")


def _get_index_template(client: Elasticsearch, name: str) -> Mapping[str, Any] | None:
    try:
        answer = client.indices.get_index_template(name=name)
    except NotFoundError:
        return None
    return _first(answer["index_templates"], "index_template")


def _first(found: list[dict[str, Any]], key: str) -> Mapping[str, Any] | None:
    return dict(found[0][key]) if found else None
