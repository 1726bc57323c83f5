"""Kibana saved objects: generated, consistent with the mapping, and importable."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from connectors.elasticsearch import (
    ClusterError,
    CredentialsError,
    PrivilegeError,
    UnreachableError,
)
from connectors.es_assets.templates import mapped_field_types
from connectors.kibana.description import DASHBOARDS, DATA_VIEWS
from connectors.kibana.importer import ImportReport, KibanaConnection, install_saved_objects
from connectors.kibana.panels import NEED_TYPES, Need
from connectors.kibana.saved_objects import NDJSON_PATH, all_saved_objects, render_ndjson
from connectors.local_broker import free_loopback_port
from tests.doubles.kibana_import_server import KibanaImportTestServer

VIEWS = {view.id: view for view in DATA_VIEWS}


def _objects() -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in NDJSON_PATH.read_text().splitlines() if line]


def _install(connection: KibanaConnection, ndjson: str | None = None) -> ImportReport:
    return asyncio.run(install_saved_objects(connection, ndjson or render_ndjson()))


def test_shipped_ndjson_is_generated_from_the_description() -> None:
    assert NDJSON_PATH.read_text() == render_ndjson(), (
        "saved_objects.ndjson is stale: run python -m connectors.kibana.saved_objects"
    )


def test_every_dashboard_and_data_view_field_is_mapped_with_a_suitable_type() -> None:
    problems: list[str] = []
    for view in DATA_VIEWS:
        types = mapped_field_types(view.target)
        used: list[tuple[str, Need]] = [(view.time_field, "date")]
        used += [(f, "any") for f in view.field_formats]
        for name, need in used:
            if name not in types or (NEED_TYPES[need] and types[name] not in NEED_TYPES[need]):
                problems.append(f"data view {view.id}: {name} ({types.get(name)}) not {need}")
    for dashboard in DASHBOARDS:
        for panel in dashboard.panels:
            types = mapped_field_types(panel.data_view.target)
            for name, need in panel.fields():
                wanted = NEED_TYPES[need]
                if name not in types or (wanted and types[name] not in wanted):
                    problems.append(f"{panel.title}: {name} ({types.get(name)}) is not {need}")
    assert problems == []


def test_every_lens_column_in_the_ndjson_reads_a_mapped_field() -> None:
    for obj in _objects():
        if obj["type"] != "lens":
            continue
        view = VIEWS[obj["references"][0]["id"]]
        types = mapped_field_types(view.target)
        layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
        for layer in layers.values():
            for column in layer["columns"].values():
                field = column["sourceField"]
                assert field == "___records___" or field in types, (obj["id"], field)


def test_every_reference_resolves_inside_the_ndjson() -> None:
    objects = _objects()
    present = {(o["type"], o["id"]) for o in objects}
    dangling = [
        (o["id"], r)
        for o in objects
        for r in o["references"]
        if (r["type"], r["id"]) not in present
    ]
    assert dangling == []
    ids = [(o["type"], o["id"]) for o in objects]
    assert len(ids) == len(set(ids))
    titles = {o["attributes"]["title"] for o in objects if o["type"] == "dashboard"}
    assert titles == {
        "[logwarden] SOC alerts overview",
        "[logwarden] Ticket routing",
        "[logwarden] Pipeline health",
    }


def test_imports_cleanly_and_reimports_in_place() -> None:
    with KibanaImportTestServer(api_keys=["kb-key"]) as kibana:
        connection = KibanaConnection(url=kibana.url, api_key="kb-key")
        first = _install(connection)
        second = _install(connection)
    assert len(first.imported) == len(all_saved_objects())
    assert second.imported == first.imported
    assert kibana.imports[0].overwrite is True
    assert len(kibana.objects()) == len(all_saved_objects())


def test_imports_into_a_named_space() -> None:
    with KibanaImportTestServer(users={"elastic": "pw"}, spaces=["default", "soc"]) as kibana:
        _install(KibanaConnection(url=kibana.url, space="soc", username="elastic", password="pw"))
    assert kibana.imports[0].space == "soc"
    assert kibana.objects("default") == {}


def test_the_double_refuses_broken_objects() -> None:
    objects = all_saved_objects()
    lens = next(o for o in objects if o["type"] == "lens")
    lens["references"] = []
    newer = next(o for o in objects if o["type"] == "dashboard")
    with KibanaImportTestServer() as kibana:
        connection = KibanaConnection(url=kibana.url)
        with pytest.raises(ClusterError, match="no data view reference"):
            _install(connection, render_ndjson([lens]))
        too_new = {**newer, "typeMigrationVersion": "99.0.0"}
        with pytest.raises(ClusterError, match="more recent version"):
            _install(connection, render_ndjson([too_new]))
        with pytest.raises(ClusterError, match="missing_references"):
            _install(connection, render_ndjson([newer]))


def test_unknown_space_wrong_credentials_forbidden_and_unreachable_fail_clearly() -> None:
    with KibanaImportTestServer(api_keys=["ok"], forbidden_spaces=["default"]) as kibana:
        with pytest.raises(ClusterError, match="no space 'ops'"):
            _install(KibanaConnection(url=kibana.url, space="ops", api_key="ok"))
        with pytest.raises(CredentialsError):
            _install(KibanaConnection(url=kibana.url, api_key="bad"))
        with pytest.raises(PrivilegeError, match="Saved Objects"):
            _install(KibanaConnection(url=kibana.url, api_key="ok"))
    with pytest.raises(UnreachableError, match="cannot reach Kibana"):
        _install(KibanaConnection(url=f"http://127.0.0.1:{free_loopback_port()}"))
