"""The classic baseline: TF-IDF word 1–2-grams (sublinear tf) with a linear classifier.

Every report shows the transformer beside it. Training uses scikit-learn; the fitted model can be
written as a :class:`~classifiers.sparse_linear.SparseLinearHead` so serving (and the hybrid
student) scores it with numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from classifiers.sparse_linear import TOKEN_PATTERN, SparseLinearHead

LinearKind = Literal["logreg", "svc"]


@dataclass
class TfidfBaseline:
    """A fitted TF-IDF vectoriser plus linear classifier."""

    vectorizer: Any
    classifier: Any
    kind: LinearKind

    def decision(self, texts: list[str]) -> np.ndarray:
        """Raw linear scores, shape (n, n_classes)."""
        scores = self.classifier.decision_function(self.vectorizer.transform(texts))
        return np.asarray(scores, dtype=np.float32)

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.decision(texts).argmax(axis=1)

    def to_head(self, label_names: list[str]) -> SparseLinearHead:
        """The same model as numpy arrays, for serving without scikit-learn."""
        vocabulary = self.vectorizer.vocabulary_
        terms = sorted(vocabulary, key=vocabulary.__getitem__)
        return SparseLinearHead(
            terms=terms,
            idf=np.asarray(self.vectorizer.idf_, dtype=np.float32),
            weights=np.asarray(self.classifier.coef_.T, dtype=np.float32),
            bias=np.asarray(self.classifier.intercept_, dtype=np.float32),
            label_names=label_names,
        )


def _make_vectorizer(min_df: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=min_df,
        token_pattern=TOKEN_PATTERN,
        lowercase=True,
        dtype=np.float32,
    )


def _make_classifier(kind: LinearKind, c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if kind == "svc":
        return LinearSVC(C=c, random_state=seed)
    return LogisticRegression(C=c, max_iter=300, random_state=seed)


def train_baseline(
    texts: list[str],
    labels: np.ndarray,
    kind: LinearKind = "logreg",
    *,
    c: float | None = None,
    min_df: int = 2,
    seed: int = 13,
) -> TfidfBaseline:
    """Fit TF-IDF + LogisticRegression (C=100 by default) or LinearSVC (C=0.5)."""
    strength = c if c is not None else (100.0 if kind == "logreg" else 0.5)
    vectorizer = _make_vectorizer(min_df)
    features = vectorizer.fit_transform(texts)
    classifier = _make_classifier(kind, strength, seed)
    classifier.fit(features, labels)
    return TfidfBaseline(vectorizer=vectorizer, classifier=classifier, kind=kind)


def out_of_fold_decision(
    texts: list[str],
    labels: np.ndarray,
    folds: int = 5,
    kind: LinearKind = "logreg",
    seed: int = 13,
) -> np.ndarray:
    """Scores for every training row from a model that never saw it (teacher ensembles)."""
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros((len(texts), int(labels.max()) + 1), dtype=np.float32)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_idx, held_idx in splitter.split(np.zeros(len(texts)), labels):
        model = train_baseline([texts[i] for i in fit_idx], labels[fit_idx], kind=kind, seed=seed)
        scores[held_idx] = model.decision([texts[i] for i in held_idx])
    return scores
