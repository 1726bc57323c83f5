"""Import saved objects into Kibana through ``/api/saved_objects/_import``.

Space-aware (``/s/<space>/api/...`` for any space but ``default``), API-key or basic auth,
``overwrite=true`` so a re-import replaces our own objects in place. Errors come back as the
same typed errors the Elasticsearch connector raises, with a message saying what to fix.
"""

from __future__ import annotations

import ssl
import warnings
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from connectors.elasticsearch import (
    ClusterError,
    CredentialsError,
    PrivilegeError,
    UnreachableError,
)


@dataclass(frozen=True)
class KibanaConnection:
    """How to reach Kibana, as plain values."""

    url: str
    space: str = "default"
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    verify_certs: bool = True
    timeout_s: float = 60.0

    def api_url(self, path: str) -> str:
        """``path`` under the space's API prefix."""
        prefix = "" if self.space == "default" else f"/s/{self.space}"
        return f"{self.url.rstrip('/')}{prefix}{path}"

    def headers(self) -> dict[str, str]:
        headers = {"kbn-xsrf": "logwarden", "elastic-api-version": "2023-10-31"}
        if self.api_key:
            headers["Authorization"] = f"ApiKey {self.api_key}"
        return headers

    def auth(self) -> aiohttp.BasicAuth | None:
        if self.api_key or not self.username:
            return None
        return aiohttp.BasicAuth(self.username, self.password or "")

    def ssl_context(self) -> ssl.SSLContext | bool:
        if not self.verify_certs:
            warnings.warn(
                f"TLS certificate verification is OFF for Kibana at {self.url}: set a CA file "
                "instead in production.",
                stacklevel=2,
            )
            return False
        if self.ca_file:
            return ssl.create_default_context(cafile=self.ca_file)
        return True


@dataclass
class ImportReport:
    """What Kibana said about an import."""

    success: bool
    imported: list[tuple[str, str]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


async def import_saved_objects(
    connection: KibanaConnection, ndjson: str, *, overwrite: bool = True
) -> ImportReport:
    """POST the NDJSON as a multipart file; raises a :class:`ClusterError` on failure."""
    form = aiohttp.FormData()
    form.add_field(
        "file", ndjson.encode(), filename="logwarden.ndjson", content_type="application/ndjson"
    )
    url = connection.api_url("/api/saved_objects/_import")
    timeout = aiohttp.ClientTimeout(total=connection.timeout_s)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(
                url,
                params={"overwrite": "true" if overwrite else "false"},
                data=form,
                headers=connection.headers(),
                auth=connection.auth(),
                ssl=connection.ssl_context(),
            ) as response,
        ):
            body = await response.read()
            status = response.status
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        raise UnreachableError(
            f"cannot reach Kibana at {connection.url}: {exc}. Is the URL right and Kibana up?"
        ) from exc
    answer = _parse(body)
    if status != 200:
        raise _error(connection, status, answer)
    errors = list(answer.get("errors", []))
    imported = [(r["type"], r["id"]) for r in answer.get("successResults", [])]
    return ImportReport(success=bool(answer.get("success")), imported=imported, errors=errors)


def _parse(body: bytes) -> dict[str, Any]:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {"message": body.decode("utf-8", "replace")[:500]}
    return parsed if isinstance(parsed, dict) else {"message": str(parsed)}


def _error(connection: KibanaConnection, status: int, answer: dict[str, Any]) -> ClusterError:
    message = str(answer.get("message", ""))
    if status == 401:
        return CredentialsError(
            f"Kibana at {connection.url} rejected the credentials (HTTP 401): {message}. Check "
            "the API key or username and password."
        )
    if status == 403:
        return PrivilegeError(
            f"Kibana at {connection.url} refused the import into space '{connection.space}' "
            f"(HTTP 403): {message}. The user needs the 'All' privilege on Saved Objects "
            "Management (or Dashboards and Discover) in that space.",
            ["saved_objects_management:all"],
        )
    if status == 404:
        return ClusterError(
            f"Kibana at {connection.url} has no space '{connection.space}' (HTTP 404); create "
            "it or choose another with LOGWARDEN_KIBANA_SPACE."
        )
    return ClusterError(f"Kibana at {connection.url} failed the import (HTTP {status}): {message}")


async def install_saved_objects(connection: KibanaConnection, ndjson: str) -> ImportReport:
    """Import logwarden's saved objects; any per-object error fails with every error listed."""
    report = await import_saved_objects(connection, ndjson, overwrite=True)
    if not report.success:
        problems = "; ".join(
            f"{e.get('type')}:{e.get('id')} {e.get('error', {}).get('type')}" for e in report.errors
        )
        raise ClusterError(f"Kibana at {connection.url} refused some saved objects: {problems}")
    return report
