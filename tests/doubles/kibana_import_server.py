"""``KibanaImportTestServer``: a wire-level TEST DOUBLE of Kibana's saved-objects import API.

This is NOT Kibana. It answers ``POST [/s/<space>]/api/saved_objects/_import`` the way
Kibana does (multipart ``file`` with an ``.ndjson`` name, ``kbn-xsrf`` required, API-key or
basic auth, per-object ``errors`` such as ``conflict`` and ``missing_references``) and checks
each object's structure strictly: ``type``, ``id``, ``attributes``, ``references``,
``coreMigrationVersion``/``typeMigrationVersion`` not newer than the Kibana version it claims,
and per type the parts Kibana dereferences (Lens layer data views, dashboard panel
references, saved-search index references, JSON-in-string attributes). A structural problem
answers HTTP 400 naming the object and the problem, so a test fails loudly.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from connectors.threaded_http import ThreadedHttpServer

DEFAULT_KIBANA_VERSION = "8.15.0"
SUPPORTED_TYPES = frozenset(
    {"index-pattern", "lens", "dashboard", "search", "visualization", "tag", "config"}
)
LENS_TYPES = frozenset({"lnsXY", "lnsPie", "lnsMetric", "lnsDatatable", "lnsGauge", "lnsHeatmap"})


class InvalidSavedObjectError(ValueError):
    """A saved object Kibana would refuse to import."""


@dataclass(frozen=True)
class ImportCall:
    """One import request as received."""

    space: str
    overwrite: bool
    objects: list[dict[str, Any]]


def _version(text: Any) -> tuple[int, ...]:
    if not isinstance(text, str):
        raise InvalidSavedObjectError(f"version {text!r} is not a string")
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError as exc:
        raise InvalidSavedObjectError(f"version {text!r} is not semver") from exc


def _json_attribute(owner: str, attributes: Mapping[str, Any], key: str) -> Any:
    raw = attributes.get(key)
    if not isinstance(raw, str):
        raise InvalidSavedObjectError(f"{owner}: attributes.{key} must be a JSON string")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidSavedObjectError(f"{owner}: attributes.{key} is not valid JSON") from exc


def check_structure(obj: Any, kibana_version: tuple[int, ...]) -> None:
    """Raise :class:`InvalidSavedObjectError` where Kibana would refuse ``obj``."""
    if not isinstance(obj, dict):
        raise InvalidSavedObjectError("each NDJSON line must be a JSON object")
    kind, object_id = obj.get("type"), obj.get("id")
    owner = f"{kind}:{object_id}"
    if not isinstance(object_id, str) or not object_id:
        raise InvalidSavedObjectError(f"{owner}: id must be a non-empty string")
    if not isinstance(obj.get("attributes"), dict):
        raise InvalidSavedObjectError(f"{owner}: attributes must be an object")
    references = obj.get("references")
    if not isinstance(references, list) or not all(
        isinstance(r, dict)
        and all(isinstance(r.get(k), str) and r[k] for k in ("name", "type", "id"))
        for r in references
    ):
        raise InvalidSavedObjectError(f"{owner}: references must be a list of {{name, type, id}}")
    for key in ("coreMigrationVersion", "typeMigrationVersion"):
        if key not in obj:
            raise InvalidSavedObjectError(f"{owner}: {key} is missing")
        if _version(obj[key]) > kibana_version:
            raise InvalidSavedObjectError(
                f"{owner}: {key} {obj[key]} belongs to a more recent version of Kibana than "
                f"{'.'.join(map(str, kibana_version))}"
            )
    names = {r["name"] for r in references}
    checker = _TYPE_CHECKS.get(str(kind))
    if checker is not None:
        checker(owner, obj["attributes"], names)


def _check_index_pattern(owner: str, attributes: Mapping[str, Any], _names: set[str]) -> None:
    if not isinstance(attributes.get("title"), str) or not attributes["title"]:
        raise InvalidSavedObjectError(f"{owner}: a data view needs a title (its index pattern)")
    if "fieldFormatMap" in attributes:
        _json_attribute(owner, attributes, "fieldFormatMap")


def _check_lens(owner: str, attributes: Mapping[str, Any], names: set[str]) -> None:
    if attributes.get("visualizationType") not in LENS_TYPES:
        raise InvalidSavedObjectError(f"{owner}: unknown visualizationType")
    state = attributes.get("state")
    if not isinstance(state, dict):
        raise InvalidSavedObjectError(f"{owner}: state must be an object")
    layers = state.get("datasourceStates", {}).get("formBased", {}).get("layers")
    if not isinstance(layers, dict) or not layers:
        raise InvalidSavedObjectError(f"{owner}: state.datasourceStates.formBased.layers missing")
    for layer_id, layer in layers.items():
        if f"indexpattern-datasource-layer-{layer_id}" not in names:
            raise InvalidSavedObjectError(f"{owner}: layer {layer_id} has no data view reference")
        columns = layer.get("columns", {})
        if set(layer.get("columnOrder", [])) != set(columns):
            raise InvalidSavedObjectError(f"{owner}: columnOrder does not match columns")
        for column_id, column in columns.items():
            if not column.get("operationType") or not column.get("sourceField"):
                raise InvalidSavedObjectError(f"{owner}: column {column_id} is incomplete")
    if not isinstance(state.get("query"), dict) or "visualization" not in state:
        raise InvalidSavedObjectError(f"{owner}: state needs query and visualization")


def _check_dashboard(owner: str, attributes: Mapping[str, Any], names: set[str]) -> None:
    panels = _json_attribute(owner, attributes, "panelsJSON")
    if not isinstance(panels, list):
        raise InvalidSavedObjectError(f"{owner}: panelsJSON must be a list")
    for panel in panels:
        ref = panel.get("panelRefName")
        if f"{panel.get('panelIndex')}:{ref}" not in names and ref not in names:
            raise InvalidSavedObjectError(f"{owner}: panel {panel.get('panelIndex')} unresolved")
        grid = panel.get("gridData", {})
        if not all(isinstance(grid.get(k), int) for k in ("x", "y", "w", "h")):
            raise InvalidSavedObjectError(f"{owner}: panel {panel.get('panelIndex')} has no grid")


def _check_search(owner: str, attributes: Mapping[str, Any], names: set[str]) -> None:
    meta = attributes.get("kibanaSavedObjectMeta", {})
    source = _json_attribute(owner, meta, "searchSourceJSON")
    if source.get("indexRefName") not in names:
        raise InvalidSavedObjectError(f"{owner}: searchSourceJSON.indexRefName unresolved")
    if not isinstance(attributes.get("columns"), list):
        raise InvalidSavedObjectError(f"{owner}: columns must be a list")


_TYPE_CHECKS = {
    "index-pattern": _check_index_pattern,
    "lens": _check_lens,
    "dashboard": _check_dashboard,
    "search": _check_search,
}


class KibanaImportTestServer(ThreadedHttpServer):
    """A test double of Kibana's saved-objects import API on a free 127.0.0.1 port.

    ``api_keys``/``users`` switch authentication on; ``spaces`` are the spaces that exist;
    ``forbidden_spaces`` answer 403 like a role without saved-object privileges there.
    """

    thread_name = "kibana-import-test-server"

    def __init__(
        self,
        *,
        version: str = DEFAULT_KIBANA_VERSION,
        api_keys: Iterable[str] = (),
        users: Mapping[str, str] | None = None,
        spaces: Iterable[str] = ("default",),
        forbidden_spaces: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.version = version
        self.api_keys = set(api_keys)
        self.users = dict(users or {})
        self.spaces = set(spaces)
        self.forbidden_spaces = set(forbidden_spaces)
        self._lock = threading.Lock()
        self.imports: list[ImportCall] = []
        self.stored: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}

    def objects(self, space: str = "default") -> dict[tuple[str, str], dict[str, Any]]:
        """Imported objects of a space by ``(type, id)``."""
        with self._lock:
            return dict(self.stored.get(space, {}))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        space, path = "default", request.path
        if path.startswith("/s/"):
            _, _, space, path = path.split("/", 3)
            path = "/" + path
        if path == "/api/status" and request.method == "GET":
            return web.json_response({"version": {"number": self.version}})
        if path != "/api/saved_objects/_import" or request.method != "POST":
            return _kibana_error(404, "Not Found", "Not Found")
        unauthenticated = self._unauthenticated(request)
        if unauthenticated is not None:
            return unauthenticated
        if "kbn-xsrf" not in request.headers:
            return _kibana_error(400, "Bad Request", "Request must contain a kbn-xsrf header.")
        if space not in self.spaces:
            return _kibana_error(404, "Not Found", f"Saved object [space/{space}] not found")
        if space in self.forbidden_spaces:
            return _kibana_error(
                403, "Forbidden", "Unable to bulk_create index-pattern,lens,search,dashboard"
            )
        return await self._import(request, space)

    def _unauthenticated(self, request: web.Request) -> web.Response | None:
        if not self.api_keys and not self.users:
            return None
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme == "ApiKey" and value in self.api_keys:
            return None
        if scheme == "Basic":
            user, _, password = base64.b64decode(value).decode("utf-8", "replace").partition(":")
            if self.users.get(user) == password:
                return None
        return _kibana_error(401, "Unauthorized", "[security_exception]: unable to authenticate")

    async def _import(self, request: web.Request, space: str) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _kibana_error(400, "Bad Request", "[request body.file]: expected a file")
        if not upload.filename.endswith(".ndjson"):
            return _kibana_error(400, "Bad Request", f"Invalid file extension {upload.filename}")
        overwrite = request.query.get("overwrite") == "true"
        objects: list[dict[str, Any]] = []
        kibana_version = _version(self.version)
        try:
            for line in upload.file.read().splitlines():
                if not line.strip():
                    continue
                try:
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise InvalidSavedObjectError(f"line is not JSON: {exc}") from exc
                check_structure(obj, kibana_version)
                objects.append(obj)
        except InvalidSavedObjectError as exc:
            return _kibana_error(400, "Bad Request", str(exc))
        with self._lock:
            self.imports.append(ImportCall(space, overwrite, objects))
            return web.json_response(self._store(space, objects, overwrite))

    def _store(self, space: str, objects: list[dict[str, Any]], overwrite: bool) -> dict[str, Any]:
        stored = self.stored.setdefault(space, {})
        incoming = {(o["type"], o["id"]) for o in objects}
        errors: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        for obj in objects:
            key = (obj["type"], obj["id"])
            meta = {"title": obj["attributes"].get("title", obj["id"])}
            if obj["type"] not in SUPPORTED_TYPES:
                errors.append({**_ident(obj, meta), "error": {"type": "unsupported_type"}})
                continue
            missing = [
                {"type": r["type"], "id": r["id"]}
                for r in obj["references"]
                if (r["type"], r["id"]) not in incoming and (r["type"], r["id"]) not in stored
            ]
            if missing:
                error = {"type": "missing_references", "references": missing}
                errors.append({**_ident(obj, meta), "error": error})
                continue
            if key in stored and not overwrite:
                errors.append({**_ident(obj, meta), "error": {"type": "conflict"}})
                continue
            results.append({**_ident(obj, meta), "overwrite": key in stored})
            stored[key] = obj
        return {
            "success": not errors,
            "successCount": len(results),
            "successResults": results,
            "errors": errors,
        }


def _ident(obj: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": obj["type"], "id": obj["id"], "meta": dict(meta)}


def _kibana_error(status: int, error: str, message: str) -> web.Response:
    return web.json_response(
        {"statusCode": status, "error": error, "message": message}, status=status
    )
