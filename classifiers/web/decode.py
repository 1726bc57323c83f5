"""Decode a request value the way the application behind the server will read it.

Scanners hide payloads behind encodings (``%2527`` is ``'`` URL-encoded twice, ``&lt;script``
an HTML entity, ``JyBPUiAxPTEtLQ==`` base64) that a detector reading the raw bytes misses, so
every value is judged in its decoded forms: URL-decoded until stable (at most three passes,
``+`` as space in query values), HTML entities resolved, and, where the whole value is
obviously base64 of printable text, that text too.
"""

from __future__ import annotations

import base64
import binascii
import html
import re

_URL_PASSES = 3
# Overlong UTF-8 for "." and "/" (IIS-era traversal): unquote would turn them into U+FFFD.
_OVERLONG = re.compile(r"%(?:c0%ae|e0%80%ae|c0%2e)|%(?:c0%af|e0%80%af|c1%9c)", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9_-]{16,}={0,2}")
_MIN_PRINTABLE = 0.95
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def percent_decoded(text: str, plus_is_space: bool = True) -> str:
    """One pass of URL decoding (invalid UTF-8 becomes U+FFFD). Written here rather than taken
    from ``urllib.parse``: classifiers import nothing from network packages (architecture test)."""
    if plus_is_space:
        text = text.replace("+", " ")
    raw = _PERCENT.sub(lambda m: bytes((int(m.group(1), 16),)), text.encode("utf-8", "replace"))
    return raw.decode("utf-8", "replace")


def percent_encoded(text: str, space: str = "%20") -> str:
    """``text`` URL-encoded as a browser sends a parameter value (``space``: ``+`` or ``%20``)."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in _UNRESERVED:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append(space)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _overlong(match: re.Match[str]) -> str:
    text = match.group(0).lower()
    return "." if text.endswith(("ae", "2e")) else "/"


def url_decoded(value: str, plus_is_space: bool = True) -> str:
    """``value`` URL-decoded until it stops changing (double and triple encoding included)."""
    text = _OVERLONG.sub(_overlong, value) if "%" in value else value
    for _ in range(_URL_PASSES):
        if "%" not in text and not (plus_is_space and "+" in text):
            break
        decoded = percent_decoded(text, plus_is_space)
        if decoded == text:
            break
        text = _OVERLONG.sub(_overlong, decoded) if "%" in decoded else decoded
    return text


def base64_text(value: str) -> str | None:
    """The text inside ``value`` when the whole value is base64 of printable text, else None
    (session tokens and hashes decode to bytes, not text, so they are not reported)."""
    if len(value) % 4 or _BASE64.fullmatch(value) is None:
        return None
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    text = raw.decode("utf-8", "replace")
    printable = sum(c.isprintable() or c in "\t\n\r" for c in text)
    return text if text and printable / len(text) >= _MIN_PRINTABLE else None


def decoded_forms(value: str, plus_is_space: bool = True) -> list[str]:
    """The distinct forms of ``value`` worth judging: URL-decoded, then HTML-unescaped, then
    (when obvious) base64-decoded."""
    text = url_decoded(value, plus_is_space)
    forms = [text]
    if "&" in text:
        unescaped = html.unescape(text)
        if unescaped != text:
            forms.append(unescaped)
    inner = base64_text(text)
    if inner is not None:
        forms.append(inner)
    return forms
