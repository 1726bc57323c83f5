"""Logit backends: the interface, and ONNX Runtime on CPU (serving).

The torch backend (GPU or checks) needs the training code's model definition, so it lives in
:mod:`classifiers.training.torch_backend`, behind the ``train`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np


class LogitBackend(Protocol):
    #: How many :meth:`logits` calls are worth running at once (the classifier's worker threads).
    parallel_calls: int

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Raw class scores, shape (batch, n_labels)."""
        ...


class OnnxBackend:
    """ONNX Runtime CPU session; each call uses one core, and ``threads`` calls may run at once.

    The inputs are small (a length bucket of ~512 tokens), so splitting one call's operators
    over threads spends much of its time waking them; running whole calls side by side (ONNX
    Runtime releases the GIL and a session may be run concurrently) keeps every core on useful
    work and uses less CPU per text.
    """

    def __init__(self, model_file: Path, threads: int = 2):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Workers share their cores with Kafka clients and other workers: busy-waiting threads
        # burn CPU others need (measured here: about twice the wall-clock throughput without).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.parallel_calls = max(1, threads)

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)
