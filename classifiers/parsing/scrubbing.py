"""Secret masking applied to every raw line before it is parsed, stored or classified.

One compiled alternation finds every secret shape in a single pass; each hit is replaced
by :data:`MASK` keeping the surrounding structure (the key, the URL user, the quotes), so
the line still parses and the analyst still sees *where* a secret leaked. The secret
itself never leaves this module: only the masked text and a count do.

Shapes: private key blocks, passwords in URLs, ``Bearer``/``Basic``/``Token`` credentials,
JWTs, AWS access key ids, common API keys (GitHub, GitLab, Slack, Stripe, Google, OpenAI,
npm) and ``key=value`` / ``key: value`` / ``"key": "value"`` pairs whose key names a secret.
"""

from __future__ import annotations

import re

MASK = "********"

_SECRET_KEY = (
    r"[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey"
    r"|access[_-]?key|private[_-]?key|credentials?|session[_-]?id|sessid)[A-Za-z0-9_.-]*"
)

_PATTERN = re.compile(
    r"(?P<pem>-----BEGIN (?P<pem_kind>[A-Z ]*PRIVATE KEY)-----)(?s:.*?)"
    r"(?:-----END (?P=pem_kind)-----|$)"
    r"|(?P<url>\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s:/@\"'<>]+:)[^\s@/\"'<>]+(?=@)"
    r"|(?P<auth>\b(?i:bearer|basic|token)\s+)(?=[A-Za-z0-9._~+/-]{8,})[A-Za-z0-9._~+/-]+=*"
    r"|\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"
    r"|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b"
    r"|\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|AIza[0-9A-Za-z_-]{35}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})"
    r"|(?P<kv>(?i:" + _SECRET_KEY + r")[\"']?\s*[=:]\s*)"
    r"(?P<kv_value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s&,;\"'}\]]+)"
)


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["pem"]:
        kind = groups["pem_kind"]
        return f"-----BEGIN {kind}-----{MASK}-----END {kind}-----"
    if groups["url"]:
        return groups["url"] + MASK
    if groups["auth"]:
        return groups["auth"] + MASK
    if groups["kv"]:
        value = groups["kv_value"]
        quote = value[0] if value[0] in "\"'" and len(value) > 1 else ""
        return f"{groups['kv']}{quote}{MASK}{quote}"
    return MASK


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every secret masked, and how many secrets were masked."""
    count = 0

    def counted(match: re.Match[str]) -> str:
        nonlocal count
        replacement = _replace(match)
        if replacement == match.group(0):
            return replacement
        count += 1
        return replacement

    masked = _PATTERN.sub(counted, text)
    return masked, count
