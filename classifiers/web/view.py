"""What the log model reads of a web access line: the line with ordinary parameter values masked.

Why: the model read raw URLs, and the only values it had seen in benign training lines were a
few numbers and search terms, so on real traffic any unfamiliar value (``id=gastn``,
``name=smith-ryg8@lingotes.com.br``, ``ref=pavn taracena``) read as an attack: 17-21% of
normal requests alerted. A value made only of letters, digits, spaces and the punctuation of
names, addresses, emails, dates and URLs cannot carry SQL, markup or shell syntax, so its
content is no evidence either way: it becomes ``<*>`` before the model (``id=<*>``). Values
with any other character stay visible (URL-decoded), and every value, masked or not, is still
judged after decoding by :mod:`classifiers.web.evidence`. Training reads the same view (through
``model_text``), so the model learns a request's shape, not its ordinary values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from classifiers.web.decode import url_decoded
from classifiers.web.rules import is_ordinary

PLACEHOLDER = "<*>"


def masked_query(query: str) -> str:
    """``query`` with each plain parameter value replaced by :data:`PLACEHOLDER` and the others
    URL-decoded (the model then reads ``'))`` however a scanner encoded it)."""
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if not (equals and value):
            parts.append(part)
            continue
        text = url_decoded(value)
        parts.append(f"{name}={PLACEHOLDER if is_ordinary(text) else text}")
    return "&".join(parts)


def masked_target(target: str) -> str:
    """A request target (``/path?query``) with its plain parameter values masked."""
    path, question, query = target.partition("?")
    return f"{path}?{masked_query(query)}" if question else target


def model_message(event: Mapping[str, Any], message: str) -> str:
    """``message`` with the query values of the request target and of the referrer masked,
    where ``event`` is a web request and they appear in it; otherwise ``message`` unchanged."""
    url = event.get("url")
    if not isinstance(url, Mapping):
        return message
    http = event.get("http")
    request = http.get("request") if isinstance(http, Mapping) else None
    referrer = request.get("referrer") if isinstance(request, Mapping) else None
    for target in (url.get("original"), referrer):
        if isinstance(target, str) and "?" in target and target in message:
            message = message.replace(target, masked_target(target), 1)
    return message
