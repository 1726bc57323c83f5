"""Secret masking applied to every raw line before it is parsed, stored or classified.

Each secret shape is one :class:`_Rule`: cheap lower-case substring hints that every
instance contains, a compiled pattern, and a replacement that keeps the surrounding
structure (the key, the URL user, the quotes) so the line still parses and the analyst sees
*where* a secret leaked. One Aho-Corasick pass finds which rules' hints occur; most lines
contain none, so they cost that pass only.
The secret itself never leaves this module: only the masked text and a count do.

Shapes: private key blocks, passwords in URLs, ``Bearer``/``Basic``/``Token`` credentials,
JWTs, AWS access key ids (``AKIA``/``ASIA``), common API keys (GitHub, GitLab, Slack,
Stripe, Google, OpenAI, npm) and ``key=value`` / ``key: value`` / ``"key": "value"`` pairs
whose key names a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

MASK = "********"


Apply = Callable[[str], tuple[str, int]]


@dataclass(frozen=True)
class _Rule:
    hints: tuple[str, ...]  # case-sensitive substrings of the raw text
    lower_hints: tuple[str, ...]  # substrings of the lower-cased text
    apply: Apply


def _substitute(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
    gate: re.Pattern[str] | None = None,
) -> Apply:
    """A rule body that replaces each match of ``pattern`` and counts the replacements.

    ``gate`` is a fast literal-led search for a piece every match contains: when it finds
    nothing, the slower scan of ``pattern`` is skipped.
    """

    def apply(text: str) -> tuple[str, int]:
        if gate is not None and gate.search(text) is None:
            return text, 0
        count = 0

        def counted(match: re.Match[str]) -> str:
            nonlocal count
            replacement = replace(match)
            if replacement != match.group(0):  # an already masked secret is not counted again
                count += 1
            return replacement

        return pattern.sub(counted, text), count

    return apply


def _whole(_match: re.Match[str]) -> str:
    return MASK


def _keep_prefix(match: re.Match[str]) -> str:
    return match.group(1) + MASK


def _pem(match: re.Match[str]) -> str:
    kind = match.group(1)
    return f"-----BEGIN {kind}-----{MASK}-----END {kind}-----"


_SECRET_KEY = re.compile(
    r"password|passwd|passphrase|secret|token(?!s)|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|credential|session[_-]?id|sessid"
)
# Only the key and separator are consumed; the value sits in a lookahead, so the scan also
# looks inside values of harmless keys ("url=https://...?token=x"). "(name:" is PAM's
# service:type notation ("pam_unix(passwd:chauthtok)"), not a key. A value opening an object
# or array is none: its own pairs are scanned ("ExternalSecret":{"name":...} stays JSON), but
# a password scheme's braces are part of the value (Dovecot's "password={PLAIN}hunter2").
_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)[\"']?\s*([=:])\s*"
    r"(?=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?![{\[]\s*[\"{\[\]}])(?:\{[\w.-]+\})?[^\s&,;\"'}\]]+))"
)


# A secret word, the rest of its key and the separator: every masked pair contains one, so
# lines with "password" or "session" in prose skip the scan of every key=value pair.
_SECRET_PAIR = re.compile(r"(?:pass|secret|token|key|credential|sess)[a-z0-9_.-]*[\"']?\s*[=:]")


def _key_values(text: str) -> tuple[str, int]:
    """Mask the values of ``key=value`` pairs whose key names a secret."""
    if _SECRET_PAIR.search(text.lower()) is None:
        return text, 0
    pieces: list[str] = []
    done = count = 0
    for match in _KEY_VALUE.finditer(text):
        start = match.end()
        if start < done or _SECRET_KEY.search(match.group(1).lower()) is None:
            continue
        if match.group(2) == ":" and text[match.start() - 1 : match.start()] == "(":
            continue
        value = match.group(3)
        quote = value[0] if value[0] in "\"'" and len(value) > 1 else ""
        if value.strip(quote) == MASK:
            continue
        pieces += (text[done:start], quote, MASK, quote)
        done = start + len(value)
        count += 1
    if not count:
        return text, 0
    pieces.append(text[done:])
    return "".join(pieces), count


_RULES: tuple[_Rule, ...] = (
    _Rule(
        ("-----BEGIN",),
        (),
        _substitute(
            re.compile(
                r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)", re.DOTALL
            ),
            _pem,
        ),
    ),
    _Rule(
        ("://",),
        (),
        _substitute(
            re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s:/@\"'<>]+:)[^\s@/\"'<>]+(?=@)"),
            _keep_prefix,
            re.compile(r"://[^\s:/@\"'<>]+:[^\s@/\"'<>]+@"),
        ),
    ),
    _Rule(
        (),
        ("bearer", "basic", "token"),
        _substitute(
            re.compile(
                r"(\b(?i:bearer|basic|token)\s+)(?=[A-Za-z0-9._~+/-]{8,})[A-Za-z0-9._~+/-]+=*"
            ),
            _keep_prefix,
        ),
    ),
    _Rule(
        ("eyJ",),
        (),
        _substitute(
            re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), _whole
        ),
    ),
    _Rule(
        ("AKIA", "ASIA"),
        (),
        _substitute(re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), _whole),
    ),
    _Rule(
        (
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "ghr_",
            "github_pat_",
            "glpat-",
            "xox",
            "k_live_",
            "k_test_",
            "AIza",
            "sk-",
            "npm_",
        ),
        (),
        _substitute(
            re.compile(
                r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}"
                r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
                r"|AIza[0-9A-Za-z_-]{35}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})"
            ),
            _whole,
        ),
    ),
    _Rule(  # last, so URLs and tokens inside values are already masked
        (), ("pass", "secret", "token", "key", "credential", "sess"), _key_values
    ),
)


def _hint_automaton() -> ahocorasick.Automaton:
    """Every rule's hints, lower-cased, in one Aho-Corasick automaton; a hint's value is the
    indices of the rules that have it."""
    rules_of: dict[str, set[int]] = {}
    for index, rule in enumerate(_RULES):
        for hint in (*rule.hints, *rule.lower_hints):
            rules_of.setdefault(hint.lower(), set()).add(index)
    automaton = ahocorasick.Automaton()
    for hint, indices in rules_of.items():
        automaton.add_word(hint, frozenset(indices))
    automaton.make_automaton()
    return automaton


# One pass over the lower-cased line finds the rules whose hints may occur (a case-sensitive
# hint occurs in the lower-cased line too, lower-cased). Most lines have none: they cost that
# pass. The rules found are then checked and applied in their order, exactly as declared.
_HINTED_RULES = _hint_automaton()


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every secret masked, and how many secrets were masked."""
    lowered = text.lower()
    candidates: set[int] = set()
    for _end, indices in _HINTED_RULES.iter(lowered):
        candidates |= indices
    if not candidates:
        return text, 0
    total = 0
    for index in sorted(candidates):
        rule = _RULES[index]
        for hint in rule.hints:
            if hint in text:
                break
        else:
            for hint in rule.lower_hints:
                if hint in lowered:
                    break
            else:
                continue
        text, count = rule.apply(text)
        total += count
    return text, total
