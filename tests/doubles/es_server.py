"""``ElasticsearchTestServer``: a wire-level TEST DOUBLE of the Elasticsearch REST API.

This is NOT Elasticsearch. It is a small aiohttp web server that answers the subset of the
REST API logwarden uses, closely enough that the real ``elasticsearch`` Python client (sync
and async) accepts it: ``GET /`` carries ``X-Elastic-Product: Elasticsearch`` and an 8.x/9.x
version, ``compatible-with=N`` media types are checked like Elasticsearch checks them, and
errors have Elasticsearch's shape and status codes. Tests use it instead of mocking the
client, so the bytes a test sends are the bytes production sends.

What it interprets: ``_bulk`` (index/create/update/delete, per-item results, ``409`` on a
duplicate ``create``), single-document APIs, indices, explicit and dynamic mappings with value
checks, data streams created from composable templates (``op_type=create`` required),
``_index_template``, ``_component_template``, ``_ilm/policy``, ``_data_stream``,
``_security/_authenticate``, ``_security/user/_has_privileges`` with cluster and index
privileges, ``_search`` (``match_all``/``term``/``terms``/``ids``/``range``/``exists``/
``match``/``bool``, size/from/sort/search_after, point in time, scroll, basic aggregations:
``terms``/``date_histogram``/``filter`` and simple metrics), ``_count`` and ``_refresh``.
Anything else is answered with an error naming the test double, so a test never passes on
an ignored request. No relevance scoring, text analysis, aliases, rollover or ingest
pipelines.

Faults are switched on per test: HTTP errors for the next N requests or for a time span,
dropped connections, slow responses, per-item ``429`` or mapping errors inside an HTTP 200
bulk response, and authentication/authorisation failures. Every request is recorded.

The server runs in a background thread with its own event loop, so synchronous tests,
asynchronous tests and benchmark commands can all use it::

    with ElasticsearchTestServer() as server:
        client = Elasticsearch(server.url)
"""

from __future__ import annotations

import asyncio
import base64
import fnmatch
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from connectors.threaded_http import ThreadedHttpServer
from tests.doubles.es_query import UnsupportedQueryError
from tests.doubles.es_search import SearchContexts, visible_candidates
from tests.doubles.es_store import ClusterStore, EsError, IndexState, as_list

DEFAULT_VERSION = "9.1.0"
API_KEY_PRINCIPAL = "logwarden-api-key"
_COMPAT = re.compile(r"compatible-with\s*=\s*(\d+)")
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="security", charset="UTF-8", ApiKey'}

CLUSTER_IMPLIES: dict[str, frozenset[str]] = {
    "manage": frozenset(
        {"manage_index_templates", "manage_ilm", "read_ilm", "manage_pipeline", "monitor"}
    ),
    "manage_ilm": frozenset({"read_ilm"}),
}
INDEX_IMPLIES: dict[str, frozenset[str]] = {
    "manage": frozenset(
        {"create_index", "view_index_metadata", "maintenance", "delete_index", "auto_configure"}
    ),
    "write": frozenset({"index", "create", "create_doc", "delete"}),
    "index": frozenset({"create", "create_doc"}),
    "create": frozenset({"create_doc"}),
    "create_index": frozenset({"auto_configure"}),
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it; ``body`` is parsed JSON, or a list for NDJSON."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class _Fault:
    status: int | None  # None: drop the connection; 200: only delay
    remaining: int | None
    until: float | None
    path: str | None
    delay_s: float = 0.0

    def applies(self, path: str) -> bool:
        if self.path is not None and self.path not in path:
            return False
        if self.until is not None and time.monotonic() > self.until:
            return False
        return self.remaining is None or self.remaining > 0

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class _DocumentRejection:
    ids: frozenset[str] | None
    where: Callable[[dict[str, Any]], bool] | None
    error: EsError

    def applies(self, doc_id: str | None, source: Any) -> bool:
        if self.ids is not None and doc_id in self.ids:
            return True
        return self.where is not None and isinstance(source, dict) and bool(self.where(source))


@dataclass
class _Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    principal: str
    roles: list[str]
    parts: dict[str, str]
    #: Index privileges already granted in this request: a bulk request asks the same
    #: question for each of its documents.
    authorized: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)


_Handler = Callable[["ElasticsearchTestServer", _Call], tuple[int, Any]]
_ROUTES: list[tuple[frozenset[str], re.Pattern[str], str]] = []


def _route(methods: str, pattern: str) -> Callable[[Any], Any]:
    """Register a handler for ``methods`` on a path regex (named groups become parts)."""

    def register(handler: Any) -> Any:
        _ROUTES.append((frozenset(methods.split()), re.compile(f"^{pattern}/?$"), handler.__name__))
        return handler

    return register


def _error_for_status(status: int, path: str) -> EsError:
    if status == 401:
        return EsError(
            401,
            "security_exception",
            f"unable to authenticate user [unknown] for REST request [{path}]",
            headers=_CHALLENGE,
        )
    if status == 403:
        return EsError(403, "security_exception", f"action for [{path}] is unauthorized")
    if status == 429:
        return EsError(
            429, "es_rejected_execution_exception", "rejected execution: write queue is full"
        )
    if status == 503:
        return EsError(503, "unavailable_shards_exception", "primary shard is not active")
    return EsError(status, "exception", f"injected failure with status {status}")


def _has_privilege(
    granted: Iterable[str], wanted: str, implies: Mapping[str, frozenset[str]]
) -> bool:
    return any(p in ("all", wanted) or wanted in implies.get(p, frozenset()) for p in granted)


def _parse_body(content_type: str, raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        if "ndjson" in content_type:
            return [orjson.loads(line) for line in raw.splitlines() if line.strip()]
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return EsError(400, "x_content_parse_exception", f"Failed to parse request body: {exc}")


def _without_status(item: dict[str, Any]) -> tuple[int, Any]:
    return item["status"], {k: v for k, v in item.items() if k != "status"}


class ElasticsearchTestServer(ThreadedHttpServer):
    """A test double of the Elasticsearch REST API on a free 127.0.0.1 port.

    ``api_keys`` (encoded keys, as sent after ``ApiKey``) and ``users`` (name -> password)
    switch authentication on; without either, every request is accepted as user ``elastic``.
    ``cluster_privileges`` and ``index_privileges`` (index pattern -> privileges) are what
    the authenticated principal holds. ``realtime_search=False`` hides writes from search
    until a refresh, like Elasticsearch's refresh interval. ``serverless=True`` answers like a
    serverless project (no ILM API, no lifecycle settings). ``builtin_templates`` installs
    the ``logs`` template (``logs-*-*``, priority 100) every real cluster ships.
    """

    def __init__(
        self,
        *,
        version: str = DEFAULT_VERSION,
        serverless: bool = False,
        api_keys: Iterable[str] = (),
        users: Mapping[str, str] | None = None,
        cluster_privileges: Iterable[str] = ("all",),
        index_privileges: Mapping[str, Iterable[str]] | None = None,
        realtime_search: bool = True,
        builtin_templates: bool = True,
        cluster_name: str = "logwarden-test",
    ) -> None:
        self.version = version
        self.serverless = serverless
        self.api_keys = set(api_keys)
        self.users = dict(users or {})
        self.cluster_privileges = set(cluster_privileges)
        self.index_privileges = {
            pattern: set(privs) for pattern, privs in (index_privileges or {"*": ["all"]}).items()
        }
        self.realtime_search = realtime_search
        self.cluster_name = cluster_name
        self._builtin_templates = builtin_templates
        super().__init__()
        self._lock = threading.RLock()
        self.reset()

    thread_name = "es-test-server"

    @property
    def major(self) -> int:
        """Major version the server claims (decides the accepted ``compatible-with``)."""
        return int(self.version.split(".", 1)[0])

    # ------------------------------------------------------------------ inspection
    def reset(self) -> None:
        """Forget every index, template, policy, request and fault."""
        with self._lock:
            self.store = ClusterStore(
                serverless=self.serverless, builtin_templates=self._builtin_templates
            )
            self.contexts = SearchContexts()
            self.requests: list[RecordedRequest] = []
            self.clear_faults()

    @property
    def index_templates(self) -> dict[str, dict[str, Any]]:
        """Stored composable templates by name (as Elasticsearch returns them)."""
        return self.store.index_templates

    @property
    def component_templates(self) -> dict[str, dict[str, Any]]:
        return self.store.component_templates

    @property
    def ilm_policies(self) -> dict[str, dict[str, Any]]:
        """``{name: {"version", "modified_date", "policy"}}``."""
        return self.store.ilm_policies

    @property
    def indices(self) -> dict[str, IndexState]:
        """Indices and data streams by name."""
        return self.store.indices

    def data_streams(self) -> list[str]:
        with self._lock:
            return sorted(n for n, i in self.store.indices.items() if i.data_stream)

    def requests_to(self, path_part: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path contains ``path_part`` (and with ``method``)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if path_part in r.path and (method is None or r.method == method)
            ]

    def documents(self, target: str = "*") -> list[dict[str, Any]]:
        """``_source`` of every stored document of the indices/data streams ``target`` names."""
        with self._lock:
            return [
                dict(doc.source)
                for index in self.store.resolve(target, allow_missing=True)
                for doc in sorted(index.docs.values(), key=lambda d: d.seq_no)
            ]

    def document(self, target: str, doc_id: str) -> dict[str, Any] | None:
        """One stored ``_source`` by index (or data stream) and ``_id``; ``None`` if absent."""
        with self._lock:
            for index in self.store.resolve(target, allow_missing=True):
                if doc_id in index.docs:
                    return dict(index.docs[doc_id].source)
        return None

    # ------------------------------------------------------------------ faults
    def clear_faults(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self._faults: list[_Fault] = []
            self._item_rejections_left = 0
            self._item_rejection_status = 429
            self._document_rejections: list[_DocumentRejection] = []

    def fail_next(self, count: int, status: int = 429, *, path: str | None = None) -> None:
        """Answer the next ``count`` requests (whose path contains ``path``) with ``status``.

        401/403 answer like Elasticsearch's security layer, 429 as a rejected execution,
        503 as unavailable shards.
        """
        with self._lock:
            self._faults.append(_Fault(status, count, None, path))

    def fail_for(self, seconds: float, status: int = 503, *, path: str | None = None) -> None:
        """Answer every request (whose path contains ``path``) with ``status`` for ``seconds``."""
        with self._lock:
            self._faults.append(_Fault(status, None, time.monotonic() + seconds, path))

    def drop_next(self, count: int, *, path: str | None = None) -> None:
        """Close the connection without an answer for the next ``count`` requests."""
        with self._lock:
            self._faults.append(_Fault(None, count, None, path))

    def slow_down(
        self, delay_s: float, count: int | None = None, *, path: str | None = None
    ) -> None:
        """Delay the next ``count`` answers (every answer when ``None``) by ``delay_s``."""
        with self._lock:
            self._faults.append(_Fault(200, count, None, path, delay_s=delay_s))

    def reject_bulk_items(self, count: int, status: int = 429) -> None:
        """Fail the next ``count`` bulk write items per item, inside an HTTP 200 response."""
        with self._lock:
            self._item_rejections_left = count
            self._item_rejection_status = status

    def reject_documents(
        self,
        *,
        ids: Iterable[str] | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
        status: int = 400,
        error_type: str = "document_parsing_exception",
        reason: str = "[1:1] failed to parse: rejected by the test double",
    ) -> None:
        """Fail every write of chosen documents (by ``_id`` or a predicate on ``_source``)."""
        with self._lock:
            self._document_rejections.append(
                _DocumentRejection(
                    frozenset(ids) if ids is not None else None,
                    where,
                    EsError(status, error_type, reason),
                )
            )

    # ------------------------------------------------------------------ HTTP plumbing
    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = _parse_body(request.headers.get("Content-Type", ""), raw)
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    request.method, request.path, dict(request.query), dict(request.headers), body
                )
            )
            fault = self._take_fault(request.path)
        if fault is not None and fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault is not None and fault.status is None:
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        compat: int | None = None
        headers: dict[str, str] = {}
        try:
            compat = self._compat_version(request)
            if fault is not None and fault.status != 200:
                raise _error_for_status(int(fault.status or 500), request.path)
            if isinstance(body, EsError):
                raise body
            status, payload = self._dispatch(self._authenticate(request, body))
        except EsError as error:
            status, payload, headers = error.status, error.body(), error.headers
        except UnsupportedQueryError as exc:
            status, payload = 400, EsError(400, "parsing_exception", str(exc)).body()
        headers = {**headers, "X-Elastic-Product": "Elasticsearch"}
        headers["Content-Type"] = (
            "application/json"
            if compat is None
            else f"application/vnd.elasticsearch+json;compatible-with={compat}"
        )
        if request.method == "HEAD":
            return web.Response(status=status, headers=headers)
        return web.Response(status=status, body=orjson.dumps(payload), headers=headers)

    def _take_fault(self, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.applies(path):
                fault.consume()
                return fault
        return None

    def _compat_version(self, request: web.Request) -> int | None:
        """The requested ``compatible-with`` version, checked like Elasticsearch checks it."""
        versions: dict[str, int] = {}
        for header in ("Accept", "Content-Type"):
            found = _COMPAT.search(request.headers.get(header, ""))
            if found:
                versions[header] = int(found.group(1))
        for header, wanted in versions.items():
            if wanted not in (self.major, self.major - 1):
                raise EsError(
                    400,
                    "media_type_header_exception",
                    f"{header} version must be either version {self.major} or "
                    f"{self.major - 1}, but found {wanted}. "
                    f"{header}={request.headers.get(header)}",
                )
        if len(set(versions.values())) > 1:
            raise EsError(
                400,
                "media_type_header_exception",
                "A compatible version is required on both Content-Type and Accept headers if "
                "either one has requested a compatible version and the compatible versions "
                "must match.",
            )
        return next(iter(versions.values()), None)

    def _authenticate(self, request: web.Request, body: Any) -> _Call:
        principal, roles = "elastic", ["superuser"]
        if self.api_keys or self.users:
            principal, roles = self._check_credentials(request)
        return _Call(request.method, request.path, dict(request.query), body, principal, roles, {})

    def _check_credentials(self, request: web.Request) -> tuple[str, list[str]]:
        header = request.headers.get("Authorization", "")
        if not header:
            raise EsError(
                401,
                "security_exception",
                f"missing authentication credentials for REST request [{request.path}]",
                headers=_CHALLENGE,
            )
        scheme, _, value = header.partition(" ")
        if scheme == "ApiKey" and value in self.api_keys:
            return API_KEY_PRINCIPAL, ["logwarden_test"]
        user = "unknown"
        if scheme == "Basic":
            user, _, password = base64.b64decode(value).decode("utf-8", "replace").partition(":")
            if self.users.get(user) == password:
                return user, ["logwarden_test"]
        raise EsError(
            401,
            "security_exception",
            f"unable to authenticate user [{user}] for REST request [{request.path}]",
            headers=_CHALLENGE,
        )

    def _dispatch(self, call: _Call) -> tuple[int, Any]:
        other_method = False
        for methods, pattern, handler_name in _ROUTES:
            match = pattern.match(call.path)
            if not match:
                continue
            if call.method not in methods:
                other_method = True
                continue
            call.parts = {k: v for k, v in match.groupdict().items() if v is not None}
            handler: _Handler = getattr(type(self), handler_name)
            with self._lock:
                return handler(self, call)
        if other_method:
            raise EsError(405, "method_not_allowed", f"Incorrect HTTP method for uri [{call.path}]")
        raise EsError(
            400,
            "illegal_argument_exception",
            f"no handler found for uri [{call.path}] and method [{call.method}] "
            "(not interpreted by the Elasticsearch test double)",
        )

    # ------------------------------------------------------------------ privileges
    def _require_cluster(self, call: _Call, action: str, *privileges: str) -> None:
        if any(_has_privilege(self.cluster_privileges, p, CLUSTER_IMPLIES) for p in privileges):
            return
        raise EsError(
            403,
            "security_exception",
            f"action [{action}] is unauthorized for user [{call.principal}] with effective "
            f"roles [{','.join(call.roles)}], this action is granted by the cluster "
            f"privileges [{','.join([*privileges, 'manage', 'all'])}]",
        )

    def _index_privileges_for(self, name: str) -> set[str]:
        granted: set[str] = set()
        for pattern, privileges in self.index_privileges.items():
            if fnmatch.fnmatchcase(name, pattern):
                granted |= privileges
        return granted

    def _authorizer(self, call: _Call) -> Callable[[str, str, tuple[str, ...]], None]:
        def authorize(name: str, action: str, privileges: tuple[str, ...]) -> None:
            if (name, privileges) in call.authorized:
                return
            granted = self._index_privileges_for(name)
            if any(_has_privilege(granted, p, INDEX_IMPLIES) for p in privileges):
                call.authorized.add((name, privileges))
                return
            raise EsError(
                403,
                "security_exception",
                f"action [{action}] is unauthorized for user [{call.principal}] with effective "
                f"roles [{','.join(call.roles)}] on indices [{name}], this action is granted "
                f"by the index privileges [{','.join([*privileges, 'all'])}]",
            )

        return authorize

    # ------------------------------------------------------------------ cluster and security
    @_route("GET HEAD", "")
    def _info(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(call, "cluster:monitor/main", "monitor")
        return 200, {
            "name": "es-test-double",
            "cluster_name": self.cluster_name,
            "cluster_uuid": "logwarden-test-cluster-uuid",
            "version": {
                "number": self.version,
                "build_flavor": "serverless" if self.serverless else "default",
                "build_type": "docker",
                "build_hash": "0" * 40,
                "build_date": "2025-01-01T00:00:00.000Z",
                "build_snapshot": False,
                "lucene_version": "10.1.0",
                "minimum_wire_compatibility_version": f"{self.major - 1}.18.0",
                "minimum_index_compatibility_version": f"{self.major - 1}.0.0",
            },
            "tagline": "You Know, for Search",
        }

    @_route("GET", "/_cluster/health")
    def _health(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(call, "cluster:monitor/health", "monitor")
        return 200, {"cluster_name": self.cluster_name, "status": "green", "number_of_nodes": 1}

    @_route("GET", "/_security/_authenticate")
    def _authenticate_api(self, call: _Call) -> tuple[int, Any]:
        by_key = call.principal == API_KEY_PRINCIPAL
        realm = (
            {"name": "_es_api_key", "type": "_es_api_key"}
            if by_key
            else {
                "name": "default_native",
                "type": "native",
            }
        )
        answer: dict[str, Any] = {
            "username": call.principal,
            "roles": call.roles,
            "enabled": True,
            "authentication_type": "api_key" if by_key else "realm",
            "authentication_realm": realm,
        }
        if by_key:
            answer["api_key"] = {"id": "logwarden-test-key", "name": "logwarden"}
        return 200, answer

    @_route("GET POST", "/_security/user/_has_privileges")
    def _has_privileges(self, call: _Call) -> tuple[int, Any]:
        body = call.body or {}
        cluster = {
            p: _has_privilege(self.cluster_privileges, p, CLUSTER_IMPLIES)
            for p in body.get("cluster", [])
        }
        indices: dict[str, dict[str, bool]] = {}
        for entry in body.get("index", []):
            for name in as_list(entry.get("names")):
                granted = self._index_privileges_for(name)
                indices.setdefault(name, {}).update(
                    {p: _has_privilege(granted, p, INDEX_IMPLIES) for p in entry["privileges"]}
                )
        answers = [*cluster.values(), *(v for i in indices.values() for v in i.values())]
        return 200, {
            "username": call.principal,
            "has_all_requested": all(answers),
            "cluster": cluster,
            "index": indices,
            "application": {},
        }

    # ------------------------------------------------------------------ templates and ILM
    @_route("PUT POST", "/_component_template/(?P<name>[^/]+)")
    def _put_component_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(
            call, "cluster:admin/component_template/put", "manage_index_templates"
        )
        self.store.put_component_template(
            call.parts["name"], call.body or {}, create=call.params.get("create") == "true"
        )
        return 200, {"acknowledged": True}

    @_route("PUT POST", "/_index_template/(?P<name>[^/]+)")
    def _put_index_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(call, "indices:admin/index_template/put", "manage_index_templates")
        self.store.put_index_template(
            call.parts["name"], call.body or {}, create=call.params.get("create") == "true"
        )
        return 200, {"acknowledged": True}

    @_route("GET HEAD", "/_index_template(?:/(?P<name>[^/]+))?")
    def _get_index_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(
            call, "indices:admin/index_template/get", "manage_index_templates", "monitor"
        )
        found = self.store.named(self.index_templates, call.parts.get("name"), "index template")
        return 200, {"index_templates": [{"name": n, "index_template": b} for n, b in found]}

    @_route("GET HEAD", "/_component_template(?:/(?P<name>[^/]+))?")
    def _get_component_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(
            call, "cluster:admin/component_template/get", "manage_index_templates", "monitor"
        )
        found = self.store.named(
            self.component_templates, call.parts.get("name"), "component template"
        )
        return 200, {
            "component_templates": [{"name": n, "component_template": b} for n, b in found]
        }

    @_route("DELETE", "/_index_template/(?P<name>[^/]+)")
    def _delete_index_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(call, "indices:admin/index_template/delete", "manage_index_templates")
        for name, _ in self.store.named(self.index_templates, call.parts["name"], "index template"):
            del self.index_templates[name]
        return 200, {"acknowledged": True}

    @_route("DELETE", "/_component_template/(?P<name>[^/]+)")
    def _delete_component_template(self, call: _Call) -> tuple[int, Any]:
        self._require_cluster(
            call, "cluster:admin/component_template/delete", "manage_index_templates"
        )
        found = self.store.named(self.component_templates, call.parts["name"], "component template")
        for name, _ in found:
            del self.component_templates[name]
        return 200, {"acknowledged": True}

    def _require_ilm_api(self, call: _Call) -> None:
        if self.serverless:
            raise EsError(
                410,
                "api_not_available_exception",
                f"Request for uri [{call.path}] with method [{call.method}] exists but is not "
                "available when running in serverless mode",
            )

    @_route("PUT", "/_ilm/policy/(?P<name>[^/]+)")
    def _put_ilm_policy(self, call: _Call) -> tuple[int, Any]:
        self._require_ilm_api(call)
        self._require_cluster(call, "cluster:admin/ilm/put", "manage_ilm")
        self.store.put_ilm_policy(call.parts["name"], call.body)
        return 200, {"acknowledged": True}

    @_route("GET", "/_ilm/policy(?:/(?P<name>[^/]+))?")
    def _get_ilm_policy(self, call: _Call) -> tuple[int, Any]:
        self._require_ilm_api(call)
        self._require_cluster(call, "cluster:admin/ilm/get", "read_ilm")
        name = call.parts.get("name")
        names = [name] if name else sorted(self.ilm_policies)
        in_use: dict[str, list[str]] = {
            "indices": [],
            "data_streams": [],
            "composable_templates": [],
        }
        return 200, {n: {**self.store.ilm_policy(n), "in_use_by": in_use} for n in names}

    @_route("DELETE", "/_ilm/policy/(?P<name>[^/]+)")
    def _delete_ilm_policy(self, call: _Call) -> tuple[int, Any]:
        self._require_ilm_api(call)
        self._require_cluster(call, "cluster:admin/ilm/delete", "manage_ilm")
        self.store.ilm_policy(call.parts["name"])
        del self.ilm_policies[call.parts["name"]]
        return 200, {"acknowledged": True}

    # ------------------------------------------------------------------ indices and data streams
    @_route("PUT", "/_data_stream/(?P<name>[^/]+)")
    def _create_data_stream(self, call: _Call) -> tuple[int, Any]:
        name = call.parts["name"]
        self._authorizer(call)(name, "indices:admin/data_stream/create", ("create_index",))
        self.store.create_index(name, None, data_stream=True)
        return 200, {"acknowledged": True}

    @_route("GET", "/_data_stream(?:/(?P<name>[^/]+))?")
    def _get_data_stream(self, call: _Call) -> tuple[int, Any]:
        pattern = call.parts.get("name", "*")
        streams = sorted(
            (
                i
                for i in self.indices.values()
                if i.data_stream and fnmatch.fnmatchcase(i.name, pattern)
            ),
            key=lambda s: s.name,
        )
        if not streams and "*" not in pattern:
            raise EsError(404, "index_not_found_exception", f"no such index [{pattern}]")
        return 200, {
            "data_streams": [
                {
                    "name": s.name,
                    "timestamp_field": {"name": "@timestamp"},
                    "indices": [{"index_name": s.backing_index, "index_uuid": s.backing_index}],
                    "generation": 1,
                    "status": "GREEN",
                    "template": s.template,
                    "ilm_policy": s.settings.get("index", {}).get("lifecycle", {}).get("name"),
                    "hidden": False,
                    "system": False,
                }
                for s in streams
            ]
        }

    @_route("DELETE", "/_data_stream/(?P<name>[^/]+)")
    def _delete_data_stream(self, call: _Call) -> tuple[int, Any]:
        for index in self.store.resolve(call.parts["name"]):
            self._authorizer(call)(
                index.name, "indices:admin/data_stream/delete", ("delete_index",)
            )
            del self.indices[index.name]
        return 200, {"acknowledged": True}

    @_route("PUT", "/(?P<index>[^_/][^/]*)")
    def _put_index(self, call: _Call) -> tuple[int, Any]:
        name = call.parts["index"]
        self._authorizer(call)(name, "indices:admin/create", ("create_index",))
        self.store.create_index(name, call.body, data_stream=False)
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    @_route("HEAD GET", "/(?P<index>[^_/][^/]*)")
    def _get_index(self, call: _Call) -> tuple[int, Any]:
        indices = self.store.resolve(call.parts["index"])
        for index in indices:
            self._authorizer(call)(index.name, "indices:admin/get", ("view_index_metadata",))
        return 200, {
            i.backing_index: {
                "aliases": {},
                "mappings": i.mappings,
                "settings": i.settings,
                **({"data_stream": i.name} if i.data_stream else {}),
            }
            for i in indices
        }

    @_route("DELETE", "/(?P<index>[^_/][^/]*)")
    def _delete_index(self, call: _Call) -> tuple[int, Any]:
        for index in self.store.resolve(call.parts["index"]):
            if index.data_stream:
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"index [{index.name}] is a data stream; use the data stream API",
                )
            self._authorizer(call)(index.name, "indices:admin/delete", ("delete_index",))
            del self.indices[index.name]
        return 200, {"acknowledged": True}

    @_route("GET", "/(?P<index>[^/]+)/_mapping")
    def _get_mapping(self, call: _Call) -> tuple[int, Any]:
        indices = self.store.resolve(call.parts["index"])
        for index in indices:
            self._authorizer(call)(
                index.name, "indices:admin/mappings/get", ("view_index_metadata",)
            )
        return 200, {i.backing_index: {"mappings": i.mappings} for i in indices}

    @_route("PUT POST", "/(?P<index>[^/]+)/_mapping")
    def _put_mapping(self, call: _Call) -> tuple[int, Any]:
        for index in self.store.resolve(call.parts["index"]):
            self._authorizer(call)(index.name, "indices:admin/mapping/put", ("manage",))
            self.store.put_mapping(index, call.body or {})
        return 200, {"acknowledged": True}

    @_route("POST GET", "(?:/(?P<index>[^/]+))?/_refresh")
    def _refresh(self, call: _Call) -> tuple[int, Any]:
        indices = self.store.resolve(call.parts.get("index", "_all"))
        for index in indices:
            self._authorizer(call)(index.name, "indices:admin/refresh", ("maintenance",))
        self.store.refresh(indices)
        return 200, {"_shards": {"total": len(indices), "successful": len(indices), "failed": 0}}

    # ------------------------------------------------------------------ documents
    @_route("PUT POST", "(?:/(?P<index>[^/]+))?/_bulk")
    def _bulk(self, call: _Call) -> tuple[int, Any]:
        lines = call.body if isinstance(call.body, list) else []
        if not lines:
            raise EsError(
                400,
                "action_request_validation_exception",
                "Validation Failed: 1: no requests added;",
            )
        items: list[dict[str, Any]] = []
        position = 0
        while position < len(lines):
            action = lines[position]
            position += 1
            if not isinstance(action, dict) or len(action) != 1:
                raise EsError(
                    400,
                    "illegal_argument_exception",
                    f"Malformed action/metadata line [{position}]",
                )
            op, meta = next(iter(action.items()))
            source = None
            if op in ("index", "create", "update"):
                if position >= len(lines):
                    raise EsError(
                        400,
                        "illegal_argument_exception",
                        "The bulk request must be terminated by a newline [\\n]",
                    )
                source = lines[position]
                position += 1
            target = meta.get("_index") or call.parts.get("index", "")
            try:
                item = self._write(call, op, target, meta.get("_id"), source, bulk=True)
            except EsError as error:
                item = {
                    "_index": target,
                    "_id": meta.get("_id"),
                    "status": error.status,
                    "error": error.cause(),
                }
            items.append({op: item})
        errors = any("error" in item for entry in items for item in entry.values())
        return 200, {"errors": errors, "took": 1, "items": items}

    def _write(
        self, call: _Call, op: str, target: str, doc_id: str | None, source: Any, *, bulk: bool
    ) -> dict[str, Any]:
        if op not in ("index", "create", "update", "delete"):
            raise EsError(
                400,
                "illegal_argument_exception",
                f"Malformed action/metadata line, expected one of [create, delete, index, "
                f"update] but found [{op}]",
            )
        if not target:
            raise EsError(
                400,
                "action_request_validation_exception",
                "Validation Failed: 1: index is missing;",
            )
        authorize = self._authorizer(call)
        index = self.store.write_target(target, op, authorize)
        privileges = {"delete": ("delete",), "create": ("create_doc",)}.get(op, ("index",))
        authorize(index.name, "indices:data/write/bulk[s]", privileges)
        if op != "delete" and bulk and self._item_rejections_left > 0:
            self._item_rejections_left -= 1
            raise _error_for_status(self._item_rejection_status, target)
        for rejection in self._document_rejections:
            if op != "delete" and rejection.applies(doc_id, source):
                raise rejection.error
        visible = self.realtime_search or call.params.get("refresh") in ("true", "wait_for", "")
        return self.store.write(index, op, doc_id, source, visible=visible)

    @_route("PUT POST", "/(?P<index>[^/]+)/_doc(?:/(?P<id>[^/]+))?")
    def _index_doc(self, call: _Call) -> tuple[int, Any]:
        op = call.params.get("op_type", "index")
        parts = call.parts
        return _without_status(
            self._write(call, op, parts["index"], parts.get("id"), call.body, bulk=False)
        )

    @_route("PUT POST", "/(?P<index>[^/]+)/_create/(?P<id>[^/]+)")
    def _create_doc(self, call: _Call) -> tuple[int, Any]:
        parts = call.parts
        return _without_status(
            self._write(call, "create", parts["index"], parts["id"], call.body, bulk=False)
        )

    @_route("DELETE", "/(?P<index>[^/]+)/_doc/(?P<id>[^/]+)")
    def _delete_doc(self, call: _Call) -> tuple[int, Any]:
        parts = call.parts
        return _without_status(
            self._write(call, "delete", parts["index"], parts["id"], None, bulk=False)
        )

    @_route("GET HEAD", "/(?P<index>[^/]+)/_doc/(?P<id>[^/]+)")
    def _get_doc(self, call: _Call) -> tuple[int, Any]:
        target, doc_id = call.parts["index"], call.parts["id"]
        for index in self.store.resolve(target):
            self._authorizer(call)(index.name, "indices:data/read/get", ("read",))
            doc = index.docs.get(doc_id)
            if doc is not None:
                return 200, {
                    "_index": index.backing_index,
                    "_id": doc_id,
                    "_version": doc.version,
                    "_seq_no": doc.seq_no,
                    "_primary_term": 1,
                    "found": True,
                    "_source": doc.source,
                }
        return 404, {"_index": target, "_id": doc_id, "found": False}

    # ------------------------------------------------------------------ search
    def _readable(self, call: _Call, expression: str) -> list[IndexState]:
        allow_missing = call.params.get("ignore_unavailable") == "true"
        indices = self.store.resolve(expression, allow_missing=allow_missing)
        for index in indices:
            self._authorizer(call)(index.name, "indices:data/read/search", ("read",))
        return indices

    @_route("POST", "/(?P<index>[^/]+)/_pit")
    def _open_pit(self, call: _Call) -> tuple[int, Any]:
        if "keep_alive" not in call.params:
            raise EsError(
                400,
                "action_request_validation_exception",
                "Validation Failed: 1: [keep_alive] is not specified;",
            )
        candidates = visible_candidates(self._readable(call, call.parts["index"]))
        pit_id = self.contexts.open_pit(candidates)
        return 200, {"id": pit_id, "_shards": {"total": 1, "successful": 1, "failed": 0}}

    @_route("DELETE", "/_pit")
    def _close_pit(self, call: _Call) -> tuple[int, Any]:
        freed = self.contexts.close_pit((call.body or {}).get("id", ""))
        return 200, {"succeeded": True, "num_freed": int(freed)}

    @_route("GET POST", "(?:/(?P<index>[^/]+))?/_search")
    def _search(self, call: _Call) -> tuple[int, Any]:
        body = call.body or {}
        pit = body.get("pit")
        if pit is not None and "index" in call.parts:
            raise EsError(
                400,
                "action_request_validation_exception",
                "Validation Failed: 1: [indices] cannot be used with point in time. Do not "
                "specify any index with point in time.;",
            )
        if pit is not None:
            candidates = self.contexts.pit(pit.get("id", ""))
        else:
            candidates = visible_candidates(self._readable(call, call.parts.get("index", "_all")))
        return 200, self.contexts.search(candidates, body, call.params)

    @_route("POST GET", "/_search/scroll(?:/(?P<scroll_id>[^/]+))?")
    def _scroll(self, call: _Call) -> tuple[int, Any]:
        scroll_id = call.parts.get("scroll_id") or (call.body or {}).get("scroll_id", "")
        return 200, self.contexts.next_scroll_page(scroll_id)

    @_route("DELETE", "/_search/scroll(?:/(?P<scroll_id>[^/]+))?")
    def _clear_scroll(self, call: _Call) -> tuple[int, Any]:
        ids = as_list(call.parts.get("scroll_id") or (call.body or {}).get("scroll_id"))
        return 200, {"succeeded": True, "num_freed": self.contexts.clear_scrolls(ids)}

    @_route("GET POST", "(?:/(?P<index>[^/]+))?/_count")
    def _count(self, call: _Call) -> tuple[int, Any]:
        candidates = visible_candidates(self._readable(call, call.parts.get("index", "_all")))
        query = {"query": (call.body or {}).get("query"), "size": 0, "track_total_hits": True}
        found = self.contexts.search(candidates, query, {})
        return 200, {
            "count": found["hits"]["total"]["value"],
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        }
