"""When a ticket model should not guess: too little content, a language it was not trained
on, or text unlike its training data; such tickets go to ``triage`` with the reason.

A softmax is confident on anything, including "it doesn't work" or a Spanish request to an
English model, so confidence thresholds alone auto-route them. These checks look at the text
itself: known words are the TF-IDF head's vocabulary (what the model saw in training), the
language comes from ``py3langid`` (an offline naive-Bayes identifier, ~1 ms a ticket, no
network, restricted to common languages so short English is not read as something exotic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

TriageReason = Literal["too_little_content", "unsupported_language", "unfamiliar_text"]

_WORDS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

#: Languages the identifier chooses among: the ones IT tickets are commonly written in.
CANDIDATE_LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "cs", "ro", "hu",
    "tr", "ru", "uk", "el", "bg", "hr", "sk", "sl", "ca", "id", "vi", "zh", "ja", "ko", "ar",
)  # fmt: skip

#: English function words: the shipped tickets had stop words removed, so these are absent
#: from its vocabulary and must not count as unfamiliar.
FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing don down during each few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours isn doesn didn won wasn aren hasn haven cannot""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class AbstentionPolicy:
    """Thresholds of the three checks, stored in the model's metadata (``abstention``)."""

    #: Fewest distinct known content words a ticket needs to be routed.
    min_known_words: int = 2
    #: Languages the model was trained on (ISO 639-1).
    languages: tuple[str, ...] = ("en",)
    #: A ticket counts as another language only when the identifier is at least this sure.
    min_language_probability: float = 0.9
    #: Fewest words before the language is judged (short texts fool any identifier).
    min_words_for_language: int = 3
    #: Largest share of unknown content words a routed ticket may have.
    max_unknown_share: float = 0.6

    @classmethod
    def from_metadata(cls, values: dict[str, Any]) -> AbstentionPolicy:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        if "languages" in known:
            known["languages"] = tuple(known["languages"])
        return cls(**known)

    def as_metadata(self) -> dict[str, Any]:
        return {**asdict(self), "languages": list(self.languages)}


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def identify_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text`` among :data:`CANDIDATE_LANGUAGES`."""
    language, probability = _identifier().classify(text)
    return str(language), float(probability)


def content_words(text: str) -> list[str]:
    """Lower-cased words of two letters or more, function words left out."""
    return [w for w in (m.lower() for m in _WORDS.findall(text)) if w not in FUNCTION_WORDS]


def triage_reason(
    text: str, vocabulary: frozenset[str] | set[str], policy: AbstentionPolicy
) -> TriageReason | None:
    """Why ``text`` should go to a person rather than be routed, or None."""
    words = content_words(text)
    all_words = _WORDS.findall(text)
    if len(all_words) >= policy.min_words_for_language:
        language, probability = identify_language(text)
        if language not in policy.languages and probability >= policy.min_language_probability:
            return "unsupported_language"
    known = [word for word in words if word in vocabulary]
    if len(set(known)) < policy.min_known_words:
        return "too_little_content"
    if 1 - len(known) / len(words) > policy.max_unknown_share:
        return "unfamiliar_text"
    return None


def training_languages(texts: Iterable[str], min_share: float = 0.05) -> dict[str, float]:
    """Share of each language among ``texts`` that reaches ``min_share`` (for data checks)."""
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        if len(_WORDS.findall(text)) < AbstentionPolicy.min_words_for_language:
            continue
        language, _ = identify_language(text)
        counts[language] = counts.get(language, 0) + 1
        total += 1
    shares = {lang: round(n / total, 4) for lang, n in counts.items()}
    return {k: v for k, v in sorted(shares.items(), key=lambda kv: -kv[1]) if v >= min_share}
