"""Batch text classification with calibrated confidence and threshold routing.

``TextClassifier.classify(texts)`` tokenises with ``tokenizers``, runs the backend over
length buckets, adds the optional TF-IDF head (hybrid student), divides by the temperature fitted
on validation, and routes each text to its label's queue when the calibrated probability reaches
that label's threshold, otherwise to ``triage`` for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np

from classifiers.runtime.abstention import AbstentionPolicy, TriageReason, triage_reason
from classifiers.runtime.backends import LogitBackend, OnnxBackend
from classifiers.runtime.batching import encode, iter_padded, load_tokenizer
from classifiers.runtime.bundle import (
    ONNX_FILE,
    TOKENIZER_FILE,
    TRIAGE_QUEUE,
    ModelMetadata,
    require_file,
)
from classifiers.sparse_linear import SparseLinearHead

# Longer inputs are cut before tokenising: the model reads max_length tokens anyway and the
# longest training ticket is ~7k characters, so this only bounds the cost of hostile input.
MAX_TEXT_CHARS = 20_000
#: Fewest texts worth tokenising on a worker thread of their own.
MIN_ENCODE_CHUNK = 32

R = TypeVar("R")

Reason = Literal["confident", "below_threshold", "empty_text"] | TriageReason


class InvalidTextError(TypeError):
    """The input is neither text nor bytes."""


@dataclass(frozen=True)
class Prediction:
    """One classified text; ``queue`` is the label when auto-routed, else ``triage``."""

    label: str
    confidence: float
    queue: str
    top3: list[tuple[str, float]]
    reason: Reason

    @property
    def auto_routed(self) -> bool:
        return self.queue != TRIAGE_QUEUE

    @property
    def triage_reason(self) -> str | None:
        """Why a person must route it; None when auto-routed."""
        return None if self.auto_routed else self.reason

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 6),
            "queue": self.queue,
            "top3": [{"label": lab, "probability": round(p, 6)} for lab, p in self.top3],
            **({"triage_reason": self.reason} if not self.auto_routed else {}),
        }


def coerce_text(value: object) -> str:
    """Text as ``str``: bytes are decoded as UTF-8 with replacement, length is capped."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise InvalidTextError(f"expected text or bytes, got {type(value).__name__}")
    return value[:MAX_TEXT_CHARS]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return probabilities


@dataclass
class TextClassifier:
    """A loaded model directory; build it with :meth:`load`."""

    metadata: ModelMetadata
    backend: LogitBackend
    directory: Path
    batch_size: int = 64
    tfidf: SparseLinearHead | None = None
    _tokenizer: object = field(default=None, repr=False)
    #: Padded tokens per model call: a batch is cut into length-sorted pieces under this budget,
    #: so a few long texts do not make the whole batch pay for their padding, and a batch of 64
    #: gives the backend several pieces to run side by side (512: ~25% less CPU than 2048).
    max_tokens: int | None = 512
    #: Worker threads (``backend.parallel_calls`` of them) for model calls and tokenising.
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.backend.parallel_calls > 1:
            self._pool = ThreadPoolExecutor(
                self.backend.parallel_calls, thread_name_prefix="text-classifier"
            )

    @classmethod
    def load(
        cls,
        directory: Path | str,
        backend: Literal["onnx", "torch"] = "onnx",
        *,
        threads: int = 2,
        batch_size: int = 64,
        device: str = "cpu",
        onnx_file: Path | None = None,
    ) -> TextClassifier:
        """Load a model directory with the ONNX Runtime (default) or torch backend.

        ``onnx_file`` swaps in another graph of the same model (the fp32 export, for checks).
        """
        path = Path(directory)
        metadata = ModelMetadata.read(path)
        chosen: LogitBackend
        if backend == "onnx":
            chosen = OnnxBackend(onnx_file or require_file(path, ONNX_FILE), threads)
        else:  # opt-in (model_backend=torch): needs the train extra
            from classifiers.training.torch_backend import TorchBackend

            chosen = TorchBackend(path, metadata, threads, device)
        head = None
        if metadata.tfidf_head:
            head = SparseLinearHead.load(require_file(path, metadata.tfidf_head))
        tokenizer = load_tokenizer(require_file(path, TOKENIZER_FILE), metadata.max_length)
        return cls(metadata, chosen, path, batch_size, head, tokenizer)

    @property
    def labels(self) -> list[str]:
        return self.metadata.labels

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated combined scores (transformer + weighted TF-IDF head), input order.

        The length buckets go to the worker threads first; the TF-IDF head is computed on this
        thread while they run.
        """
        running = self._start_transformer(texts)
        out = self._lexical(texts)
        out += self._collect(running, len(texts))
        return out

    def _lexical(self, texts: Sequence[str]) -> np.ndarray:
        """The weighted TF-IDF head's scores (zeros without a head)."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if self.tfidf is not None and self.metadata.tfidf_weight:
            out += self.metadata.tfidf_weight * self.tfidf.decision(texts)
        return out

    def _start_transformer(
        self, texts: Sequence[str]
    ) -> list[tuple[np.ndarray, Future[np.ndarray]]]:
        ids = self._encode(texts)
        return [
            (batch, self._submit(self.backend.logits, input_ids, mask))
            for batch, input_ids, mask in iter_padded(ids, self.batch_size, self.max_tokens)
        ]

    def _collect(
        self, running: list[tuple[np.ndarray, Future[np.ndarray]]], rows: int
    ) -> np.ndarray:
        out = np.zeros((rows, len(self.labels)), dtype=np.float32)
        for batch, result in running:
            out[batch] = result.result()
        return out

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids; a large batch is tokenised in chunks on the worker threads (``tokenizers``
        releases the GIL), then bucketed as a whole so padding stays low."""
        chunk = max(MIN_ENCODE_CHUNK, -(-len(texts) // self.backend.parallel_calls))
        if self._pool is None or len(texts) <= chunk:
            return encode(self._tokenizer, texts)  # type: ignore[arg-type]
        parts = [
            self._submit(encode, self._tokenizer, texts[start : start + chunk])
            for start in range(0, len(texts), chunk)
        ]
        return [row for part in parts for row in part.result()]

    def _submit(self, function: Callable[..., R], *args: object) -> Future[R]:
        """``function(*args)`` on a worker thread, or here when there are none."""
        if self._pool is not None:
            return self._pool.submit(function, *args)
        done: Future[R] = Future()
        done.set_result(function(*args))
        return done

    def probabilities(self, texts: Sequence[object]) -> np.ndarray:
        """Calibrated class probabilities, shape (n, n_labels)."""
        clean = [coerce_text(text) for text in texts]
        if not clean:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return softmax(self.logits(clean) / self.metadata.temperature)

    def probabilities_unless_settled(
        self, texts: Sequence[object], label: str, min_probability: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities, running the transformer only where it could change whether
        ``label`` is the top class with probability above ``min_probability``.

        A text is *settled* when its lexical (TF-IDF) scores alone prove both, whatever the
        transformer outputs within ``metadata.transformer_margin_bounds``. Settled rows skip the
        transformer and get the lexical scores' probabilities; the rest get the full model's.
        Returns the probabilities and the settled mask. Without bounds or a TF-IDF head nothing
        settles, and this equals :meth:`probabilities`.
        """
        clean = [coerce_text(text) for text in texts]
        lexical = self._lexical(clean)
        settled = self._settled(lexical, label, min_probability)
        rest = np.flatnonzero(~settled)
        if rest.size:
            subset = [clean[i] for i in rest]
            lexical[rest] += self._collect(self._start_transformer(subset), len(subset))
        return softmax(lexical / self.metadata.temperature), settled

    def _settled(self, lexical: np.ndarray, label: str, min_probability: float) -> np.ndarray:
        """Rows where ``label`` stays on top with probability > ``min_probability`` for every
        transformer output the margin bounds allow."""
        bounds = self.metadata.transformer_margin_bounds
        if not bounds or not lexical.size or not 0 < min_probability < 1:
            return np.zeros(len(lexical), dtype=bool)
        index = self.labels.index(label)
        # Highest possible (logit_j - logit_label) of the combined scores, for each other j.
        worst = np.delete(lexical - lexical[:, [index]] + np.asarray(bounds)[index], index, axis=1)
        # p(label) = 1 / (1 + sum_j exp((logit_j - logit_label) / T)) > p  <=>  sum < (1 - p) / p
        odds = np.exp(worst / self.metadata.temperature).sum(axis=1)
        settled: np.ndarray = (worst.max(axis=1) < 0) & (
            odds < (1 - min_probability) / min_probability
        )
        return settled

    def classify(self, texts: Sequence[object]) -> list[Prediction]:
        """Predictions in input order; empty texts always go to triage."""
        clean = [coerce_text(text) for text in texts]
        probs = self.probabilities(clean)
        return [self._route(text, row) for text, row in zip(clean, probs, strict=True)]

    def classify_one(self, text: object) -> Prediction:
        return self.classify([text])[0]

    @cached_property
    def abstention(self) -> AbstentionPolicy | None:
        """The model's abstention checks (ticket models), or None when it has none."""
        values = self.metadata.abstention
        return AbstentionPolicy.from_metadata(values) if values else None

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Single words the TF-IDF head knows: what "known" means to the abstention checks."""
        terms = self.tfidf.terms if self.tfidf is not None else []
        return frozenset(term for term in terms if " " not in term)

    def _route(self, text: str, row: np.ndarray) -> Prediction:
        order = np.argsort(-row)[:3]
        top3 = [(self.labels[i], float(row[i])) for i in order]
        label, confidence = top3[0]
        if not text.strip():
            return Prediction(label, confidence, TRIAGE_QUEUE, top3, "empty_text")
        if self.abstention is not None:
            reason = triage_reason(text, self.vocabulary, self.abstention)
            if reason is not None:
                return Prediction(label, confidence, TRIAGE_QUEUE, top3, reason)
        if confidence < self.metadata.threshold(label):
            return Prediction(label, confidence, TRIAGE_QUEUE, top3, "below_threshold")
        return Prediction(label, confidence, label, top3, "confident")
