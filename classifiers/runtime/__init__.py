"""Serving runtime for the distilled classifiers: ONNX Runtime + ``tokenizers`` + numpy.

Never imports torch or transformers at import time (serving has neither); the torch backend
imports them only when chosen.
"""

from classifiers.runtime.bundle import TRIAGE_QUEUE, ModelDirError, ModelMetadata
from classifiers.runtime.classifier import (
    InvalidTextError,
    Prediction,
    TextClassifier,
    coerce_text,
)

__all__ = [
    "TRIAGE_QUEUE",
    "InvalidTextError",
    "ModelDirError",
    "ModelMetadata",
    "Prediction",
    "TextClassifier",
    "coerce_text",
]
