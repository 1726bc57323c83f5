"""Connect to Elasticsearch with the official client and explain what goes wrong, plainly.

Builds sync or async clients from plain values (URL, API key or basic auth, CA file or
verification off with a loud warning) and turns transport and API errors into typed errors
whose message tells an operator what to fix: wrong credentials, a missing privilege (named),
an unreachable cluster, or a cluster too old for this client.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    UnsupportedProductError,
)
from elasticsearch.serializer import OrjsonSerializer

log = logging.getLogger(__name__)

MINIMUM_VERSION = (8, 11)
"""Oldest Elasticsearch logwarden supports (data stream lifecycle, ECS 8.11 mappings)."""
CLIENT_VERSION = version("elasticsearch")
CLIENT_MAJOR = int(CLIENT_VERSION.split(".", 1)[0])
_GRANTED_BY = re.compile(r"granted by the (cluster|index) privileges \[([^\]]*)\]")
_ACTION = re.compile(r"action \[([^\]]+)\]")


class ClusterError(RuntimeError):
    """Elasticsearch (or Kibana) could not be used; the message says why and what to do."""


class CredentialsError(ClusterError):
    """The cluster rejected the credentials (HTTP 401)."""


class PrivilegeError(ClusterError):
    """The credentials lack a privilege; :attr:`missing` names them."""

    def __init__(self, message: str, missing: Sequence[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)


class UnreachableError(ClusterError):
    """Nothing answered at the URL (refused, timed out, TLS failure)."""


class NotElasticsearchError(ClusterError):
    """Something answered at the URL, but not Elasticsearch (a 404, another product)."""


class VersionError(ClusterError):
    """The cluster is older than logwarden or this client supports."""


@dataclass(frozen=True)
class ElasticsearchConnection:
    """How to reach Elasticsearch, as plain values (the worker, setup and export share it)."""

    url: str
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    verify_certs: bool = True
    request_timeout_s: float = 30.0


@dataclass(frozen=True)
class ClusterInfo:
    """What ``GET /`` said about the cluster."""

    version: str
    build_flavor: str
    cluster_name: str

    @property
    def serverless(self) -> bool:
        return self.build_flavor == "serverless"


def client_options(connection: ElasticsearchConnection, *, max_retries: int) -> dict[str, Any]:
    """Keyword arguments for ``Elasticsearch``/``AsyncElasticsearch`` from plain values."""
    options: dict[str, Any] = {
        # orjson reads the bulk responses (an item per document) several times faster.
        "serializer": OrjsonSerializer(),
        "request_timeout": connection.request_timeout_s,
        "max_retries": max_retries,
        "retry_on_timeout": max_retries > 0,
    }
    if connection.api_key:
        options["api_key"] = connection.api_key
    elif connection.username:
        options["basic_auth"] = (connection.username, connection.password or "")
    if connection.ca_file:
        options["ca_certs"] = connection.ca_file
    if not connection.verify_certs:
        message = (
            f"TLS certificate verification is OFF for {connection.url}: anyone on the network "
            "path can read and change what logwarden sends. Set a CA file "
            "(LOGWARDEN_ELASTICSEARCH_CA_FILE) instead in production."
        )
        log.warning(message)
        warnings.warn(message, stacklevel=3)
        options["verify_certs"] = False
        options["ssl_show_warn"] = False
    return options


def build_client(connection: ElasticsearchConnection, *, max_retries: int = 2) -> Elasticsearch:
    """A synchronous client (setup and export run once, from the command line)."""
    return Elasticsearch(connection.url, **client_options(connection, max_retries=max_retries))


def build_async_client(
    connection: ElasticsearchConnection, *, max_retries: int = 0
) -> AsyncElasticsearch:
    """An async client for the worker (its sink does its own retries)."""
    return AsyncElasticsearch(connection.url, **client_options(connection, max_retries=max_retries))


def missing_privileges_from(reason: str) -> list[str]:
    """The privileges an Elasticsearch 403 reason says would grant the refused action."""
    found = _GRANTED_BY.search(reason)
    if not found:
        return []
    return [p.strip() for p in found.group(2).split(",") if p.strip()]


@contextmanager
def explained_errors(url: str) -> Iterator[None]:
    """Re-raise client errors inside the block as :class:`ClusterError` subclasses."""
    try:
        yield
    except AuthenticationException as exc:
        raise CredentialsError(
            f"Elasticsearch at {url} rejected the credentials (HTTP 401). Check "
            "LOGWARDEN_ELASTICSEARCH_API_KEY, or LOGWARDEN_ELASTICSEARCH_USERNAME and "
            "LOGWARDEN_ELASTICSEARCH_PASSWORD."
        ) from exc
    except AuthorizationException as exc:
        reason = _reason(exc)
        granting = missing_privileges_from(reason)
        action = _ACTION.search(reason)
        what = f"the action [{action.group(1)}]" if action else "this request"
        raise PrivilegeError(
            f"Elasticsearch at {url} refused {what} (HTTP 403): the credentials need one of "
            f"the privileges [{', '.join(granting) or 'unknown'}]. {reason}",
            granting[:1],
        ) from exc
    except TlsError as exc:
        raise UnreachableError(
            f"TLS handshake with {url} failed: {exc}. Point LOGWARDEN_ELASTICSEARCH_CA_FILE at "
            "the cluster's CA certificate."
        ) from exc
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise UnreachableError(
            f"cannot reach Elasticsearch at {url}: {exc}. Is the URL right and the cluster up?"
        ) from exc


def _answer(exc: ApiError) -> str:
    status = exc.meta.status if exc.meta is not None else "?"
    if isinstance(exc, UnsupportedProductError):
        return f"HTTP {status} without the X-Elastic-Product header"
    return f"HTTP {status}"


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, Mapping) else {}
    error = body.get("error")
    if isinstance(error, Mapping):
        return str(error.get("reason", exc.message))
    return str(exc.message)


def check_cluster(client: Elasticsearch, url: str) -> ClusterInfo:
    """``GET /`` with a version check; raises a :class:`ClusterError` with the fix."""
    with explained_errors(url):
        try:
            info: Mapping[str, Any] = client.info().body
        except BadRequestError as exc:
            if exc.error != "media_type_header_exception":
                raise
            raise _version_error(url, _older_version(client), too_new_client=True) from exc
        except (NotFoundError, UnsupportedProductError) as exc:
            raise NotElasticsearchError(
                f"{url} is not Elasticsearch ({_answer(exc)} for GET /): check "
                "LOGWARDEN_ELASTICSEARCH_URL (the cluster's own URL, not Kibana's or a proxy path)"
            ) from exc
    version = str(info["version"]["number"])
    parsed = _version_tuple(version)
    if parsed < MINIMUM_VERSION:
        raise _version_error(url, version, too_new_client=False)
    return ClusterInfo(
        version=version,
        build_flavor=str(info["version"].get("build_flavor", "default")),
        cluster_name=str(info.get("cluster_name", "")),
    )


def _older_version(client: Elasticsearch) -> str:
    """The version of a cluster that refused our media type, asked in the previous one's."""
    accept = f"application/vnd.elasticsearch+json; compatible-with={CLIENT_MAJOR - 1}"
    try:
        answer = client.perform_request("GET", "/", headers={"accept": accept})
    except ApiError:
        return f"a version before {CLIENT_MAJOR - 1}.x"
    return str(answer.body["version"]["number"])


def _version_tuple(version: str) -> tuple[int, int]:
    major, minor, *_ = (re.sub(r"\D.*", "", part) or "0" for part in version.split("."))
    return int(major), int(minor)


def _version_error(url: str, version: str, *, too_new_client: bool) -> VersionError:
    minimum = ".".join(str(p) for p in MINIMUM_VERSION)
    if too_new_client:
        return VersionError(
            f"Elasticsearch at {url} runs {version}, older than this client "
            f"(elasticsearch-py {CLIENT_VERSION}) can talk to. Upgrade the cluster, or install "
            f"the matching client: pip install 'elasticsearch[async]>=8.15,<{CLIENT_MAJOR}'."
        )
    return VersionError(
        f"Elasticsearch at {url} runs {version}; logwarden needs {minimum} or newer. "
        "Upgrade the cluster."
    )


def require_privileges(
    client: Elasticsearch,
    url: str,
    *,
    cluster: Sequence[str] = (),
    index: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Fail with every missing privilege named before anything is changed."""
    index_request = [
        {"names": [name], "privileges": list(privileges)}
        for name, privileges in (index or {}).items()
    ]
    with explained_errors(url):
        answer = client.security.has_privileges(cluster=list(cluster), index=index_request)
    if answer.get("has_all_requested"):
        return
    missing = [f"cluster:{p}" for p, ok in answer.get("cluster", {}).items() if not ok]
    for name, privileges in answer.get("index", {}).items():
        missing.extend(f"index:{p} on {name}" for p, ok in privileges.items() if not ok)
    raise PrivilegeError(
        f"the credentials for Elasticsearch at {url} (user "
        f"{answer.get('username', '?')}) lack: {', '.join(missing)}. Grant them to its role "
        "or API key.",
        missing,
    )
