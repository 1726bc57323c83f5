"""A TF-IDF linear model scored with numpy only (no scikit-learn at serving time).

It reproduces scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` with the
default ``l2`` norm and word token pattern, followed by ``X @ W + b``. The baseline exports to it,
and the hybrid student adds its scores to the transformer's logits.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
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
        self._index = {term: i for i, term in enumerate(self.terms)}
        self._weights32 = self.weights.astype(np.float32)

    def _term_counts(self, text: str) -> Counter[int]:
        words = _TOKENS.findall(text.lower())
        index = self._index
        grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        return Counter(index[g] for g in grams if g in index)

    def decision(self, texts: list[str]) -> np.ndarray:
        """Linear scores, shape (n, n_classes), equal to scikit-learn's ``decision_function``.

        The whole batch is one flat (row, term, count) list so numpy does the arithmetic in a
        handful of vector operations instead of several small calls per text.
        """
        rows: list[int] = []
        ids: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            for term, count in self._term_counts(text).items():
                rows.append(row)
                ids.append(term)
                counts.append(count)
        out = np.tile(self.bias.astype(np.float32), (len(texts), 1))
        if not ids:
            return out
        row_index = np.asarray(rows, dtype=np.int64)
        term_index = np.asarray(ids, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[term_index]
        norms = np.sqrt(np.bincount(row_index, weights=values * values, minlength=len(texts)))
        values = values / norms[row_index]
        contributions = values[:, None] * self._weights32[term_index]
        np.add.at(out, row_index, contributions.astype(np.float32))
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
