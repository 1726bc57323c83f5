"""Render the Kibana description to saved objects and the NDJSON Kibana imports.

The NDJSON shipped next to this module (``saved_objects.ndjson``) is generated, never
edited: ``python -m connectors.kibana.saved_objects`` rewrites it and a test fails when it is
stale. Migration versions are the ones Kibana 8.11+ exports, so every 8.11+ and 9.x Kibana
imports the objects and migrates them forward.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from connectors.kibana.description import DASHBOARDS, DATA_VIEWS
from connectors.kibana.lens import layer_reference_name, visualization
from connectors.kibana.panels import Dashboard, DataView, LatestDocuments, LensPanel, Panel

NDJSON_PATH = Path(__file__).with_name("saved_objects.ndjson")
CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSIONS = {
    "index-pattern": "8.0.0",
    "search": "8.0.0",
    "lens": "8.9.0",
    "dashboard": "8.9.0",
}
GRID_COLUMNS = 48
PANEL_HEIGHT = 15
TABLE_HEIGHT = 18
SEARCH_INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _saved_object(
    kind: str, object_id: str, attributes: dict[str, Any], references: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": object_id,
        "attributes": attributes,
        "references": references,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": TYPE_MIGRATION_VERSIONS[kind],
        "managed": False,
    }


def data_view_object(view: DataView) -> dict[str, Any]:
    """An ``index-pattern`` saved object."""
    attributes = {
        "title": view.pattern,
        "name": view.name,
        "timeFieldName": view.time_field,
        "fieldFormatMap": _json(dict(view.field_formats)),
        "allowNoIndex": True,
        "sourceFilters": "[]",
        "fieldAttrs": "{}",
        "runtimeFieldMap": "{}",
        "typeMeta": "{}",
    }
    return _saved_object("index-pattern", view.id, attributes, [])


def _query(kql: str) -> dict[str, str]:
    return {"query": kql, "language": "kuery"}


def lens_object(object_id: str, panel: LensPanel) -> dict[str, Any]:
    """A ``lens`` saved object for one panel."""
    kind, state = visualization(panel)
    state.update(query=_query(panel.query), filters=[], adHocDataViews={}, internalReferences=[])
    attributes = {
        "title": panel.title,
        "description": "",
        "visualizationType": kind,
        "state": state,
    }
    references = [
        {"type": "index-pattern", "id": panel.data_view.id, "name": layer_reference_name()}
    ]
    return _saved_object("lens", object_id, attributes, references)


def search_object(object_id: str, panel: LatestDocuments) -> dict[str, Any]:
    """A ``search`` saved object (Discover table) for the newest matching documents."""
    source = {
        "query": _query(panel.query),
        "filter": [],
        "indexRefName": SEARCH_INDEX_REF,
    }
    attributes = {
        "title": panel.title,
        "description": "",
        "columns": list(panel.columns),
        "sort": [[panel.data_view.time_field, "desc"]],
        "grid": {},
        "hideChart": True,
        "isTextBasedQuery": False,
        "kibanaSavedObjectMeta": {"searchSourceJSON": _json(source)},
    }
    references = [{"type": "index-pattern", "id": panel.data_view.id, "name": SEARCH_INDEX_REF}]
    return _saved_object("search", object_id, attributes, references)


def _panel_object(object_id: str, panel: Panel) -> dict[str, Any]:
    if isinstance(panel, LatestDocuments):
        return search_object(object_id, panel)
    return lens_object(object_id, panel)


def dashboard_objects(dashboard: Dashboard) -> list[dict[str, Any]]:
    """The panels' saved objects followed by the dashboard that lays them out."""
    objects: list[dict[str, Any]] = []
    panels_json: list[dict[str, Any]] = []
    references: list[dict[str, str]] = []
    x = y = 0
    for number, panel in enumerate(dashboard.panels, start=1):
        object_id = f"{dashboard.id}-{_slug(panel.title)}"
        saved = _panel_object(object_id, panel)
        objects.append(saved)
        full_width = isinstance(panel, LatestDocuments)
        width = GRID_COLUMNS if full_width else GRID_COLUMNS // 2
        height = TABLE_HEIGHT if full_width else PANEL_HEIGHT
        if x + width > GRID_COLUMNS:
            x, y = 0, y + PANEL_HEIGHT
        panel_index = f"p{number}"
        panels_json.append(
            {
                "type": saved["type"],
                "panelIndex": panel_index,
                "gridData": {"x": x, "y": y, "w": width, "h": height, "i": panel_index},
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{panel_index}",
            }
        )
        references.append(
            {"type": saved["type"], "id": object_id, "name": f"{panel_index}:panel_{panel_index}"}
        )
        x += width
        if x >= GRID_COLUMNS:
            x, y = 0, y + height
    attributes = {
        "title": dashboard.title,
        "description": dashboard.description,
        "panelsJSON": _json(panels_json),
        "optionsJSON": _json(
            {"useMargins": True, "syncColors": False, "syncCursor": True, "hidePanelTitles": False}
        ),
        "timeRestore": True,
        "timeFrom": dashboard.time_from,
        "timeTo": "now",
        "refreshInterval": {"pause": False, "value": 60_000},
        "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": _query(""), "filter": []})},
        "version": 1,
    }
    objects.append(_saved_object("dashboard", dashboard.id, attributes, references))
    return objects


def all_saved_objects() -> list[dict[str, Any]]:
    """Data views first, then each dashboard's panels and the dashboard itself."""
    objects = [data_view_object(view) for view in DATA_VIEWS]
    for dashboard in DASHBOARDS:
        objects.extend(dashboard_objects(dashboard))
    return objects


def render_ndjson(objects: list[dict[str, Any]] | None = None) -> str:
    """One saved object per line, keys sorted, ending with a newline."""
    lines = [_json(o) for o in (objects if objects is not None else all_saved_objects())]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Regenerate the shipped NDJSON from the description."""
    NDJSON_PATH.write_text(render_ndjson(), encoding="utf-8")
    print(f"wrote {NDJSON_PATH}")


if __name__ == "__main__":
    main()
