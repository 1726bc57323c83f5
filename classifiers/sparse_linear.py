"""A TF-IDF linear model scored with numpy only (no scikit-learn at serving time).

It reproduces scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` with the
default ``l2`` norm and word token pattern, followed by ``X @ W + b``. The baseline exports to it,
and the hybrid student adds its scores to the transformer's logits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_TOKENS = re.compile(TOKEN_PATTERN)


@dataclass
class SparseLinearHead:
    """Vocabulary terms, their idf, and a linear layer (n_terms × n_classes)."""

    terms: list[str]
    idf: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    label_names: list[str]

    def __post_init__(self) -> None:
        self._weights32 = np.ascontiguousarray(self.weights, dtype=np.float32)
        self._bias32 = np.asarray(self.bias, dtype=np.float32)
        self._idf32 = np.asarray(self.idf, dtype=np.float32)
        # Terms as word ids: every word of any term gets an id; a unigram term is found by its
        # word id, a bigram by (first id * n_words + second id) in a sorted key array, so a
        # batch is looked up with one dict access per word and a few numpy operations.
        words: dict[str, int] = {}
        unigrams: dict[int, int] = {}
        bigram_keys: list[tuple[int, int, int]] = []
        for term_id, term in enumerate(self.terms):
            parts = [words.setdefault(word, len(words)) for word in term.split(" ")]
            if len(parts) == 1:
                unigrams[parts[0]] = term_id
            elif len(parts) == 2:
                bigram_keys.append((parts[0], parts[1], term_id))
        self._words = words
        n_words = max(1, len(words))
        self._unigram_term = np.full(n_words + 1, -1, dtype=np.int64)  # last slot: unknown
        for word_id, term_id in unigrams.items():
            self._unigram_term[word_id] = term_id
        keys = np.array([a * n_words + b for a, b, _ in bigram_keys], dtype=np.int64)
        order = np.argsort(keys)
        self._bigram_keys = keys[order]
        self._bigram_terms = np.array([t for _, _, t in bigram_keys], dtype=np.int64)[order]
        self._n_words = n_words

    def _row_terms(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, term id) of every unigram and bigram occurrence in the batch that is a term."""
        unknown = self._n_words
        get = self._words.get
        word_ids: list[int] = []
        rows: list[int] = []
        for row, text in enumerate(texts):
            found = [get(word, unknown) for word in _TOKENS.findall(text.lower())]
            word_ids.extend(found)
            rows.extend([row] * len(found))
        ids = np.asarray(word_ids, dtype=np.int64)
        row_of = np.asarray(rows, dtype=np.int64)
        unigram = self._unigram_term[ids]
        has_unigram = unigram >= 0
        pair_ok = (row_of[:-1] == row_of[1:]) & (ids[:-1] != unknown) & (ids[1:] != unknown)
        keys = ids[:-1][pair_ok] * self._n_words + ids[1:][pair_ok]
        slots = np.searchsorted(self._bigram_keys, keys)
        slots = np.minimum(slots, max(0, len(self._bigram_keys) - 1))
        if len(self._bigram_keys):
            has_bigram = self._bigram_keys[slots] == keys
        else:
            has_bigram = np.zeros(len(keys), dtype=bool)
        term_rows = np.concatenate([row_of[has_unigram], row_of[:-1][pair_ok][has_bigram]])
        terms = np.concatenate([unigram[has_unigram], self._bigram_terms[slots[has_bigram]]])
        return term_rows, terms

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores, shape (n, n_classes), equal to scikit-learn's ``decision_function``.

        Term counts come from one ``np.unique`` over (row, term) codes of the whole batch, and
        rows are summed with ``np.add.reduceat`` over the row-sorted terms.
        """
        out = np.tile(self._bias32, (len(texts), 1))
        term_rows, terms = self._row_terms(texts)
        if not len(terms):
            return out
        n_terms = len(self.terms)
        codes, counts = np.unique(term_rows * n_terms + terms, return_counts=True)
        rows, term_ids = np.divmod(codes, n_terms)
        values = (1.0 + np.log(counts.astype(np.float32))) * self._idf32[term_ids]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values = (values / norms[rows]).astype(np.float32)
        contributions = values[:, None] * self._weights32[term_ids]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] += np.add.reduceat(contributions, starts, axis=0)
        return out

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            terms=np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            label_names=np.frombuffer("\n".join(self.label_names).encode(), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: Path) -> SparseLinearHead:
        with np.load(path) as data:
            return cls(
                terms=data["terms"].tobytes().decode("utf-8").split("\n"),
                idf=data["idf"],
                weights=data["weights"],
                bias=data["bias"],
                label_names=data["label_names"].tobytes().decode("utf-8").split("\n"),
            )
